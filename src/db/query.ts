import type { SQL } from 'drizzle-orm';
import type { DbOrTx } from './client';

/**
 * Rows of a raw SQL statement. Both drivers (node-postgres and PGlite) answer `execute` with an
 * object holding `rows`; Drizzle's generic database type cannot say so, hence the one cast here.
 */
export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}
