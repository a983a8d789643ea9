import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CallScope, runInCallScope } from '../db/call-scope';
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
    Pick<
      ServiceConfig,
      | 'migrate'
      | 'bodyLimitBytes'
      | 'rateLimit'
      | 'requestTimeoutMs'
      | 'readyTimeoutMs'
      | 'logLevel'
      | 'tenants'
      | 'poolMax'
      | 'localDevInvokeDelayMs'
      | 'dbConnectTimeoutMs'
      | 'dbQueryTimeoutMs'
      | 'email'
    >
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
const SHUTTING_DOWN = 'This UMIG service instance is shutting down; nothing was done. Try again in a moment.';
const NOT_SERVED = "The call's token names a Confluence site this UMIG service does not serve.";
/** While draining, how long no new call must arrive before the listener and idle connections close. */
const DRAIN_QUIET_MS = 500;
const DRAIN_ACCEPT_MAX_MS = 10_000;
const TIMED_OUT =
  'The UMIG service took too long to answer. If you were changing something it may still have been saved: reload before trying again.';

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;
}

class RequestTimeout extends Error {}

/**
 * Runs a call within its time limit. When the limit passes, the caller is answered at once and the
 * database connections the call holds are closed, so PostgreSQL rolls its transaction back and the
 * pool gets the slots back: a call stuck on a silent database or a lock does not keep them.
 */
function withDeadline<T>(work: () => Promise<T>, ms: number, onExpired: (abandoned: number) => void): Promise<T> {
  const scope = new CallScope();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onExpired(scope.expire());
      reject(new RequestTimeout());
    }, ms);
  });
  const running = runInCallScope(scope, work);
  // The abandoned call still settles later (usually with a closed-connection error): nobody waits.
  running.catch(() => undefined);
  return Promise.race([running, deadline]).finally(() => clearTimeout(timer));
}

/** The HTTP status of an envelope: UNAVAILABLE (the database failed during the call) is 503, the rest 200. */
const statusOf = (envelope: Envelope<unknown>): number =>
  envelope.ok ? 200 : envelope.error.code === 'UNAVAILABLE' ? 503 : envelope.error.code === 'RATE_LIMITED' ? 429 : 200;

/** A 429 from a call (the user's costly calls at once) says when to try again, like the rate limiter's. */
function retryAfterOf(envelope: Envelope<unknown>): string | undefined {
  if (envelope.ok || envelope.error.code !== 'RATE_LIMITED') return undefined;
  const seconds = (envelope.error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof seconds === 'number' ? String(seconds) : undefined;
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

  const tenants = new TenantRegistry(options.tenants ?? tenantSpecsFromConfig({
        tenants: settings.tenants ?? [],
        poolMax: settings.poolMax,
        dbConnectTimeoutMs: settings.dbConnectTimeoutMs,
        dbQueryTimeoutMs: settings.dbQueryTimeoutMs,
      }), {
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
    // A late caller on a connection still open while draining: refused whole (never reset), so the
    // load balancer or the user can send it elsewhere; the connection closes after this answer.
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
        // The module the token was issued for (app.module.key) decides where a call may come from (the first-administrator claim).
        { call: { functionKey, payload: payload ?? {} }, context: { ...identity.context, moduleKey: identity.moduleKey } },
        { principal: identity.accountId ? { accountId: identity.accountId } : undefined, installContext: identity.installContext, installation: { id: identity.installationId } },
      )) as Envelope<unknown>;
    };
    try {
      const envelope = await withDeadline(run, settings.requestTimeoutMs, (abandoned) => {
        if (abandoned > 0) log.warn({ reqId: request.id, fn: functionKey, connections: abandoned }, 'call deadline passed: its database connections were closed');
      });
      facts.outcome = envelope.ok ? 'ok' : envelope.error.code;
      // 503 only when the database failed: nothing was saved, so the call may be sent again.
      const retryAfter = retryAfterOf(envelope);
      if (retryAfter) void reply.header('retry-after', retryAfter);
      return reply.code(statusOf(envelope)).send(envelope);
    } catch (error) {
      if (!(error instanceof RequestTimeout)) throw error;
      facts.outcome = 'TIMEOUT';
      // 504, not 503: every 503 of this service means "not executed" (safe to send elsewhere);
      // this call may still commit, so a proxy must not replay it.
      return reply.code(504).send(failure('UNAVAILABLE', TIMED_OUT));
    }
  });

  /**
   * The two Forge routes run site-wide jobs (migrations, email delivery, scheduled imports): only
   * Forge itself may ask, with an app-level token (no user). A user's token, which any page of the
   * app can obtain through invokeRemote, is refused before anything runs.
   */
  async function authenticateApp(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    await authenticate(request, reply);
    if (reply.sent) return;
    if (request.umig.identity?.accountId !== undefined) {
      request.umig.outcome = 'user token on an app-only route';
      await reply.code(403).send(failure('FORBIDDEN', 'This route accepts only the app\'s own (system) invocations, never a user\'s token.'));
    }
  }

  server.post('/forge/lifecycle', { onRequest: authenticateApp }, async (request, reply) => {
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

  server.post('/forge/housekeeping', { onRequest: authenticateApp }, async (request, reply) => {
    const tenant = request.umig.tenant!;
    request.umig.functionKey = 'housekeeping';
    try {
      const result = await runHousekeeping(tenant, settings.email);
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

  // Calls under way (counted on the raw server, so aborted requests are counted out too).
  let active = 0;
  let lastArrival = 0;
  server.server.on('request', (_req, res) => {
    active += 1;
    lastArrival = Date.now();
    res.once('close', () => {
      active -= 1;
    });
  });

  /**
   * Graceful stop without resetting anything mid-flight. Closing a listening socket resets the
   * connections still waiting in its accept queue, and closing an idle keep-alive connection
   * resets a request the client is sending on it at that instant. So the service first keeps both
   * open and answers every new call 503 with Connection: close (not executed: the load balancer
   * or the user may send it again), and /readyz 503, so that the load balancer moves away. Once
   * nothing is under way and no call has arrived for DRAIN_QUIET_MS (or after DRAIN_ACCEPT_MAX_MS
   * under relentless traffic), Fastify closes: the listener, the now idle connections, then the
   * pools (onClose). main.ts bounds the whole by UMIG_SHUTDOWN_TIMEOUT_MS.
   */
  async function drainThenClose(): Promise<void> {
    const started = Date.now();
    while ((active > 0 || Date.now() - lastArrival < DRAIN_QUIET_MS) && Date.now() - started < DRAIN_ACCEPT_MAX_MS) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await server.close();
  }

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
      closed ??= drainThenClose();
      return closed;
    },
  };
}
