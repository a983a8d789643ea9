import { sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from './client';

/**
 * Rows of a raw SQL statement. Both drivers (node-postgres and PGlite) answer `execute` with an
 * object holding `rows`; Drizzle's generic database type cannot say so, hence the one cast here.
 */
export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}

/**
 * Runs `fn` in one read-only snapshot (repeatable read), so every statement sees the same moment
 * and none can take a write lock. PostgreSQL's JIT compiles a 10,000-row runsheet read for about
 * 250 ms before running it in under 100: these reads are many small lookups, so JIT is off for
 * this transaction only (SET LOCAL: a pooler in transaction mode keeps no session state).
 */
export function inReadSnapshot<T>(db: Db, fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
  return db.transaction(
    async (tx) => {
      await tx.execute(sql`SET LOCAL jit = off`);
      return fn(tx);
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
