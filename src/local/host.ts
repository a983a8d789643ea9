import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database, type Db } from '../db/client';
import { queryRows } from '../db/query';
import { migrate } from '../db/migrator';
import { buildServer, type UmigService } from '../server/app';
import { ConfigError, loadConfig } from '../server/config';
import { startLocalIssuer, type LocalIssuer } from '../server/dev-issuer';
import { runDueSchedules, type ScheduleRunResult } from '../services/imports/schedules';
import type { InvocationRecord } from './bridge';
import { appsOf, ensureBuilt, type EnsureBuiltResult } from './builds';
import { findDemoSetup, isDatabaseEmpty, loadDemoData, type DemoSize } from './demo-data';
import { loadDirectory, SITE_ADMINISTRATOR, type Directory } from './directory';
import { HostStateStore, type DemoAccount, type DemoFocus } from './host-state';
import { createHostServer, type HostRuntime } from './http';
import { readAppManifest, REPO_ROOT, type AppManifest } from './manifest';
import { tokenStylesheet } from './tokens';

/**
 * `npm start` and the browser tests: a local stand-in for Confluence around the real app.
 *
 * 1. Builds the Custom UI apps that are out of date (in a child process, while the rest starts).
 * 2. Opens the database (PGlite in <dataDir>/pgdata, or DATABASE_URL), applies the migrations and,
 *    on an empty database only, loads the demo data (demo-data.ts).
 * 3. Starts the UMIG service in-process exactly as `npm run serve -- --local-dev` would, with one
 *    difference that matters: the only key it trusts is an RSA key generated now, in this process,
 *    and published on a loopback-only key set. Nothing outside this process can sign for it, and
 *    the service never trusts such a key unless started in local-development mode on purpose.
 * 4. Serves the Confluence-like page on localhost (http.ts): the apps' builds in iframes with the
 *    bridge shim, and the host side of every bridge call, signed with that key per user.
 * 5. Every minute, calls the service's housekeeping route as Forge's scheduled trigger would (which
 *    releases a stale migration lock, runs the import schedules that are due and delivers due emails).
 */

export interface LocalHostOptions {
  /** Port of the page; 0 picks a free one. Default 3000. */
  port?: number;
  /** Folder for the host's state, the service log and (without databaseUrl) the embedded database. Default .umig. */
  dataDir?: string;
  /** PostgreSQL instead of the embedded database. */
  databaseUrl?: string;
  /** Embedded database folder. Default <dataDir>/pgdata. */
  pgliteDir?: string;
  /** Demo data loaded into an empty database; false loads none. Default 'full'. */
  demo?: DemoSize | false;
  /** Build out-of-date apps before serving. Default true. */
  build?: boolean;
  /** Housekeeping call period; 0 turns it off. Default 60 s. */
  housekeepingIntervalMs?: number;
  /** Forge's content security policy on the apps: enforced (default) or only reported. */
  csp?: 'enforce' | 'report-only';
  /** Progress lines ("Database: …"); default: none. */
  log?: (line: string) => void;
  /** Called after each invokeRemote call the host forwarded. */
  onInvocation?: (record: InvocationRecord) => void;
  /** The environment the service's settings are checked against (NODE_ENV, UMIG_LOG_LEVEL…). Default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface LocalHost {
  /** The Confluence-like page, e.g. http://localhost:3000/ */
  url: string;
  port: number;
  /** Where the app frames are served from (the page's other loopback origin). */
  appsOrigin: string;
  serviceUrl: string;
  /** The demo users offered by the page's user switcher: one ADMIN, PILOT and NORMAL. */
  accounts: DemoAccount[];
  /** The site's Confluence users (the demo's, a newcomer, a site administrator new to UMIG, colleagues for the picker). */
  directory: Directory;
  focus: DemoFocus | undefined;
  manifest: AppManifest;
  database: Database;
  /** True when this start loaded the demo data. */
  demoLoaded: boolean;
  build: EnsureBuiltResult | undefined;
  /** Milliseconds per start-up stage. */
  timings: Record<string, number>;
  /** invokeRemote calls forwarded so far, oldest first. */
  invocations(): InvocationRecord[];
  /** Calls the service's housekeeping route now (what the timer does every minute). */
  housekeeping(): Promise<unknown>;
  /** Runs the import schedules that are due now (what the timer does every minute after housekeeping). */
  runScheduledImports(): Promise<ScheduleRunResult[]>;
  close(): Promise<void>;
}

/** What the macros show when nobody configured them yet, from the demo's part-way iteration. */
function defaultConfig(moduleKey: string, focus: DemoFocus | undefined): Record<string, unknown> | undefined {
  if (!focus) return undefined;
  switch (moduleKey) {
    case 'umig-runsheet':
      return { iterationId: focus.iterationId };
    case 'umig-step-view':
      return focus.stepId ? { iterationId: focus.iterationId, stepId: focus.stepId } : { iterationId: focus.iterationId };
    case 'umig-controls':
      return focus.phaseId ? { iterationId: focus.iterationId, phaseId: focus.phaseId } : { iterationId: focus.iterationId };
    default:
      return undefined;
  }
}

/** The rows a macro configuration names (iterationId, stepId, phaseId), by table and key column. */
const CONFIG_REFERENCES: Array<[key: string, table: string, column: string]> = [
  ['iterationId', 'iterations_ite', 'ite_id'],
  ['stepId', 'steps_instance_sti', 'sti_id'],
  ['phaseId', 'phases_instance_phi', 'phi_id'],
];

async function referencesExist(db: Db, config: Record<string, unknown>): Promise<boolean> {
  for (const [key, table, column] of CONFIG_REFERENCES) {
    const value = config[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') return false;
    const rows = await queryRows(db, sql`SELECT 1 FROM ${sql.identifier(table)} WHERE ${sql.identifier(column)}::text = ${value} LIMIT 1`);
    if (rows.length === 0) return false;
  }
  return true;
}

/** Service settings an operator may tune for the local service too; everything else is set here. */
const SERVICE_ENV_KEYS = [
  'NODE_ENV',
  'UMIG_LOG_LEVEL',
  'UMIG_RATE_LIMIT_PER_MINUTE',
  'UMIG_RATE_LIMIT_BURST',
  'UMIG_REQUEST_TIMEOUT_MS',
  'UMIG_BODY_LIMIT_BYTES',
  'UMIG_LOCAL_DEV_INVOKE_DELAY_MS',
];

export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const lap = (stage: string, since: number) => {
    timings[stage] = Math.round(performance.now() - since);
  };
  const log = options.log ?? (() => undefined);
  const env = options.env ?? process.env;
  const dataDir = path.resolve(options.dataDir ?? path.join(REPO_ROOT, '.umig'));
  await mkdir(dataDir, { recursive: true });

  // Claim the port first: a second `npm start` stops here instead of opening the same database.
  let runtime: HostRuntime | undefined;
  let stage = 'reading manifest.yml';
  const host = createHostServer(() => runtime, () => `UMIG local host is starting: ${stage}…`);
  const cleanups: Array<() => Promise<unknown>> = [() => host.close()];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    await host.listen({ port: options.port ?? 3000, host: '127.0.0.1' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${options.port ?? 3000} is in use (another npm start?). Stop that process or set PORT to another port.`, { cause: error });
    }
    throw error;
  }
  const address = host.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 3000);

  try {
    let since = performance.now();
    const manifest = await readAppManifest();
    lap('manifest', since);

    // The build runs in a child process alongside the database work below.
    const buildStarted = performance.now();
    const building =
      options.build === false
        ? Promise.resolve(undefined)
        : // Vite's own lines (chunk-size advice…) stay out of the start-up summary; a failure shows them all.
          ensureBuilt(appsOf(manifest.resources), { onOutput: (line) => line.startsWith('static/') && log(`  build ${line}`) }).then(
            (result) => {
              lap('build', buildStarted);
              return result;
            },
          );
    // Observed here so that a failure while the database opens is not an unhandled rejection.
    building.catch(() => undefined);

    stage = 'opening the database';
    since = performance.now();
    const state = await HostStateStore.open(path.join(dataDir, 'host-state.json'));
    const pgliteDir = path.resolve(options.pgliteDir ?? path.join(dataDir, 'pgdata'));
    if (!options.databaseUrl) await mkdir(pgliteDir, { recursive: true });
    const database = await openDatabase(options.databaseUrl ? { url: options.databaseUrl } : { dataDir: pgliteDir });
    cleanups.push(() => database.close());
    lap('database', since);

    stage = 'applying migrations';
    since = performance.now();
    const { applied } = await migrate(database.raw);
    lap('migrations', since);
    log(`Database     ${database.description} (${applied.length === 0 ? 'schema current' : `${applied.length} migration(s) applied`})`);

    stage = 'loading the demo data';
    since = performance.now();
    let demoLoaded = false;
    if (options.demo !== false && (await isDatabaseEmpty(database.db))) {
      const demo = await loadDemoData(database.db, options.demo ?? 'full').catch((error: unknown) => {
        const where = options.databaseUrl ? 'empty the DATABASE_URL database' : `delete ${pgliteDir}`;
        throw new Error(`Loading the demo data failed (${error instanceof Error ? error.message : String(error)}). The database may hold part of it: ${where} and start again.`, {
          cause: error,
        });
      });
      state.state.accounts = demo.accounts;
      state.state.focus = demo.focus;
      // The saved configurations pointed at another database's ids.
      state.state.macros = [];
      demoLoaded = true;
      const { summary } = demo;
      log(
        `Demo data    loaded: ${demo.plan.counts.steps} master steps, ${demo.plan.counts.instructions} instructions, ${demo.plan.counts.controls} controls, ` +
          `${demo.plan.counts.teams} teams, ${demo.plan.counts.users} users; ${summary.planInstances} iterations instantiated; ` +
          `${demo.focus.iterationName}: ${summary.stepsCompleted} of ${summary.stepsPerInstance} steps completed, ${summary.stepsInProgress} in progress, ${summary.controlsPassed} controls passed`,
      );
    } else {
      const found = await findDemoSetup(database.db);
      const known = new Set(found.accounts.map((account) => account.accountId));
      const stillThere = state.state.accounts.filter((account) => known.has(account.accountId));
      state.state.accounts = stillThere.length === found.accounts.length ? stillThere : found.accounts;
      if (!state.state.focus || state.state.focus.iterationId !== found.focus?.iterationId) state.state.focus = found.focus;
      log(`Demo data    ${options.demo === false ? 'not requested' : 'kept: the database is not empty'}`);
    }
    for (const module of manifest.modules.filter((candidate) => candidate.type === 'macro')) {
      const macro = state.macroFor(module.key);
      // A configuration saved against another database (DATABASE_URL one day, PGlite the next) names
      // rows that are not here: the macro starts over from the demo's defaults.
      if (macro.config && !(await referencesExist(database.db, macro.config))) macro.config = undefined;
      macro.config ??= defaultConfig(module.key, state.state.focus);
    }
    await state.save();
    const directory = await loadDirectory(database.db, state.state.accounts);
    lap('demo', since);

    stage = 'starting the UMIG service';
    since = performance.now();
    const issuer: LocalIssuer = await startLocalIssuer();
    cleanups.push(() => issuer.close());
    const serviceEnv: NodeJS.ProcessEnv = {};
    for (const key of SERVICE_ENV_KEYS) if (env[key] !== undefined) serviceEnv[key] = env[key];
    const config = (() => {
      try {
        // The service's own settings check, as for `npm run serve -- --local-dev`: loopback key set
        // only, and never with NODE_ENV=production.
        return loadConfig({
          env: {
            ...serviceEnv,
            FORGE_APP_ID: manifest.appId,
            UMIG_INSTALLATIONS: `${state.state.site.installationId},${state.state.site.cloudId}`,
            UMIG_LOCAL_DEV_JWKS_URL: issuer.jwksUrl,
          },
          argv: ['--local-dev'],
        });
      } catch (error) {
        if (error instanceof ConfigError) throw new Error(error.message, { cause: error });
        throw error;
      }
    })();
    const serviceLog: WriteStream = createWriteStream(path.join(dataDir, 'service.log'), { flags: 'a' });
    cleanups.push(() => new Promise<void>((resolve) => serviceLog.end(resolve)));
    const service: UmigService = buildServer({
      config,
      // The service shares this process's database handle (PGlite is one connection per folder).
      tenants: [{ keys: [state.state.site.installationId, state.state.site.cloudId], label: database.description, open: async () => database, owned: false }],
      logStream: serviceLog,
    });
    cleanups.push(() => service.close());
    const serviceUrl = await service.listen(0, '127.0.0.1');
    const callApp = async (route: string, body: unknown, moduleKey: string) => {
      const token = await issuer.sign({ appId: manifest.appId, installationId: state.state.site.installationId, cloudId: state.state.site.cloudId, moduleKey }, { expiresIn: 60 });
      const response = await fetch(new URL(route, serviceUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`POST ${route} answered ${response.status}: ${text}`);
      // Every route of the service answers an envelope (src/domain/errors).
      return (JSON.parse(text) as { data?: unknown }).data;
    };
    // What Forge sends on install: the service checks the site's schema.
    await callApp('/forge/lifecycle', { event: { eventType: 'avi:forge:installed:app', id: state.state.site.installationId } }, 'umig-lifecycle');
    lap('service', since);
    log(`UMIG service ${serviceUrl} (local development mode: trusts only the key generated at this start, ${issuer.kid})`);

    stage = 'building the Custom UI apps';
    since = performance.now();
    const build = await building;
    if (build) {
      log(
        build.built.length > 0
          ? `Custom UI    built ${build.built.join(', ')} (${(build.ms / 1000).toFixed(1)} s)${build.upToDate.length > 0 ? `; up to date: ${build.upToDate.join(', ')}` : ''}`
          : `Custom UI    builds up to date (${build.upToDate.join(', ')})`,
      );
    }
    lap('build-wait', since);

    const housekeeping = () => callApp('/forge/housekeeping', {}, 'umig-housekeeping');
    // The service's housekeeping runs due import schedules and delivers due emails; this direct
    // entry stays for tests that want to run schedules without the route.
    const runScheduledImports = () => runDueSchedules(database.db, new Date());
    const interval = options.housekeepingIntervalMs ?? 60_000;
    if (interval > 0) {
      let running = false;
      const tick = async () => {
        if (running) return;
        running = true;
        try {
          const result = (await housekeeping()) as {
            staleMigrationLocksReleased?: number;
            scheduledImports?: Array<{ name: string; status: string }>;
            emails?: { sent: number; failed: number };
          };
          if ((result.staleMigrationLocksReleased ?? 0) > 0) log(`Housekeeping released ${result.staleMigrationLocksReleased} stale migration lock(s)`);
          for (const run of result.scheduledImports ?? []) log(`Scheduled import "${run.name}": ${run.status}`);
          if (result.emails && result.emails.sent + result.emails.failed > 0) log(`Emails: ${result.emails.sent} sent, ${result.emails.failed} failed`);
        } catch (error) {
          log(`Housekeeping failed: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          running = false;
        }
      };
      const timer = setInterval(() => void tick(), interval);
      timer.unref();
      cleanups.push(async () => {
        clearInterval(timer);
        // Let a tick that is running finish before the database closes.
        while (running) await new Promise((resolve) => setTimeout(resolve, 50));
      });
    }

    const invocations: InvocationRecord[] = [];
    runtime = {
      manifest,
      state,
      issuer,
      remotes: new Map(manifest.remotes.map((remote) => [remote, serviceUrl])),
      accounts: state.state.accounts,
      directory,
      // A site without UMIG users opens as its Confluence site administrator, who can claim UMIG's administration.
      defaultAccountId: (state.state.accounts.find((account) => account.role === 'ADMIN') ?? state.state.accounts[0] ?? SITE_ADMINISTRATOR).accountId,
      tokensCss: tokenStylesheet(),
      csp: options.csp ?? 'enforce',
      invocations,
      onInvocation: options.onInvocation,
      notice:
        state.state.accounts.length === 0
          ? `This site has no UMIG user yet. As ${SITE_ADMINISTRATOR.displayName}, a Confluence site administrator, open UMIG administration and claim the first administrator (or run npm run admin -- grant <accountId>); anyone who opens a macro joins by themselves.`
          : undefined,
    };
    timings.total = Math.round(performance.now() - started);

    let closed: Promise<void> | undefined;
    return {
      url: `http://localhost:${port}/`,
      port,
      appsOrigin: `http://127.0.0.1:${port}`,
      serviceUrl,
      accounts: state.state.accounts,
      directory,
      focus: state.state.focus,
      manifest,
      database,
      demoLoaded,
      build,
      timings,
      invocations: () => [...invocations],
      housekeeping,
      runScheduledImports,
      close() {
        runtime = undefined;
        closed ??= cleanUp();
        return closed;
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
