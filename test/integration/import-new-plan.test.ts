/**
 * Issue #10 §3 acceptance: "an import with 'create missing' builds a plan from an empty site's
 * master data in one upload". The database holds only what a fresh migration writes and one
 * administrator: no team, no plan. One upload names a new plan; nothing exists until the
 * promotion; the rollback removes all of it, the plan included.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { queryRows } from '../../src/db/query';
import { migrations, roles, users } from '../../src/db/schema';
import { CONTAINER_STATUS_ID } from '../../src/domain/statuses';
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
  'labels_lbl',
  'labels_lbl_x_steps_master_stm',
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
  let adminId: number;

  beforeAll(async () => {
    db = await openTestDatabase();
    caller = makeImportCaller(db.db);
    const [adminRole] = await db.db.select({ id: roles.id }).from(roles).where(sql`${roles.code} = 'ADMIN'`);
    const [admin] = await db.db
      .insert(users)
      .values({ code: 'ADM', firstName: 'Only', lastName: 'Admin', email: 'admin@example.com', roleId: adminRole!.id, isAdmin: true, confluenceUserId: ADMIN })
      .returning({ id: users.id });
    adminId = admin!.id;
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

  it('creates the labels the steps name in the migration the upload names; the rollback removes them and their links', async () => {
    // Labels belong to a migration: the site has one (made before the baseline), the upload names it.
    const [migration] = await db.db
      .insert(migrations)
      .values({ ownerId: adminId, name: 'Wave 1', type: 'MIGRATION', statusId: CONTAINER_STATUS_ID.Migration.PLANNING })
      .returning({ id: migrations.id });
    const labelled = {
      ...DOCUMENT,
      steps: [
        { ...DOCUMENT.steps[0], labels: ['critical-path', 'Comms'] },
        { ...DOCUMENT.steps[1], labels: ['Critical-Path'] },
      ],
    };
    const files = [{ name: 'plan.json', content: JSON.stringify(labelled, null, 2) }];
    const start = await counts(db.db);
    const before = await dump(db.db);

    // Without a migration to put them in, missing labels are problems (with their place), and nothing is kept.
    const unnamed = await driveBatch(
      caller,
      ADMIN,
      expectData(await caller.call(ADMIN, 'imports/upload', { format: 'JSON', files, createMissing: true, newPlan: { name: 'Labelled', ownerTeam: 'Plan owners' } })).batchId,
    );
    expect(unnamed.status).toBe('INVALID');
    expect(unnamed.report.map((problem) => [problem.rule, problem.column])).toEqual([
      ['UNKNOWN_LABEL', 'steps[0].labels'],
      ['UNKNOWN_LABEL', 'steps[0].labels'],
      ['UNKNOWN_LABEL', 'steps[1].labels'],
    ]);
    expect(await dump(db.db)).toEqual(before);
    // A migration that does not exist is refused at upload.
    expect(
      errorOf(await jsonUpload({ createMissing: true, newPlan: { name: 'Labelled', ownerTeam: 'Plan owners' }, labelMigrationId: '00000000-0000-4000-8000-000000000000' }))
        .code,
    ).toBe('NOT_FOUND');

    const uploaded = expectData(
      await caller.call(ADMIN, 'imports/upload', {
        format: 'JSON',
        files,
        createMissing: true,
        newPlan: { name: 'Labelled', ownerTeam: 'Plan owners' },
        labelMigrationId: migration!.id,
      }),
    );
    const validated = await driveBatch(caller, ADMIN, uploaded.batchId);
    expect(validated.report).toEqual([]);
    expect(validated.creates).toMatchObject({
      plan: { name: 'Labelled', ownerTeam: 'Plan owners' },
      teams: ['Plan owners', 'Cutover Ops', 'Network Team'],
      stepTypes: ['MIG'],
      // Matched case-insensitively: "Critical-Path" is the same label, made once.
      labels: ['critical-path', 'Comms'],
    });
    expect(validated.creates?.sequences).toHaveLength(2);
    expect(validated.creates?.phases).toHaveLength(2);
    expect(await dump(db.db)).toEqual(before);

    const promoted = expectData(await caller.call(ADMIN, 'imports/promote', { batchId: uploaded.batchId }));
    expect(promoted.status).toBe('PROMOTED');
    const links = await queryRows<{ code: string; label: string; mig_id: string }>(
      db.db,
      sql`SELECT m.stm_code AS code, l.lbl_name AS label, l.mig_id FROM labels_lbl_x_steps_master_stm x
            JOIN labels_lbl l ON l.lbl_id = x.lbl_id JOIN steps_master_stm m ON m.stm_id = x.stm_id ORDER BY 1, 2`,
    );
    expect(links).toEqual([
      { code: 'MIG-020', label: 'critical-path', mig_id: migration!.id },
      { code: 'PRE-010', label: 'Comms', mig_id: migration!.id },
      { code: 'PRE-010', label: 'critical-path', mig_id: migration!.id },
    ]);
    expect(await counts(db.db)).toMatchObject({ plans_master_plm: start.plans_master_plm! + 1, labels_lbl: start.labels_lbl! + 2, labels_lbl_x_steps_master_stm: 3 });

    // A created label linked to another step since is named, and the rollback changes nothing.
    const [other] = await queryRows<{ stm_id: string; phm_id: string }>(db.db, sql`SELECT stm_id, phm_id FROM steps_master_stm WHERE stm_code = 'PRE-010'`);
    await db.db.execute(sql`INSERT INTO steps_master_stm (phm_id, stt_code, stm_number, stm_name) VALUES (${other!.phm_id}, 'TRT', 901, 'By hand')`);
    await db.db.execute(sql`INSERT INTO labels_lbl_x_steps_master_stm (lbl_id, stm_id)
                            SELECT l.lbl_id, m.stm_id FROM labels_lbl l, steps_master_stm m WHERE l.lbl_name = 'Comms' AND m.stm_name = 'By hand'`);
    const refused = errorOf(await caller.callRaw(ADMIN, 'imports/rollback', { batchId: uploaded.batchId }));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toMatch(/^This import created label "Comms", which is now used by /);
    await db.db.execute(sql`DELETE FROM steps_master_stm WHERE stm_name = 'By hand'`);

    expect(expectData(await caller.call(ADMIN, 'imports/rollback', { batchId: uploaded.batchId })).status).toBe('ROLLED_BACK');
    expect(await counts(db.db)).toEqual(start);
    expect(await dump(db.db)).toEqual(before);
  });

  it('CSV: a labels column sets the step\'s labels to exactly those; a file without the column leaves them alone', async () => {
    const [migration] = await queryRows<{ mig_id: string }>(db.db, sql`SELECT mig_id FROM migrations_mig WHERE mig_name = 'Wave 1'`);
    const instructions = { name: 'instructions.csv', content: 'step_id,instruction_text,order_number\n' };
    const csv = (header: string, ...rows: string[]) => ({ name: 'steps.csv', content: [header, ...rows].join('\n') });
    const first = expectData(
      await caller.call(ADMIN, 'imports/upload', {
        format: 'CSV',
        createMissing: true,
        newPlan: { name: 'CSV labels', ownerTeam: 'Ops' },
        labelMigrationId: migration!.mig_id,
        files: [csv('step_id,name,phase_id,owner_team,labels', 'TRT-010,Stop,Night / Stop,Ops,hot|cold', 'TRT-020,Start,Night / Stop,Ops,'), instructions],
      }),
    );
    const validated = await driveBatch(caller, ADMIN, first.batchId);
    expect(validated.report).toEqual([]);
    expect(validated.creates?.labels).toEqual(['hot', 'cold']);
    const promoted = expectData(await caller.call(ADMIN, 'imports/promote', { batchId: first.batchId }));
    const planId = promoted.masterPlanId!;
    const labelsOf = async () =>
      queryRows<{ code: string; label: string }>(
        db.db,
        sql`SELECT m.stm_code AS code, l.lbl_name AS label FROM labels_lbl_x_steps_master_stm x JOIN labels_lbl l ON l.lbl_id = x.lbl_id
              JOIN steps_master_stm m ON m.stm_id = x.stm_id JOIN phases_master_phm p ON p.phm_id = m.phm_id
              JOIN sequences_master_sqm s ON s.sqm_id = p.sqm_id WHERE s.plm_id = ${planId} ORDER BY 1, 2`,
      );
    expect(await labelsOf()).toEqual([
      { code: 'TRT-010', label: 'cold' },
      { code: 'TRT-010', label: 'hot' },
    ]);
    // Without the column the labels stay; with it they become the file's (existing labels matched by name, in any migration).
    const second = await driveBatch(
      caller,
      ADMIN,
      expectData(await caller.call(ADMIN, 'imports/upload', { format: 'CSV', masterPlanId: planId, files: [csv('step_id,name,phase_id,owner_team', 'TRT-010,Stop!,Stop,Ops'), instructions] })).batchId,
    );
    expectData(await caller.call(ADMIN, 'imports/promote', { batchId: second.batchId }));
    expect(await labelsOf()).toHaveLength(2);
    const third = await driveBatch(
      caller,
      ADMIN,
      expectData(await caller.call(ADMIN, 'imports/upload', { format: 'CSV', masterPlanId: planId, files: [csv('step_id,name,phase_id,owner_team,labels', 'TRT-010,Stop!,Stop,Ops,HOT', 'TRT-020,Start,Stop,Ops,cold'), instructions] })).batchId,
    );
    expect(third.report).toEqual([]);
    expectData(await caller.call(ADMIN, 'imports/promote', { batchId: third.batchId }));
    expect(await labelsOf()).toEqual([
      { code: 'TRT-010', label: 'hot' },
      { code: 'TRT-020', label: 'cold' },
    ]);
    // Rolling the last import back restores the links it removed and removes the ones it added.
    expectData(await caller.call(ADMIN, 'imports/rollback', { batchId: third.batchId }));
    expect(await labelsOf()).toEqual([
      { code: 'TRT-010', label: 'cold' },
      { code: 'TRT-010', label: 'hot' },
    ]);
  });
});
