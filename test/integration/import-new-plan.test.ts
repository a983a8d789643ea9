/**
 * Issue #10 §3 acceptance: "an import with 'create missing' builds a plan from an empty site's
 * master data in one upload". The database holds only what a fresh migration writes and one
 * administrator: no team, no plan. One upload names a new plan; nothing exists until the
 * promotion; the rollback removes all of it, the plan included.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { queryRows } from '../../src/db/query';
import { roles, users } from '../../src/db/schema';
import { openTestDatabase, type TestDatabase } from '../helpers/test-database';
import { driveBatch, errorOf, expectData, type ImportCaller, type ImportPayload, makeImportCaller, planContent } from './import-fixtures';

const ADMIN = 'acc-new-plan-admin';

const DOCUMENT = {
  format: 'umig-master-plan',
  version: 1,
  plan: { name: 'Exported name (ignored)' },
  sequences: [
    { name: 'Cutover', order: 2, phases: [{ name: 'Switch', order: 1 }] },
    { name: 'Preparation', order: 1, phases: [{ name: 'Freeze', order: 1 }] },
  ],
  steps: [
    { code: 'PRE-010', name: 'Announce the freeze', phase: 'Freeze', ownerTeam: 'Cutover Ops', impactedTeams: ['Network Team'], instructions: [{ text: 'Send the mail' }] },
    { code: 'MIG-020', name: 'Switch the DNS', phase: 'Cutover / Switch', ownerTeam: 'Network Team', predecessor: 'PRE-010' },
  ],
};

const TABLES = [
  'plans_master_plm',
  'sequences_master_sqm',
  'phases_master_phm',
  'steps_master_stm',
  'instructions_master_inm',
  'steps_master_stm_x_teams_tms_impacted',
  'step_dependencies_master_sdm',
  'teams_tms',
  'step_types_stt',
] as const;

async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM ${sql.raw(table)}`);
    out[table] = Number(row?.n ?? 0);
  }
  return out;
}

async function dump(db: Db): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = await queryRows<{ row: string }>(db, sql`SELECT to_jsonb(t)::text AS row FROM ${sql.raw(table)} t ORDER BY 1`);
    out[table] = rows.map((row) => row.row);
  }
  return out;
}

describe('an import into a new master plan, from an empty site, in one upload', () => {
  let db: TestDatabase;
  let caller: ImportCaller;

  beforeAll(async () => {
    db = await openTestDatabase();
    caller = makeImportCaller(db.db);
    const [adminRole] = await db.db.select({ id: roles.id }).from(roles).where(sql`${roles.code} = 'ADMIN'`);
    await db.db
      .insert(users)
      .values({ code: 'ADM', firstName: 'Only', lastName: 'Admin', email: 'admin@example.com', roleId: adminRole!.id, isAdmin: true, confluenceUserId: ADMIN });
  });
  afterAll(() => db.close());

  const jsonUpload = (extra: Record<string, unknown>) =>
    caller.callRaw(ADMIN, 'imports/upload', {
      format: 'JSON',
      files: [{ name: 'plan.json', content: JSON.stringify(DOCUMENT, null, 2) }],
      ...extra,
    });
  const jsonUploadOk = (extra: Partial<ImportPayload<'imports/upload'>>) =>
    caller.call(ADMIN, 'imports/upload', { format: 'JSON', files: [{ name: 'plan.json', content: JSON.stringify(DOCUMENT, null, 2) }], ...extra });

  it('refuses what cannot be made, and changes nothing', async () => {
    const before = await dump(db.db);
    const batchesBefore = await queryRows<{ n: number }>(db.db, sql`SELECT count(*)::int AS n FROM import_batches_imb`);
    // Without "create missing" an empty plan could hold none of the steps.
    const noCreate = errorOf(await jsonUpload({ newPlan: { name: 'Weekend', ownerTeam: 'Plan owners' } }));
    expect(noCreate).toMatchObject({ code: 'VALIDATION' });
    expect(noCreate.message).toMatch(/Create what is missing/);
    // Both targets, or none.
    const both = errorOf(await jsonUpload({ masterPlanId: '00000000-0000-4000-8000-000000000000', newPlan: { name: 'W', ownerTeam: 'T' }, createMissing: true }));
    expect(both.code).toBe('VALIDATION');
    expect(errorOf(await jsonUpload({ createMissing: true })).code).toBe('VALIDATION');
    // In parts as well.
    const parts = errorOf(
      await caller.callRaw(ADMIN, 'imports/uploads/start', { newPlan: { name: 'Weekend', ownerTeam: 'Plan owners' }, format: 'JSON', files: [{ name: 'plan.json', bytes: 10 }] }),
    );
    expect(parts.code).toBe('VALIDATION');
    expect(await dump(db.db)).toEqual(before);
    expect(await queryRows<{ n: number }>(db.db, sql`SELECT count(*)::int AS n FROM import_batches_imb`)).toEqual(batchesBefore);
  });

  it('lists the plan and everything else it creates, creates nothing before the promotion, builds it all, and rolls it all back', async () => {
    const start = await counts(db.db);
    const before = await dump(db.db);
    expect(start).toMatchObject({ plans_master_plm: 0, teams_tms: 0, steps_master_stm: 0 });

    const uploaded = expectData(await jsonUploadOk({ newPlan: { name: 'Cutover weekend', ownerTeam: 'Plan owners' }, createMissing: true }));
    const validated = await driveBatch(caller, ADMIN, uploaded.batchId);
    expect(validated.report).toEqual([]);
    expect(validated.status).toBe('VALIDATED');
    expect(validated.masterPlanId).toBeNull();
    expect(validated.newPlan).toEqual({ name: 'Cutover weekend', ownerTeam: 'Plan owners' });
    expect(validated.creates).toEqual({
      plan: { name: 'Cutover weekend', ownerTeam: 'Plan owners' },
      sequences: [
        { name: 'Cutover', order: 2 },
        { name: 'Preparation', order: 1 },
      ],
      phases: [
        { sequence: 'Cutover', name: 'Switch', order: 1, sequenceOrder: 2 },
        { sequence: 'Preparation', name: 'Freeze', order: 1, sequenceOrder: 1 },
      ],
      teams: ['Plan owners', 'Cutover Ops', 'Network Team'],
      // PRE is one of the step types a fresh migration writes.
      stepTypes: ['MIG'],
    });
    expect(await dump(db.db)).toEqual(before);

    // A second upload may not claim the same name once the first plan exists; before that both may wait.
    const preview = expectData(await caller.call(ADMIN, 'imports/preview', { batchId: uploaded.batchId }));
    expect(preview.counts).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(preview.creates).toEqual(validated.creates);
    expect(await dump(db.db)).toEqual(before);

    const promoted = expectData(await caller.call(ADMIN, 'imports/promote', { batchId: uploaded.batchId }));
    expect(promoted.status).toBe('PROMOTED');
    expect(promoted.next).toBe('rollback');
    const planId = promoted.masterPlanId!;
    const [plan] = await queryRows<{ plm_name: string; owner: string; created_by: string }>(
      db.db,
      sql`SELECT p.plm_name, t.tms_name AS owner, p.created_by FROM plans_master_plm p JOIN teams_tms t ON t.tms_id = p.tms_id WHERE p.plm_id = ${planId}`,
    );
    expect(plan).toEqual({ plm_name: 'Cutover weekend', owner: 'Plan owners', created_by: 'ADM' });
    const content = await planContent(db.db, planId);
    expect(content.map((step) => [step.sequence, step.phase, step.stm_code, step.owner, step.predecessor])).toEqual([
      ['Preparation', 'Freeze', 'PRE-010', 'Cutover Ops', null],
      ['Cutover', 'Switch', 'MIG-020', 'Network Team', 'PRE-10 in Freeze'],
    ]);
    expect(await counts(db.db)).toEqual({
      ...start,
      plans_master_plm: 1,
      sequences_master_sqm: 2,
      phases_master_phm: 2,
      steps_master_stm: 2,
      instructions_master_inm: 1,
      steps_master_stm_x_teams_tms_impacted: 1,
      teams_tms: 3,
      step_types_stt: start.step_types_stt! + 1,
    });

    // The name is taken now: another new plan under it is refused at upload.
    const taken = errorOf(await jsonUpload({ newPlan: { name: 'cutover WEEKEND', ownerTeam: 'Plan owners' }, createMissing: true }));
    expect(taken).toMatchObject({ code: 'CONFLICT', message: 'A master plan called "Cutover weekend" already exists; choose another name for the new plan, or import into that plan.' });

    const rolledBack = expectData(await caller.call(ADMIN, 'imports/rollback', { batchId: uploaded.batchId }));
    expect(rolledBack.status).toBe('ROLLED_BACK');
    expect(rolledBack.masterPlanId).toBeNull();
    expect(await counts(db.db)).toEqual(start);
    expect(await dump(db.db)).toEqual(before);
  });

  it('builds a plan from a CSV pair uploaded in parts, chunk by chunk, and rolls it back', async () => {
    const start = await counts(db.db);
    const steps = [
      'step_id,name,phase_id,owner_team,teams_impacted,sequence_order,phase_order',
      'TRT-010,Stop the jobs,Night / Stop,Ops,Network Team,1,1',
      'TRT-020,Start the jobs,Night / Start,Ops,,1,2',
    ].join('\n');
    const instructions = ['step_id,instruction_text,order_number,team', 'TRT-010,Stop them,1,Desk'].join('\n');
    const started = expectData(
      await caller.call(ADMIN, 'imports/uploads/start', {
        newPlan: { name: 'Night plan', ownerTeam: 'Ops' },
        createMissing: true,
        chunkSize: 1,
        format: 'CSV',
        files: [
          { name: 'steps.csv', bytes: Buffer.byteLength(steps) },
          { name: 'instructions.csv', bytes: Buffer.byteLength(instructions) },
        ],
      }),
    );
    expect(started.masterPlanId).toBeNull();
    expect(started.newPlan).toEqual({ name: 'Night plan', ownerTeam: 'Ops' });
    expectData(await caller.call(ADMIN, 'imports/uploads/part', { uploadId: started.uploadId, file: 0, index: 0, content: steps }));
    expectData(await caller.call(ADMIN, 'imports/uploads/part', { uploadId: started.uploadId, file: 1, index: 0, content: instructions }));
    const finished = expectData(await caller.call(ADMIN, 'imports/uploads/finish', { uploadId: started.uploadId }));
    const validated = await driveBatch(caller, ADMIN, finished.batchId);
    expect(validated.report).toEqual([]);
    expect(validated.creates).toEqual({
      plan: { name: 'Night plan', ownerTeam: 'Ops' },
      sequences: [{ name: 'Night', order: 1 }],
      phases: [
        { sequence: 'Night', name: 'Stop', order: 1, sequenceOrder: 1 },
        { sequence: 'Night', name: 'Start', order: 2, sequenceOrder: 1 },
      ],
      teams: ['Ops', 'Network Team', 'Desk'],
      stepTypes: expect.any(Array),
    });
    expect(await counts(db.db)).toEqual(start);

    expectData(await caller.call(ADMIN, 'imports/promote', { batchId: finished.batchId }));
    const promoted = await driveBatch(caller, ADMIN, finished.batchId);
    expect(promoted.status).toBe('PROMOTED');
    expect((await planContent(db.db, promoted.masterPlanId!)).map((step) => [step.phase, step.stm_code, step.owner])).toEqual([
      ['Stop', 'TRT-010', 'Ops'],
      ['Start', 'TRT-020', 'Ops'],
    ]);
    expect(expectData(await caller.call(ADMIN, 'imports/rollback', { batchId: finished.batchId })).status).toBe('ROLLED_BACK');
    expect(await counts(db.db)).toEqual(start);
  });
});
