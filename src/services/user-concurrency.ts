import type { Db } from '../db/client';
import type { ServiceContext } from './context';

/**
 * Issue 10 §5.4: one user cannot slow everyone down. Exports and the heavy import calls (upload,
 * finishing a chunked upload, validation and staging through `continue`, preview, promotion)
 * run at most PER_USER_LIMIT at a time per user and kind; a call beyond that is refused at once
 * (RATE_LIMITED, HTTP 429), never queued, so it holds no connection while it waits.
 *
 * The count lives in this service instance's memory, like the rate limiter (src/server/rate-limit.ts):
 * with N instances a user may run up to N times as many. That bounds what one user costs each
 * instance and its pool, which is the point; an exact cluster-wide count would need a connection
 * held per call for a session advisory lock (docs/decisions.md, "Cost limits").
 */
export const PER_USER_LIMIT = 2;

export type CostlyKind = 'export' | 'import';

const WHAT: Record<CostlyKind, { many: string; retryAfterSeconds: number }> = {
  export: { many: 'exports', retryAfterSeconds: 5 },
  import: { many: 'import steps (upload, validation, preview or promotion)', retryAfterSeconds: 5 },
};

/** Thrown when the user already runs PER_USER_LIMIT calls of a kind; the resolver answers RATE_LIMITED (429). */
export class BusyError extends Error {
  override readonly name = 'BusyError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export function isBusyError(value: unknown): value is BusyError {
  return value instanceof Error && value.name === 'BusyError' && typeof (value as { retryAfterSeconds?: unknown }).retryAfterSeconds === 'number';
}

// Per tenant database (each site has its own users), then per user and kind.
const running = new WeakMap<Db, Map<string, number>>();

/** Runs `work` in one of the user's slots of `kind`, or refuses at once when both are taken. */
export async function inUserSlot<T>(ctx: ServiceContext, kind: CostlyKind, work: () => Promise<T>): Promise<T> {
  let counts = running.get(ctx.db);
  if (!counts) {
    counts = new Map();
    running.set(ctx.db, counts);
  }
  const key = `${kind}:${ctx.actor.userId}`;
  const current = counts.get(key) ?? 0;
  if (current >= PER_USER_LIMIT) {
    const what = WHAT[kind];
    throw new BusyError(
      `You already have ${PER_USER_LIMIT} ${what.many} running. Wait for one to finish, then try again.`,
      what.retryAfterSeconds,
    );
  }
  counts.set(key, current + 1);
  try {
    return await work();
  } finally {
    const left = (counts.get(key) ?? 1) - 1;
    if (left <= 0) counts.delete(key);
    else counts.set(key, left);
  }
}

/** A use case that takes one of the user's slots of `kind` while it runs. */
export function limitedPerUser<I, R>(kind: CostlyKind, run: (ctx: ServiceContext, input: I) => Promise<R>): (ctx: ServiceContext, input: I) => Promise<R> {
  return (ctx, input) => inUserSlot(ctx, kind, () => run(ctx, input));
}
