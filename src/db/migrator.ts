import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { RawConnection } from './raw';

/** The repository's migrations folder, wherever the code runs from (tsx, jest, compiled). */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;
/** Serialises the bootstrap of the bookkeeping tables between runners (any constant will do). */
const BOOTSTRAP_ADVISORY_LOCK = 7_304_117_001;
/** A lock older than this belonged to a runner that died; it may be taken over. */
const STALE_LOCK_MINUTES = 15;

export interface MigrationFile {
  id: string;
  filename: string;
  order: number;
  checksum: string;
  sql: string;
}

export interface AppliedMigration {
  id: string;
  filename: string;
  checksum: string | null;
  orderExecuted: number;
}

export interface MigrationStatus {
  applied: AppliedMigration[];
  pending: MigrationFile[];
  /** Applied files whose content changed since: the runner refuses to go on. */
  changed: MigrationFile[];
  /** Applied ids this code does not know: the database is newer than the code. */
  unknown: AppliedMigration[];
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Liquibase-style checksum ("9:" + md5), computed on LF line endings so checkouts agree. */
export function checksumOf(sql: string): string {
  return `9:${createHash('md5').update(sql.replace(/\r\n/g, '\n')).digest('hex')}`;
}

export async function readMigrationFiles(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const filename of names) {
    const match = FILE_PATTERN.exec(filename);
    if (!match) throw new MigrationError(`Migration file name "${filename}" must look like 0001_name.sql`);
    const sql = await readFile(path.join(dir, filename), 'utf8');
    files.push({ id: filename.replace(/\.sql$/, ''), filename, order: Number(match[1]), checksum: checksumOf(sql), sql });
  }
  files.forEach((file, index) => {
    if (file.order !== index + 1) {
      throw new MigrationError(`Migration numbers must run 0001, 0002, … without gaps; found ${file.filename} at position ${index + 1}`);
    }
  });
  return files;
}

/** The seed's Liquibase bookkeeping tables, created before anything else can be recorded. */
const BOOTSTRAP_SQL = `
CREATE TABLE IF NOT EXISTS "public"."databasechangelog" (
    "id" varchar(255) NOT NULL,
    "author" varchar(255) NOT NULL,
    "filename" varchar(255) NOT NULL,
    "dateexecuted" timestamp NOT NULL,
    "orderexecuted" int4 NOT NULL,
    "exectype" varchar(10) NOT NULL,
    "md5sum" varchar(35),
    "description" varchar(255),
    "comments" varchar(255),
    "tag" varchar(255),
    "liquibase" varchar(20),
    "contexts" varchar(255),
    "labels" varchar(255),
    "deployment_id" varchar(10)
);
CREATE TABLE IF NOT EXISTS "public"."databasechangeloglock" (
    "id" int4 NOT NULL,
    "locked" bool NOT NULL,
    "lockgranted" timestamp,
    "lockedby" varchar(255),
    PRIMARY KEY ("id")
);
INSERT INTO "public"."databasechangeloglock" (id, locked) VALUES (1, false) ON CONFLICT (id) DO NOTHING;
`;

async function bootstrap(raw: RawConnection): Promise<void> {
  // Two runners racing on CREATE TABLE IF NOT EXISTS can both try to create the table; the
  // transaction-scoped advisory lock makes the second wait and then see the first one's tables.
  await raw.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_ADVISORY_LOCK]);
    await tx.exec(BOOTSTRAP_SQL);
  });
}

async function readApplied(raw: RawConnection): Promise<AppliedMigration[]> {
  const { rows } = await raw.query<{ id: string; filename: string; md5sum: string | null; orderexecuted: number }>(
    'SELECT id, filename, md5sum, orderexecuted FROM databasechangelog ORDER BY orderexecuted',
  );
  return rows.map((row) => ({ id: row.id, filename: row.filename, checksum: row.md5sum, orderExecuted: row.orderexecuted }));
}

async function tableExists(raw: RawConnection, table: string): Promise<boolean> {
  const { rows } = await raw.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [`public.${table}`]);
  return rows[0]?.exists === true;
}

export async function migrationStatus(raw: RawConnection, dir = MIGRATIONS_DIR): Promise<MigrationStatus> {
  const files = await readMigrationFiles(dir);
  const applied = (await tableExists(raw, 'databasechangelog')) ? await readApplied(raw) : [];
  const byId = new Map(applied.map((a) => [a.id, a]));
  const known = new Set(files.map((f) => f.id));
  return {
    applied,
    pending: files.filter((f) => !byId.has(f.id)),
    changed: files.filter((f) => byId.has(f.id) && byId.get(f.id)?.checksum !== f.checksum),
    unknown: applied.filter((a) => !known.has(a.id)),
  };
}

function assertConsistent(status: MigrationStatus): void {
  if (status.changed.length > 0) {
    const names = status.changed.map((f) => f.filename).join(', ');
    throw new MigrationError(
      `Applied migration files were edited since they ran (${names}). Migrations never change once landed: restore the file and add a new one.`,
    );
  }
  if (status.unknown.length > 0) {
    const names = status.unknown.map((a) => a.id).join(', ');
    throw new MigrationError(`The database has migrations this code does not know (${names}); it was migrated by a newer UMIG.`);
  }
}

export interface MigrateOptions {
  dir?: string;
  /** How long to wait for another runner's lock before giving up. */
  lockTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface MigrateResult {
  applied: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function acquireLock(raw: RawConnection, owner: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await raw.query(
      `UPDATE databasechangeloglock SET locked = true, lockgranted = now(), lockedby = $1
        WHERE id = 1 AND (locked = false OR lockgranted < now() - make_interval(mins => $2))
        RETURNING id`,
      [owner, STALE_LOCK_MINUTES],
    );
    if (rows.length === 1) return;
    if (Date.now() > deadline) {
      const { rows: holder } = await raw.query<{ lockedby: string; lockgranted: string }>(
        'SELECT lockedby, lockgranted::text FROM databasechangeloglock WHERE id = 1',
      );
      throw new MigrationError(
        `Another migration runner (${holder[0]?.lockedby ?? 'unknown'}) has held the migration lock since ${holder[0]?.lockgranted ?? '?'}; try again when it finishes.`,
      );
    }
    await sleep(100);
  }
}

async function releaseLock(raw: RawConnection, owner: string): Promise<void> {
  await raw.query('UPDATE databasechangeloglock SET locked = false, lockgranted = NULL, lockedby = NULL WHERE id = 1 AND lockedby = $1', [owner]);
}

/**
 * Applies pending migration files in order, each in its own transaction together with its
 * databasechangelog row. The databasechangeloglock row keeps concurrent runners (several
 * service instances starting at once) from applying a file twice.
 */
export async function migrate(raw: RawConnection, options: MigrateOptions = {}): Promise<MigrateResult> {
  const dir = options.dir ?? MIGRATIONS_DIR;
  const log = options.log ?? (() => undefined);
  await bootstrap(raw);
  const deploymentId = randomBytes(5).toString('hex');
  const owner = `${hostname()} pid ${process.pid} run ${deploymentId}`.slice(0, 255);
  await acquireLock(raw, owner, options.lockTimeoutMs ?? 120_000);
  try {
    // Read the state only once the lock is ours: another runner may just have applied files.
    const status = await migrationStatus(raw, dir);
    assertConsistent(status);
    let order = status.applied.reduce((max, a) => Math.max(max, a.orderExecuted), 0);
    const applied: string[] = [];
    for (const file of status.pending) {
      order += 1;
      const orderExecuted = order;
      await raw.transaction(async (tx) => {
        await tx.exec(file.sql);
        await tx.query(
          `INSERT INTO databasechangelog (id, author, filename, dateexecuted, orderexecuted, exectype, md5sum, description, liquibase, deployment_id)
           VALUES ($1, 'umig', $2, now(), $3, 'EXECUTED', $4, $5, 'umig-migrator', $6)`,
          [file.id, `migrations/${file.filename}`, orderExecuted, file.checksum, file.id.replace(/^\d+_/, '').replace(/_/g, ' '), deploymentId],
        );
      });
      log(`applied ${file.filename}`);
      applied.push(file.id);
    }
    return { applied };
  } finally {
    await releaseLock(raw, owner);
  }
}

/** Throws a clear error unless every migration file has been applied unchanged. */
export async function assertSchemaCurrent(raw: RawConnection, dir = MIGRATIONS_DIR): Promise<void> {
  const status = await migrationStatus(raw, dir);
  assertConsistent(status);
  if (status.pending.length > 0) {
    const names = status.pending.map((f) => f.filename).join(', ');
    throw new MigrationError(`The database schema is out of date: ${names} not applied. Run "npm run db:migrate" (or start the service with --migrate).`);
  }
}
