import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { operations } from '../resolvers';
import { failure, type Envelope } from '../domain/errors';
import { createTokenVerifier, type InvocationIdentity, type TokenVerifier } from './auth';
import type { ServiceConfig } from './config';
import { describeFailure, loggerOptions } from './logging';
import { lifecycleEventType, runHousekeeping, runLifecycle } from './maintenance';
import { RateLimiter } from './rate-limit';
import { TenantRegistry, TenantUnavailableError, tenantSpecsFromConfig, type Tenant, type TenantSpec } from './tenants';

/**
 * The UMIG service: the Forge Remote that runs the resolvers next to PostgreSQL.
 *
 *   POST /invoke             { functionKey, payload } -> the resolver's envelope (UI calls, invokeRemote)
 *   POST /forge/lifecycle    install/upgrade forwarded by src/forge: migrate or verify the site's schema
 *   POST /forge/housekeeping the hourly trigger forwarded by src/forge
 *   GET  /healthz            the process is up
 *   GET  /readyz             every tenant's database answers SELECT 1
 *
 * Every POST carries a Forge Invocation Token; a call whose token fails any check is answered 401
 * before anything touches a database. Who the caller is and which site it is come only from the
 * token, never from the body.
 */

/** The settings buildServer needs; loadConfig() produces them, tests spell out a few. */
export type ServerSettings = Pick<ServiceConfig, 'appId' | 'jwksUrl'> &
  Partial<
    Pick<ServiceConfig, 'migrate' | 'bodyLimitBytes' | 'rateLimit' | 'requestTimeoutMs' | 'readyTimeoutMs' | 'logLevel' | 'tenants' | 'poolMax' | 'localDevInvokeDelayMs'>
  >;

export interface BuildServerOptions {
  config: ServerSettings;
  /** Databases to serve instead of config.tenants (tests share one database between instances). */
  tenants?: TenantSpec[];
  /** JSON log lines go here instead of stdout. */
  logStream?: Writable;
  /** Replaces the token verifier built from config (only tests of the verifier itself need this). */
  verifier?: TokenVerifier;
  /**
   * Runs before each resolver call, inside the request's time limit. Tests use it to hold a call
   * open; main.ts uses it only for UMIG_LOCAL_DEV_INVOKE_DELAY_MS in --local-dev mode.
   */
  beforeInvoke?: (call: { functionKey: string; identity: InvocationIdentity }) => Promise<void>;
}

export interface UmigService {
  server: FastifyInstance;
  tenants: TenantRegistry;
  /** Starts listening; resolves with the base URL (port 0 picks a free port). */
  listen(port?: number, host?: string): Promise<string>;
  /** Graceful stop: refuses new calls, lets in-flight calls finish, then closes every database. */
  close(): Promise<void>;
}

const DEFAULTS = {
  migrate: false,
  bodyLimitBytes: 1024 * 1024,
  rateLimit: { perMinute: 600, burst: 60 },
  requestTimeoutMs: 20_000,
  readyTimeoutMs: 2_000,
  logLevel: 'info',
  poolMax: 10,
} as const;

/** What the per-request log line says about a call; filled in as the request goes. */
interface RequestFacts {
  identity?: InvocationIdentity;
  tenant?: Tenant;
  functionKey?: string;
  /** 'ok', an envelope error code, or a short reason. */
  outcome?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    umig: RequestFacts;
  }
}

/** Every route answers an envelope (src/domain/errors), whatever its status. */
const success = <T>(data: T): Envelope<T> => ({ ok: true, data });

const invokeBody = z.object({
  functionKey: z.string().min(1).max(200),
  payload: z.unknown().optional(),
});

const UNAVAILABLE = 'The UMIG service cannot reach the database for this site right now. Try again in a moment.';
const SHUTTING_DOWN = 'This UMIG service instance is shutting down. Try again in a moment.';
const NOT_SERVED = "The call's token names a Confluence site this UMIG service does not serve.";
const TIMED_OUT =
  'The UMIG service took too long to answer. If you were changing something it may still have been saved: reload before trying again.';

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;
}

class RequestTimeout extends Error {}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RequestTimeout()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export function buildServer(options: BuildServerOptions): UmigService {
  const settings = { ...DEFAULTS, ...options.config };
  const server = Fastify({
    logger: loggerOptions({ level: settings.logLevel, stream: options.logStream }),
    // Fastify's own per-request lines would log headers; the onResponse hook below writes ours.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    genReqId: () => randomUUID(),
    bodyLimit: settings.bodyLimitBytes,
    // Time allowed to receive a whole request; the handler has its own limit below.
    requestTimeout: settings.requestTimeoutMs,
    // At shutdown idle keep-alive connections are closed at once, busy ones after their response.
    forceCloseConnections: 'idle',
    // Our onRequest hook answers 503 with an envelope while closing (Fastify's own body is not one).
    return503OnClosing: false,
  });
  const log = server.log;

  const tenants = new TenantRegistry(options.tenants ?? tenantSpecsFromConfig({ tenants: settings.tenants ?? [], poolMax: settings.poolMax }), {
    migrate: settings.migrate,
    log: (message, facts) => log.info(facts ?? {}, message),
    logError: (error, functionKey) => log.error({ fn: functionKey, failure: describeFailure(error) }, 'resolver failed'),
  });
  const verifier = options.verifier ?? createTokenVerifier({ appId: settings.appId, jwksUrl: settings.jwksUrl });
  const limiter = new RateLimiter(settings.rateLimit);
  const beforeInvoke =
    options.beforeInvoke ??
    (settings.localDevInvokeDelayMs && settings.localDevInvokeDelayMs > 0
      ? () => new Promise<void>((resolve) => setTimeout(resolve, settings.localDevInvokeDelayMs))
      : undefined);
  let closing = false;

  server.decorateRequest('umig', null as unknown as RequestFacts);
  server.addHook('onRequest', async (request, reply) => {
    request.umig = {};
    if (closing && request.url !== '/readyz') {
      request.umig.outcome = 'shutting down';
      await reply.code(503).header('connection', 'close').send(failure('UNAVAILABLE', SHUTTING_DOWN));
    }
  });

  /** Token first, then the rate limit: both before the body is even read. */
  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const verification = await verifier.verify(request.headers.authorization);
    if (!verification.ok) {
      request.umig.outcome = verification.reason;
      if (verification.status === 401) void reply.header('www-authenticate', 'Bearer');
      await reply
        .code(verification.status)
        .send(
          verification.status === 401
            ? failure('UNAUTHENTICATED', `The call's Forge invocation token was refused: ${verification.reason}.`, { reason: verification.reason })
            : failure('UNAVAILABLE', `The UMIG service cannot check the call's token right now (${verification.reason}). Try again in a moment.`, { reason: verification.reason }),
        );
      return;
    }
    const { identity } = verification;
    request.umig.identity = identity;
    const tenant = tenants.resolve(identity.installationId, identity.cloudId);
    if (!tenant) {
      request.umig.outcome = 'installation not served';
      await reply.code(401).header('www-authenticate', 'Bearer').send(failure('UNAUTHENTICATED', NOT_SERVED, { reason: 'installation not served' }));
      return;
    }
    request.umig.tenant = tenant;
    const decision = limiter.take(`${identity.installationId}|${identity.accountId ?? 'app'}`);
    if (!decision.allowed) {
      request.umig.outcome = 'rate limited';
      await reply
        .code(429)
        .header('retry-after', String(decision.retryAfterSeconds))
        .send(failure('RATE_LIMITED', `Too many requests at once. Wait ${decision.retryAfterSeconds} s and try again.`));
    }
  }

  server.post('/invoke', { onRequest: authenticate }, async (request, reply) => {
    const facts = request.umig;
    const identity = facts.identity!;
    const tenant = facts.tenant!;
    const body = invokeBody.safeParse(request.body);
    if (!body.success) {
      facts.outcome = 'VALIDATION';
      return reply.code(400).send(failure('VALIDATION', 'The request must be a JSON object with a functionKey and a payload.'));
    }
    const { functionKey, payload } = body.data;
    facts.functionKey = functionKey;
    if (!Object.hasOwn(operations, functionKey)) {
      facts.outcome = 'NOT_FOUND';
      return reply.code(404).send(failure('NOT_FOUND', `The UMIG service has no function "${functionKey}"; reload the page to get the current app.`));
    }
    try {
      await tenant.database();
    } catch (error) {
      facts.outcome = 'UNAVAILABLE';
      log.error({ reqId: request.id, tenant: tenant.label, failure: describeFailure(error) }, 'tenant database unavailable');
      return reply.code(503).send(failure('UNAVAILABLE', UNAVAILABLE));
    }
    const run = async (): Promise<Envelope<unknown>> => {
      await beforeInvoke?.({ functionKey, identity });
      // Identity and site come from the verified token only; payload is the caller's input, nothing more.
      return (await tenant.handler()(
        { call: { functionKey, payload: payload ?? {} }, context: identity.context },
        { principal: identity.accountId ? { accountId: identity.accountId } : undefined, installContext: identity.installContext, installation: { id: identity.installationId } },
      )) as Envelope<unknown>;
    };
    try {
      const envelope = await withDeadline(run(), settings.requestTimeoutMs);
      facts.outcome = envelope.ok ? 'ok' : envelope.error.code;
      return reply.code(200).send(envelope);
    } catch (error) {
      if (!(error instanceof RequestTimeout)) throw error;
      facts.outcome = 'TIMEOUT';
      // 504, not 503: every 503 of this service means "not executed" (safe to send elsewhere);
      // this call may still commit, so a proxy must not replay it.
      return reply.code(504).send(failure('UNAVAILABLE', TIMED_OUT));
    }
  });

  server.post('/forge/lifecycle', { onRequest: authenticate }, async (request, reply) => {
    const tenant = request.umig.tenant!;
    const event = lifecycleEventType(request.body);
    request.umig.functionKey = `lifecycle:${event}`;
    try {
      const result = await runLifecycle(tenant, event);
      request.umig.outcome = 'ok';
      log.info({ reqId: request.id, tenant: tenant.label, ...result }, 'lifecycle event handled');
      return reply.send(success(result));
    } catch (error) {
      if (!(error instanceof TenantUnavailableError)) throw error;
      request.umig.outcome = 'UNAVAILABLE';
      log.error({ reqId: request.id, tenant: tenant.label, failure: describeFailure(error) }, 'lifecycle event failed');
      return reply.code(503).send(failure('UNAVAILABLE', error.message));
    }
  });

  server.post('/forge/housekeeping', { onRequest: authenticate }, async (request, reply) => {
    const tenant = request.umig.tenant!;
    request.umig.functionKey = 'housekeeping';
    try {
      const result = await runHousekeeping(tenant);
      request.umig.outcome = 'ok';
      log.info({ reqId: request.id, tenant: tenant.label, ...result }, 'housekeeping done');
      return reply.send(success(result));
    } catch (error) {
      if (!(error instanceof TenantUnavailableError)) throw error;
      request.umig.outcome = 'UNAVAILABLE';
      return reply.code(503).send(failure('UNAVAILABLE', error.message));
    }
  });

  server.get('/healthz', async () => success({ status: 'ok' }));

  server.get('/readyz', async (request, reply) => {
    if (closing) return reply.code(503).send(failure('UNAVAILABLE', SHUTTING_DOWN));
    const results = await tenants.checkAll(settings.readyTimeoutMs);
    const failed = results.filter((r) => !r.health.ok);
    for (const { tenant, health } of failed) {
      if (!health.ok) log.warn({ reqId: request.id, tenant: tenant.label, reason: health.reason }, 'tenant not ready');
    }
    // Counts only: the endpoint is public, the database names and reasons stay in the log.
    const counts = { tenants: results.length, unavailable: failed.length };
    if (failed.length === 0) return reply.code(200).send(success({ status: 'ready', ...counts }));
    return reply.code(503).send(failure('UNAVAILABLE', `${failed.length} of ${results.length} site database(s) do not answer.`, counts));
  });

  server.setNotFoundHandler(async (request, reply) => reply.code(404).send(failure('NOT_FOUND', `The UMIG service has no route ${request.method} ${request.url.split('?')[0]}.`)));

  server.setErrorHandler(async (error: FastifyError, request, reply) => {
    const facts = request.umig ?? {};
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      facts.outcome = 'PAYLOAD_TOO_LARGE';
      return reply
        .code(413)
        .send(failure('PAYLOAD_TOO_LARGE', `The request is too large: the UMIG service accepts at most ${formatBytes(settings.bodyLimitBytes)} per call. Send less at once.`));
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      facts.outcome = 'VALIDATION';
      return reply.code(415).send(failure('VALIDATION', 'The request must be sent as application/json.'));
    }
    if (error.statusCode === 400 || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
      facts.outcome = 'VALIDATION';
      return reply.code(400).send(failure('VALIDATION', 'The request body is not valid JSON.'));
    }
    facts.outcome = 'UNKNOWN';
    log.error({ reqId: request.id, fn: facts.functionKey, failure: describeFailure(error) }, 'request failed');
    return reply.code(500).send(failure('UNKNOWN', 'Something went wrong on the UMIG service; the error was logged.'));
  });

  server.addHook('onSend', async (_request, reply) => {
    // While draining, answer in-flight calls and then let their connections go.
    if (closing) void reply.header('connection', 'close');
  });

  server.addHook('onResponse', async (request, reply) => {
    const facts = request.umig ?? {};
    const health = request.routeOptions.url === '/healthz' || request.routeOptions.url === '/readyz';
    const line = {
      reqId: request.id,
      route: request.routeOptions.url ?? 'unknown',
      fn: facts.functionKey,
      installation: facts.identity?.installationId,
      accountId: facts.identity?.accountId,
      traceId: typeof request.headers['x-b3-traceid'] === 'string' ? request.headers['x-b3-traceid'] : undefined,
      status: reply.statusCode,
      outcome: facts.outcome ?? (reply.statusCode < 400 ? 'ok' : `http ${reply.statusCode}`),
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (health && reply.statusCode < 400) log.debug(line, 'request');
    else log.info(line, 'request');
  });

  server.addHook('onClose', async () => {
    await tenants.close();
  });

  let closed: Promise<void> | undefined;
  return {
    server,
    tenants,
    async listen(port = 0, host = '127.0.0.1') {
      const address = await server.listen({ port, host });
      return address;
    },
    close() {
      closing = true;
      closed ??= server.close();
      return closed;
    },
  };
}
