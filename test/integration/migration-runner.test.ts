import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DatabaseUnreachableError, openDatabase, type Database } from '../../src/db/client';
import { assertSchemaCurrent, migrate, MigrationError, MIGRATIONS_DIR, readMigrationFiles } from '../../src/db/migrator';
import type { RawConnection } from '../../src/db/raw';
import { IMPORT_TRACKING_TABLES, loadSeedDocument, TABLES_ADDED_LATER } from '../helpers/seed-document';
import { openEmptyDatabase, openTestDatabase, usingPostgres } from '../helpers/test-database';

/** The migration runner as a deployment sees it: empty databases, reruns, races, edits, crashes. */

const temporaryDirs: string[] = [];
const openDatabases: Database[] = [];

/** Opened databases are closed in reverse order after each test, whatever happens in it. */
async function track<T extends Database>(opening: Promise<T>): Promise<T> {
  const database = await opening;
  openDatabases.push(database);
  return database;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'umig-migrations-'));
  temporaryDirs.push(dir);
  return dir;
}

/** A copy of the repository's migrations folder, to edit without touching the real one. */
async function migrationsCopy(only?: (file: string) => boolean): Promise<string> {
  const dir = await tempDir();
  for (const file of await readdir(MIGRATIONS_DIR)) {
    if (!only || only(file)) await cp(path.join(MIGRATIONS_DIR, file), path.join(dir, file));
  }
  return dir;
}

afterEach(async () => {
  while (openDatabases.length > 0) await openDatabases.pop()!.close();
  while (temporaryDirs.length > 0) await rm(temporaryDirs.pop()!, { recursive: true, force: true });
});

async function repositoryFiles(): Promise<Array<{ id: string; filename: string; checksum: string }>> {
  const names = (await readdir(MIGRATIONS_DIR)).filter((name) => name.endsWith('.sql')).sort();
  return Promise.all(
    names.map(async (filename) => {
      const sql = (await readFile(path.join(MIGRATIONS_DIR, filename), 'utf8')).replace(/\r\n/g, '\n');
      return { id: filename.replace(/\.sql$/, ''), filename, checksum: `9:${createHash('md5').update(sql).digest('hex')}` };
    }),
  );
}

async function baseTables(raw: RawConnection): Promise<string[]> {
  const { rows } = await raw.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name).sort();
}

async function changelog(raw: RawConnection) {
  const { rows } = await raw.query<{ id: string; filename: string; md5sum: string; orderexecuted: number; exectype: string }>(
    'SELECT id, filename, md5sum, orderexecuted, exectype, dateexecuted::text AS dateexecuted, deployment_id FROM databasechangelog ORDER BY orderexecuted',
  );
  return rows;
}

async function lockRow(raw: RawConnection) {
  const { rows } = await raw.query<{ id: number; locked: boolean; lockedby: string | null }>('SELECT id, locked, lockedby FROM databasechangeloglock');
  return rows;
}

/** Row count of every table, to prove a run changed no data. */
async function rowCounts(raw: RawConnection): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await baseTables(raw)) {
    const { rows } = await raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`);
    counts[table] = rows[0]!.n;
  }
  return counts;
}

async function tableExists(raw: RawConnection, table: string): Promise<boolean> {
  const { rows } = await raw.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [`public.${table}`]);
  return rows[0]!.exists;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, but it resolved');
}

/** The 55 tables: the seed's 50 and the five import-tracking tables of 0002. */
const foundationTables = () => [...loadSeedDocument().tables.map((t) => t.name), ...IMPORT_TRACKING_TABLES];
const allTables = () => [...foundationTables(), ...Object.keys(TABLES_ADDED_LATER)].sort();
const FOUNDATION_FILES = ['0001_seed_schema.sql', '0002_import_tracking.sql', '0003_reference_data.sql', '0004_foreign_key_indexes.sql'];
/** A file name that sorts right after the repository's last migration. */
async function nextMigrationName(name: string): Promise<string> {
  const files = await repositoryFiles();
  return `${String(files.length + 1).padStart(4, '0')}_${name}.sql`;
}

describe('migrate()', () => {
  it('builds the whole schema on an empty database and records each file with its checksum', async () => {
    const files = await repositoryFiles();
    expect(files.map((f) => f.filename).slice(0, 4)).toEqual(FOUNDATION_FILES);
    const database = await track(openEmptyDatabase());
    expect(await baseTables(database.raw)).toEqual([]);

    const result = await migrate(database.raw);

    expect(result.applied).toEqual(files.map((f) => f.id));
    expect(new Set(foundationTables()).size).toBe(55);
    expect(await baseTables(database.raw)).toEqual(allTables());
    expect((await changelog(database.raw)).map(({ id, filename, md5sum, orderexecuted, exectype }) => ({ id, filename, md5sum, orderexecuted, exectype }))).toEqual(
      files.map((f, i) => ({ id: f.id, filename: `migrations/${f.filename}`, md5sum: f.checksum, orderexecuted: i + 1, exectype: 'EXECUTED' })),
    );
    expect(await lockRow(database.raw)).toEqual([{ id: 1, locked: false, lockedby: null }]);
    await expect(assertSchemaCurrent(database.raw)).resolves.toBeUndefined();

    // A second run has nothing to do and touches nothing.
    const logBefore = await changelog(database.raw);
    const countsBefore = await rowCounts(database.raw);
    expect(await migrate(database.raw)).toEqual({ applied: [] });
    expect(await changelog(database.raw)).toEqual(logBefore);
    expect(await rowCounts(database.raw)).toEqual(countsBefore);
    expect(await lockRow(database.raw)).toEqual([{ id: 1, locked: false, lockedby: null }]);
  });

  it('applies every file exactly once when two runners start at the same moment', async () => {
    const files = await repositoryFiles();
    const first = await track(openEmptyDatabase());
    // On PostgreSQL, two service instances: two pools on the same database. PGlite has one connection.
    const second = usingPostgres ? await track(openDatabase({ url: first.url! })) : first;

    const results = await Promise.all([migrate(first.raw), migrate(second.raw)]);

    expect(results.flatMap((r) => r.applied).sort()).toEqual(files.map((f) => f.id));
    const { rows } = await first.raw.query<{ id: string; runs: number }>('SELECT id, count(*)::int AS runs FROM databasechangelog GROUP BY id ORDER BY id');
    expect(rows).toEqual(files.map((f) => ({ id: f.id, runs: 1 })));
    expect(await baseTables(first.raw)).toEqual(allTables());
    expect(await lockRow(first.raw)).toEqual([{ id: 1, locked: false, lockedby: null }]);
    const { rows: statuses } = await first.raw.query<{ n: number }>('SELECT count(*)::int AS n FROM status_sts');
    expect(statuses).toEqual([{ n: 31 }]);
  });

  it('refuses to run when an applied file was edited, naming it, and applies nothing else', async () => {
    const dir = await migrationsCopy();
    const database = await track(openTestDatabase());
    expect(await migrate(database.raw, { dir })).toEqual({ applied: [] });
    await writeFile(path.join(dir, '0003_reference_data.sql'), `${await readFile(path.join(dir, '0003_reference_data.sql'), 'utf8')}\n-- edited after landing\n`);
    await writeFile(path.join(dir, await nextMigrationName('new_table')), 'CREATE TABLE "public"."new_table_nwt" ("nwt_id" int4 PRIMARY KEY);\n');
    const logBefore = await changelog(database.raw);

    const error = await rejection(migrate(database.raw, { dir }));

    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain('0003_reference_data.sql');
    expect(await tableExists(database.raw, 'new_table_nwt')).toBe(false);
    expect(await changelog(database.raw)).toEqual(logBefore);
    expect(await lockRow(database.raw)).toEqual([{ id: 1, locked: false, lockedby: null }]);
    await expect(assertSchemaCurrent(database.raw, dir)).rejects.toThrow(/0003_reference_data\.sql/);
  });

  it('waits for a live lock but takes over one left by a runner that died', async () => {
    const dir = await migrationsCopy();
    const newFile = await nextMigrationName('new_table');
    await writeFile(path.join(dir, newFile), 'CREATE TABLE "public"."new_table_nwt" ("nwt_id" int4 PRIMARY KEY);\n');
    const database = await track(openTestDatabase());
    const holdLock = (age: string) =>
      database.raw.query(`UPDATE databasechangeloglock SET locked = true, lockgranted = localtimestamp - $1::interval, lockedby = 'crashed-host pid 42' WHERE id = 1`, [
        age,
      ]);

    await holdLock('1 minute');
    const busy = await rejection(migrate(database.raw, { dir, lockTimeoutMs: 300 }));
    expect(busy).toBeInstanceOf(MigrationError);
    expect(busy.message).toContain('crashed-host pid 42');
    expect(await tableExists(database.raw, 'new_table_nwt')).toBe(false);

    await holdLock('20 minutes');
    expect(await migrate(database.raw, { dir, lockTimeoutMs: 5_000 })).toEqual({ applied: [newFile.replace(/\.sql$/, '')] });
    expect(await tableExists(database.raw, 'new_table_nwt')).toBe(true);
    expect(await lockRow(database.raw)).toEqual([{ id: 1, locked: false, lockedby: null }]);
  });
});

describe('assertSchemaCurrent()', () => {
  it('names the pending files of a partly migrated database, and passes once it is current', async () => {
    const files = await repositoryFiles();
    const database = await track(openEmptyDatabase());
    const failure = await rejection(assertSchemaCurrent(database.raw));
    expect(failure).toBeInstanceOf(MigrationError);
    expect(failure.message).toContain(files.map((f) => f.filename).join(', '));

    const firstTwo = await migrationsCopy((file) => file < '0003');
    expect((await migrate(database.raw, { dir: firstTwo })).applied).toEqual(['0001_seed_schema', '0002_import_tracking']);

    const partial = await rejection(assertSchemaCurrent(database.raw));
    expect(partial).toBeInstanceOf(MigrationError);
    expect(partial.message).toContain('out of date');
    expect(partial.message).toContain(files.slice(2).map((f) => f.filename).join(', '));
    expect(partial.message).not.toContain('0001_seed_schema');
    expect(partial.message).not.toContain('0002_import_tracking');

    expect((await migrate(database.raw)).applied).toEqual(files.slice(2).map((f) => f.id));
    await expect(assertSchemaCurrent(database.raw)).resolves.toBeUndefined();
  });
});

describe('readMigrationFiles()', () => {
  const folder = async (files: Record<string, string>) => {
    const dir = await tempDir();
    for (const [name, sql] of Object.entries(files)) await writeFile(path.join(dir, name), sql);
    return dir;
  };

  it('reads the repository files in order with their checksums', async () => {
    const files = await readMigrationFiles();
    expect(files.map(({ id, filename, order, checksum }) => ({ id, filename, order, checksum }))).toEqual(
      (await repositoryFiles()).map((f, i) => ({ ...f, order: i + 1 })),
    );
  });

  it('computes the same checksum for CRLF and LF checkouts', async () => {
    const lf = await readMigrationFiles(await folder({ '0001_a.sql': 'SELECT 1;\nSELECT 2;\n' }));
    const crlf = await readMigrationFiles(await folder({ '0001_a.sql': 'SELECT 1;\r\nSELECT 2;\r\n' }));
    expect(crlf[0]!.checksum).toBe(lf[0]!.checksum);
    expect(lf[0]!.checksum).toBe(`9:${createHash('md5').update('SELECT 1;\nSELECT 2;\n').digest('hex')}`);
  });

  it.each([['1_first.sql'], ['0002-second.sql'], ['0002_Second.sql'], ['0002_second.SQL.sql']])('rejects the badly named file %s', async (bad) => {
    const dir = await folder({ '0001_first.sql': 'SELECT 1;', [bad]: 'SELECT 2;' });
    const error = await rejection(readMigrationFiles(dir));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain(bad);
  });

  it('rejects a gap in the numbering', async () => {
    const dir = await folder({ '0001_first.sql': 'SELECT 1;', '0003_third.sql': 'SELECT 3;' });
    const error = await rejection(readMigrationFiles(dir));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain('0003_third.sql');
  });

  it('rejects two files with the same number', async () => {
    const dir = await folder({ '0001_first.sql': 'SELECT 1;', '0001_other.sql': 'SELECT 2;' });
    await expect(readMigrationFiles(dir)).rejects.toThrow(MigrationError);
  });

  it('rejects numbering that does not start at 0001', async () => {
    const dir = await folder({ '0002_second.sql': 'SELECT 2;' });
    await expect(readMigrationFiles(dir)).rejects.toThrow(/0002_second\.sql/);
  });
});

describe('opening a database', () => {
  it('says which server cannot be reached, without the password', async () => {
    const error = await rejection(openDatabase({ url: 'postgres://umig:s3cretPW@127.0.0.1:1/nope' }));
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    expect(error.message).toContain('127.0.0.1:1');
    expect(error.message).not.toContain('s3cretPW');
    expect(String(error.stack)).not.toContain('s3cretPW');
  });

  it('keeps an embedded PGlite database on disk between runs', async () => {
    const dataDir = await tempDir();
    const first = await openDatabase({ dataDir });
    try {
      await migrate(first.raw);
      await first.raw.query(`INSERT INTO teams_tms (tms_name, tms_email) VALUES ('Cutover Team', 'cutover@example.com')`);
    } finally {
      await first.close();
    }

    const reopened = await track(openDatabase({ dataDir }));
    const { rows } = await reopened.raw.query('SELECT tms_name, tms_email FROM teams_tms');
    expect(rows).toEqual([{ tms_name: 'Cutover Team', tms_email: 'cutover@example.com' }]);
    await expect(assertSchemaCurrent(reopened.raw)).resolves.toBeUndefined();
  });
});
