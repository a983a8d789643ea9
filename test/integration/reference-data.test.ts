import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MIGRATIONS_DIR } from '../../src/db/migrator';
import { statusColorProblem } from '../../src/domain/look/contrast';
import { loadSeedDocument, type SeedDocument } from '../helpers/seed-document';
import { openTestDatabase, type TestDatabase } from '../helpers/test-database';

/** What a freshly migrated database holds before anyone has configured anything. */

const LIFECYCLE = [
  ['PLANNING', '#FFA500'],
  ['IN_PROGRESS', '#0066CC'],
  ['COMPLETED', '#00AA00'],
  ['CANCELLED', '#CC0000'],
] as const;
const STEP = [
  ['PENDING', '#DDDDDD'],
  ['TODO', '#FFFF00'],
  ['IN_PROGRESS', '#0066CC'],
  ['COMPLETED', '#00AA00'],
  // The seed's #FF0000, made readable by 0012 (white text at 5.16:1).
  ['FAILED', '#C9372C'],
  ['BLOCKED', '#FF6600'],
  ['CANCELLED', '#CC0000'],
] as const;
const CONTROL = [
  ['TODO', '#FFFF00'],
  ['PASSED', '#00AA00'],
  ['FAILED', '#C9372C'],
  ['CANCELLED', '#CC0000'],
] as const;

/** Fixed ids in this order (docs/decisions.md): Migration 1-4, Plan 5-8, … Control 28-31. */
const EXPECTED_STATUSES = (
  [
    ['Migration', LIFECYCLE],
    ['Plan', LIFECYCLE],
    ['Iteration', LIFECYCLE],
    ['Sequence', LIFECYCLE],
    ['Phase', LIFECYCLE],
    ['Step', STEP],
    ['Control', CONTROL],
  ] as const
)
  .flatMap(([type, statuses]) => statuses.map(([name, color]) => ({ sts_name: name, sts_color: color, sts_type: type })))
  .map((status, index) => ({ sts_id: index + 1, ...status }));

const REFERENCE_TABLES = ['status_sts', 'roles_rls', 'environment_roles_enr', 'step_types_stt', 'iteration_types_itt', 'migration_types_mit'];

describe('reference data', () => {
  let seed: SeedDocument;
  let database: TestDatabase;

  beforeAll(async () => {
    seed = loadSeedDocument();
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  const rows = async <T = Record<string, unknown>>(sql: string) => (await database.raw.query<T>(sql)).rows;

  const snapshot = async () => {
    const result: Record<string, unknown[]> = {};
    for (const table of REFERENCE_TABLES) result[table] = await rows(`SELECT * FROM ${table} ORDER BY 1`);
    return result;
  };

  it('has the 31 statuses with their fixed ids, names, colours and types', async () => {
    expect(EXPECTED_STATUSES).toHaveLength(31);
    expect(EXPECTED_STATUSES[30]).toEqual({ sts_id: 31, sts_name: 'CANCELLED', sts_color: '#CC0000', sts_type: 'Control' });
    expect(await rows('SELECT sts_id, sts_name, sts_color, sts_type FROM status_sts ORDER BY sts_id')).toEqual(EXPECTED_STATUSES);
  });

  it('gives every seeded status a colour that lozenge text can be read on (4.5:1)', async () => {
    const found = await rows<{ sts_color: string }>('SELECT sts_color FROM status_sts ORDER BY sts_id');
    expect(found).toHaveLength(31);
    expect(found.filter((row) => statusColorProblem(row.sts_color) !== null)).toEqual([]);
  });

  it('has the roles ADMIN, NORMAL and PILOT', async () => {
    expect(await rows('SELECT rls_code FROM roles_rls ORDER BY rls_code')).toEqual([{ rls_code: 'ADMIN' }, { rls_code: 'NORMAL' }, { rls_code: 'PILOT' }]);
  });

  it('has the environment roles PROD, TEST and BACKUP', async () => {
    const names = (await rows<{ enr_name: string }>('SELECT enr_name FROM environment_roles_enr')).map((r) => r.enr_name);
    expect(names.sort()).toEqual(['BACKUP', 'PROD', 'TEST']);
  });

  it('has the nine step types', async () => {
    expect(await rows('SELECT stt_code, stt_name FROM step_types_stt ORDER BY stt_code')).toEqual(
      [
        { stt_code: 'TRT', stt_name: 'Treatments' },
        { stt_code: 'PRE', stt_name: 'Preparation' },
        { stt_code: 'IGO', stt_name: 'IT Go' },
        { stt_code: 'CHK', stt_name: 'Check' },
        { stt_code: 'BUS', stt_name: 'Business' },
        { stt_code: 'SYS', stt_name: 'System' },
        { stt_code: 'GON', stt_name: 'Go/No-Go' },
        { stt_code: 'BGO', stt_name: 'Business Go' },
        { stt_code: 'DUM', stt_name: 'Dumps' },
      ].sort((a, b) => (a.stt_code < b.stt_code ? -1 : 1)),
    );
  });

  it.each([
    ['iteration_types_itt', 'itt_code', 3],
    ['migration_types_mit', 'mit_code', 8],
  ])('has exactly the seed rows of %s', async (table, key, count) => {
    const expected = seed.rowsOf(table);
    // A parser that found nothing must not make this pass.
    expect(expected).toHaveLength(count);
    const columns = Object.keys(expected[0]!);
    const found = await rows(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${key}`);
    const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) => (String(a[key]) < String(b[key]) ? -1 : 1);
    expect(found).toEqual([...expected].sort(byKey));
  });

  it('gives a new status the next id after the seeded ones', async () => {
    const inserted = await rows<{ sts_id: number }>(
      `INSERT INTO status_sts (sts_name, sts_color, sts_type) VALUES ('ON_HOLD', '#123456', 'Step') RETURNING sts_id`,
    );
    expect(inserted).toEqual([{ sts_id: 32 }]);
  });

  it('changes nothing when 0003_reference_data.sql runs a second time', async () => {
    const before = await snapshot();
    const sql = await readFile(path.join(MIGRATIONS_DIR, '0003_reference_data.sql'), 'utf8');
    await database.raw.exec(sql);
    const after = await snapshot();
    expect(Object.fromEntries(Object.entries(after).map(([t, r]) => [t, r.length]))).toEqual(
      Object.fromEntries(Object.entries(before).map(([t, r]) => [t, r.length])),
    );
    expect(after).toEqual(before);
    // The sequence is not moved back under ids already taken.
    const next = await rows<{ sts_id: number }>(
      `INSERT INTO status_sts (sts_name, sts_color, sts_type) VALUES ('ON_HOLD', '#123456', 'Control') RETURNING sts_id`,
    );
    expect(next[0]!.sts_id).toBeGreaterThan(Math.max(...before.status_sts!.map((r) => (r as { sts_id: number }).sts_id)));
  });
});
