import type { Db } from '../../src/db/client';
import { createHandler, type Definitions, type FunctionKey } from '../../src/resolvers';
import type { Envelope } from '../../src/resolvers/operation';

export type ResultOf<K extends FunctionKey> = ReturnType<Definitions[K]>;
export type PayloadOf<K extends FunctionKey> = Parameters<Definitions[K]>[0];

/**
 * Calls the resolver handler exactly as Forge does (through the UMIG service):
 * `handler({ call: { functionKey, payload }, context }, { principal: { accountId }, installContext })`.
 */
export function makeCaller(db: Db) {
  const handler = createHandler({ databaseFor: () => db });
  const raw = async (accountId: string | undefined, functionKey: string, payload: unknown): Promise<Envelope<unknown>> =>
    (await handler(
      { call: { functionKey, payload }, context: { extension: { type: 'macro' } } },
      { principal: accountId ? { accountId } : undefined, installContext: 'ari:cloud:confluence::site/test-site' },
    )) as Envelope<unknown>;
  const typed = <K extends FunctionKey>(accountId: string | undefined, functionKey: K, payload: PayloadOf<K>) =>
    raw(accountId, functionKey, payload) as Promise<ResultOf<K>>;
  return { call: typed, callRaw: raw };
}

/** Unwraps a successful envelope, failing the test with the error body otherwise. */
export function expectOk<T>(envelope: Envelope<T>): T {
  if (!envelope.ok) throw new Error(`expected ok, got ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.data;
}

/** The error code of a failed envelope ('OK' when it succeeded), for compact assertions. */
export function codeOf(envelope: Envelope<unknown>): string {
  return envelope.ok ? 'OK' : envelope.error.code;
}

/** The sentence of a failed envelope ('' when it succeeded), for compact assertions. */
export function messageOf(envelope: { ok: boolean; error?: { message: string } }): string {
  return envelope.ok ? '' : envelope.error!.message;
}
