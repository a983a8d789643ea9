import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../src/db/client';

/**
 * Every test file gets its own database copied from the one migrated template that
 * test/setup/global-setup.ts prepared: a PGlite data-dir dump, or a PostgreSQL template database.
 */
export const usingPostgres = Boolean(process.env.DATABASE_URL);

export interface TestDatabase extends Database {
  /** Set on PostgreSQL: the copy's URL, to open more connections (e.g. a second service instance). */
  url?: string;
}

export function adminUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}

export function databaseUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function withAdminClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl(process.env.DATABASE_URL as string) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createPostgresCopy(template: string | null): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL as string;
  const runId = process.env.UMIG_TEST_RUN_ID ?? 'local';
  const name = `umig_t_${runId}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(async (client) => {
    const sql = template ? `CREATE DATABASE "${name}" TEMPLATE "${template}"` : `CREATE DATABASE "${name}"`;
    // Copies of one template made at the same moment by two workers can collide; try again.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(sql);
        return;
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  });
  const url = databaseUrl(base, name);
  const database = await openDatabase({ url, poolMax: 25 });
  return {
    ...database,
    url,
    async close() {
      await database.close();
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

let cachedDump: Buffer | undefined;

/** A migrated database holding only the reference data, private to the calling test. */
export async function openTestDatabase(): Promise<TestDatabase> {
  if (usingPostgres) return createPostgresCopy(process.env.UMIG_TEST_PG_TEMPLATE as string);
  cachedDump ??= await readFile(process.env.UMIG_TEST_PGLITE_DUMP as string);
  return openDatabase({ loadDataDir: new Blob([cachedDump]) });
}

/** A database with nothing in it, for tests of the migrations themselves. */
export async function openEmptyDatabase(): Promise<TestDatabase> {
  if (usingPostgres) return createPostgresCopy(null);
  return openDatabase({});
}
