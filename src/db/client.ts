import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePGlite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { Pool, type PoolClient } from 'pg';
import { currentCallScope, type CallScope } from './call-scope';
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
  /** PostgreSQL: opening a connection, or waiting for a free one, fails after this long. */
  connectTimeoutMs?: number;
  /** PostgreSQL: a query unanswered this long fails and its connection is dropped. */
  queryTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

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
  return options.url ? openPostgres(options.url, options) : openPGlite(options);
}

/**
 * A connection handed out by the pool, watched: it joins the current call's scope (so the call's
 * deadline can close it), and it never goes back to the pool unless it is idle. A connection whose
 * query timed out, or that is still inside a transaction, is closed instead of being reused, so a
 * database that went silent costs each connection once, and the pool refills by itself.
 */
function watchClient(client: PoolClient, scope: CallScope | undefined): PoolClient {
  // pg-pool gives each checkout its own release closure (it does not use `this`).
  const release = client.release.bind(client);
  let released = false;
  let unhold: () => void = () => undefined;
  client.release = (err?: Error | boolean) => {
    if (!released) {
      released = true;
      unhold();
      const status = client.getTransactionStatus();
      if (!err && status !== null && status !== 'I') err = new Error('connection not idle when released');
    }
    release(err);
  };
  if (scope) unhold = scope.hold({ abandon: () => void client.end().catch(() => undefined) });
  return client;
}

type ConnectCallback = (err: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void;

/** node-postgres's Pool, with every connection it hands out watched (pool.query uses connect too). */
class WatchedPool extends Pool {
  override connect(): Promise<PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<PoolClient> | void {
    const scope = currentCallScope();
    if (!callback) return super.connect().then((client) => watchClient(client, scope));
    super.connect((err, client, done) => {
      if (err || !client) {
        callback(err, client, done);
        return;
      }
      const watched = watchClient(client, scope);
      callback(undefined, watched, (e?: unknown) => watched.release(e as Error | boolean | undefined));
    });
  }
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const description = describeUrl(url);
  const pool = new WatchedPool({
    connectionString: url,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // Client-side: a server that stops answering without closing the connection fails the query
    // instead of holding the call (and the connection) forever.
    query_timeout: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    // TCP keepalive notices a peer that vanished (failover, a dropped NAT entry) on idle connections.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'umig-service',
  });
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
