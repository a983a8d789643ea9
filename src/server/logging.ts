import type { Writable } from 'node:stream';
import type { FastifyServerOptions } from 'fastify';

/**
 * One JSON line per request (who, which function, which site, how long, how it ended) and one per
 * failure. Never a payload, a token or a database URL: requests are not serialised at all, and a
 * failure is reduced to its type, database error code and the driver's own sentence.
 */

export interface FailureFacts {
  type: string;
  message: string;
  code?: string;
  stack?: string;
}

/**
 * Drizzle's DrizzleQueryError carries the SQL and its parameters (user data) in its message; the
 * driver error underneath says what went wrong without them. Walk down to it.
 */
export function describeFailure(error: unknown): FailureFacts {
  let current: unknown = error;
  for (let depth = 0; depth < 5; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    const name = (current as { name?: string } | null)?.name;
    if (cause === undefined || (name !== 'DrizzleQueryError' && !(current instanceof Error && /Failed query/.test(current.message)))) break;
    current = cause;
  }
  if (!(current instanceof Error)) return { type: typeof current, message: 'non-error thrown' };
  const code = (current as { code?: unknown }).code;
  const stack = current.stack?.split('\n').slice(1, 8).join('\n');
  return { type: current.name, message: current.message.slice(0, 500), ...(typeof code === 'string' ? { code } : {}), ...(stack ? { stack } : {}) };
}

export interface LoggingOptions {
  level: string;
  /** Where the JSON lines go; stdout by default. Tests pass a stream to read them. */
  stream?: Writable;
}

export function loggerOptions(options: LoggingOptions): NonNullable<FastifyServerOptions['logger']> {
  return {
    level: options.level,
    ...(options.stream ? { stream: options.stream } : {}),
    base: { service: 'umig-service' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    // Nothing logs a request or reply object, but if something does, only these survive.
    serializers: {
      req: (req: { method?: string; routeOptions?: { url?: string } }) => ({ method: req.method, route: req.routeOptions?.url }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: (err: unknown) => {
        const facts = describeFailure(err);
        return { ...facts, stack: facts.stack ?? '' };
      },
    },
    redact: { paths: ['authorization', '*.authorization', 'headers', '*.headers', 'payload', '*.payload', 'body', '*.body'], censor: '[redacted]' },
  };
}
