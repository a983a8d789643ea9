import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type { Pool, PoolClient, QueryConfig } from 'pg';

/**
 * The few raw operations that must bypass Drizzle: running a whole migration file (many
 * statements in one round trip) and the migration runner's own bookkeeping.
 */
export interface RawConnection {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs a script of several statements; no parameters. */
  exec(script: string): Promise<void>;
  transaction<T>(fn: (tx: RawConnection) => Promise<T>): Promise<T>;
}

export function rawFromPool(pool: Pool): RawConnection {
  return {
    async query<T>(text: string, params?: unknown[]) {
      const result = await pool.query(text, params);
      return { rows: result.rows as T[] };
    },
    async exec(script) {
      await pool.query(script);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(rawFromClient(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

/**
 * Raw transactions are the migration runner's: a migration may rightly run for minutes, so its
 * statements are exempt from the pool's query timeout (setTimeout's largest delay, ~24 days).
 */
const NO_QUERY_TIMEOUT = 2_147_483_647;

/** node-postgres reads query_timeout per query; its types only know it on the client's config. */
const untimed = (text: string, values?: unknown[]): QueryConfig => ({ text, values, query_timeout: NO_QUERY_TIMEOUT }) as QueryConfig;

function rawFromClient(client: PoolClient): RawConnection {
  return {
    async query<T>(text: string, params?: unknown[]) {
      const result = await client.query(untimed(text, params));
      return { rows: result.rows as T[] };
    },
    async exec(script) {
      await client.query(untimed(script));
    },
    transaction() {
      throw new Error('Nested raw transactions are not supported');
    },
  };
}

export function rawFromPGlite(pg: PGlite | PGliteTransaction): RawConnection {
  return {
    async query<T>(text: string, params?: unknown[]) {
      const result = await pg.query<T>(text, params);
      return { rows: result.rows };
    },
    async exec(script) {
      await pg.exec(script);
    },
    async transaction(fn) {
      if (!('transaction' in pg)) throw new Error('Nested raw transactions are not supported');
      return pg.transaction((tx) => fn(rawFromPGlite(tx)));
    },
  };
}
