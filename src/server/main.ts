import { buildServer } from './app';
import { ConfigError, describeConfig, loadConfig, type ServiceConfig } from './config';
import { deliverDueEmails } from '../services/notifications/worker';

/**
 * The UMIG service as a process: `node dist/server/main.js [--migrate]` in production (after
 * `npm run build`), `npm run serve [-- --migrate] [-- --local-dev]` from the sources. Settings come
 * from the environment (docs/deployment.md); SIGTERM/SIGINT drain in-flight calls, close the
 * database pools and exit 0 (1 if the drain outlasts UMIG_SHUTDOWN_TIMEOUT_MS).
 */
async function main(): Promise<void> {
  let config: ServiceConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }

  const service = buildServer({ config });
  const log = service.server.log;
  log.info(describeConfig(config), config.localDev ? 'starting in LOCAL DEVELOPMENT mode (local signing keys)' : 'starting');

  // Signals are handled from the first moment: one that arrives while tenants are being opened (a
  // migration may be running) lets that finish, then stops without ever listening.
  let stopping = false;
  let started: Promise<void> = Promise.resolve();
  // Emails wait in each site's outbox; deliver them between Forge's scheduled housekeeping calls.
  // Rows are claimed with SKIP LOCKED, so every instance may run this timer.
  let emailTimer: NodeJS.Timeout | undefined;
  const startEmailDelivery = () => {
    const intervalMs = config.outboxIntervalMs;
    if (intervalMs === 0) return;
    let running = false;
    emailTimer = setInterval(() => {
      if (running || stopping) return;
      running = true;
      void Promise.all(
        service.tenants.tenants
          .filter((tenant) => tenant.isOpen())
          .map(async (tenant) => {
            try {
              const report = await deliverDueEmails((await tenant.database()).db, { credentials: config.email });
              if (report.sent + report.failed > 0) log.info({ tenant: tenant.label, ...report }, 'emails delivered');
            } catch (error) {
              log.error({ tenant: tenant.label, reason: error instanceof Error ? error.message : String(error) }, 'email delivery failed');
            }
          }),
      ).finally(() => {
        running = false;
      });
    }, intervalMs);
    emailTimer.unref();
  };
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting for in-flight calls');
      process.exit(1);
    }
    stopping = true;
    if (emailTimer) clearInterval(emailTimer);
    log.info({ signal }, 'stopping: no new calls, finishing in-flight ones');
    const force = setTimeout(() => {
      log.error({ timeoutMs: config.shutdownTimeoutMs }, 'in-flight calls did not finish in time; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    started
      .catch(() => undefined)
      .then(() => service.close())
      .then(
        () => {
          clearTimeout(force);
          log.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          log.error({ reason: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  started = (async () => {
    // Open every tenant now (and migrate with --migrate), so that problems show at start. A tenant
    // that cannot be served does not stop the others; /readyz reports it until it recovers.
    await Promise.all(
      service.tenants.tenants.map(async (tenant) => {
        try {
          await tenant.database();
          log.info({ tenant: tenant.label }, 'tenant ready');
        } catch (error) {
          log.error({ tenant: tenant.label, reason: error instanceof Error ? error.message : String(error) }, 'tenant not ready');
        }
      }),
    );
    if (stopping) return;
    const url = await service.listen(config.port, config.host);
    log.info({ url }, `UMIG service listening on ${url}`);
    startEmailDelivery();
  })();
  await started;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
