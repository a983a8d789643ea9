import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePGlite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { Pool } from 'pg';
import { rawFromPGlite, rawFromPool, type RawConnection } from './raw';
import * as schema from './schema';

export type Schema = typeof schema;
/** The Drizzle database every repository and service receives; the same type for both drivers. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle is usable wherever a Db is. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  kind: 'postgres' | 'pglite';
  db: Db;
  raw: RawConnection;
  /** Where the data lives, safe to print (never the password). */
  description: string;
  close(): Promise<void>;
  /** PGlite only: a tarball of the data directory, to start copies from (tests, demo data). */
  dumpDataDir?: () => Promise<Blob>;
}

export interface DatabaseOptions {
  /** postgres://… : node-postgres pool. Absent: embedded PGlite. */
  url?: string;
  /** PGlite data directory; absent means in memory. */
  dataDir?: string;
  /** PGlite data-dir dump to start from (a migrated template), instead of an empty database. */
  loadDataDir?: Blob;
  poolMax?: number;
}

export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
}

/** host:port/database of a connection URL, without user or password. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const database = parsed.pathname.replace(/^\//, '') || '(default database)';
    return `PostgreSQL at ${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${database}`;
  } catch {
    return 'PostgreSQL (unparseable DATABASE_URL)';
  }
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  return options.url ? openPostgres(options.url, options.poolMax) : openPGlite(options);
}

async function openPostgres(url: string, poolMax = 10): Promise<Database> {
  const description = describeUrl(url);
  const pool = new Pool({ connectionString: url, max: poolMax, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', () => undefined);
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  const database: Database = { kind: 'postgres', db, raw: rawFromPool(pool), description, close: () => pool.end() };
  await assertReachable(database);
  return database;
}

async function openPGlite(options: DatabaseOptions): Promise<Database> {
  const pg = await PGlite.create({ dataDir: options.dataDir, loadDataDir: options.loadDataDir });
  const db = drizzlePGlite({ client: pg, schema }) as unknown as Db;
  const description = options.dataDir ? `embedded PGlite database in ${options.dataDir}` : 'embedded in-memory PGlite database';
  return {
    kind: 'pglite',
    db,
    raw: rawFromPGlite(pg),
    description,
    close: () => pg.close(),
    dumpDataDir: () => pg.dumpDataDir('none'),
  };
}

const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  '28P01': 'password authentication failed',
  '28000': 'authentication rejected',
  '3D000': 'database does not exist',
  '57P03': 'server is starting up or shutting down',
};

/** Turns a driver error about reaching the server into one sentence naming host and port. */
export function unreachableError(description: string, error: unknown): DatabaseUnreachableError | undefined {
  const candidates: unknown[] = error instanceof AggregateError ? [error, ...(error.errors as unknown[])] : [error];
  for (const candidate of candidates) {
    const code = (candidate as { code?: string } | null)?.code;
    const message = candidate instanceof Error ? candidate.message : '';
    const reason = (code && UNREACHABLE_CODES[code]) || (/timeout/i.test(message) ? 'connection timed out' : undefined);
    if (reason) return new DatabaseUnreachableError(`Cannot reach ${description}: ${reason}.`);
  }
  return undefined;
}

export async function assertReachable(database: Database): Promise<void> {
  try {
    await database.raw.query('SELECT 1');
  } catch (error) {
    const clear = unreachableError(database.description, error);
    if (clear) {
      await database.close().catch(() => undefined);
      throw clear;
    }
    throw error;
  }
}
