/**
 * "Create missing" (issue #10 §3): one upload builds a plan from an empty site's master data.
 * The database holds only what a fresh migration writes, one administrator, and the empty plan
 * shell an administrator makes first (its owner team and its name).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { queryRows } from '../../src/db/query';
import { masterPlans, roles, teamMembers, teams, users } from '../../src/db/schema';
import { CONTAINER_STATUS_ID } from '../../src/domain/statuses';
import { runDueSchedules } from '../../src/services/imports/schedules';
import { openTestDatabase, type TestDatabase } from '../helpers/test-database';
import { driveBatch, dumpMaster, errorOf, expectData, type ImportCaller, makeImportCaller, planContent } from './import-fixtures';

const ADMIN = 'acc-only-admin';

/** Sequences listed out of order, a new step type (MIG), teams nobody made yet. */
const DOCUMENT = {
  format: 'umig-master-plan',
  version: 1,
  sequences: [
    { name: 'Cutover', order: 2, phases: [{ name: 'Switch', order: 1 }] },
    { name: 'Preparation', order: 1, phases: [{ name: 'Checks', order: 2 }, { name: 'Freeze', order: 1 }] },
  ],
  steps: [
    { code: 'PRE-010', name: 'Announce the freeze', phase: 'Freeze', ownerTeam: 'Cutover Ops', impactedTeams: ['Network Team'], instructions: [{ text: 'Send the mail' }] },
    { code: 'CHK-010', name: 'Check the backups', phase: 'Checks', ownerTeam: 'Database Team', predecessor: 'PRE-010', instructions: [{ text: 'Open the report', team: 'Backup Desk' }] },
    { code: 'MIG-010', name: 'Move the data', phase: 'Preparation / Checks', ownerTeam: 'database team', predecessor: 'CHK-010' },
    { code: 'MIG-020', name: 'Switch the DNS', phase: 'Cutover / Switch', ownerTeam: 'Network Team', iterationTypes: ['RUN'], predecessor: 'MIG-010' },
  ],
};

async function referenceDump(db: Db) {
  return {
    master: await dumpMaster(db),
    teams: await queryRows<{ row: string }>(db, sql`SELECT to_jsonb(t)::text AS row FROM teams_tms t ORDER BY 1`),
    stepTypes: await queryRows<{ row: string }>(db, sql`SELECT to_jsonb(t)::text AS row FROM step_types_stt t ORDER BY 1`),
  };
}

describe('an import with "create missing" builds a plan from an empty site', () => {
  let db: TestDatabase;
  let caller: ImportCaller;
  let planId: string;
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
    // The shell an administrator makes on the admin page: a plan needs an owner team.
    const [owner] = await db.db.insert(teams).values({ name: 'Plan owners' }).returning({ id: teams.id });
    const [plan] = await db.db
      .insert(masterPlans)
      .values({ teamId: owner!.id, name: 'Empty plan', statusId: CONTAINER_STATUS_ID.Plan.PLANNING })
      .returning({ id: masterPlans.id });
    planId = plan!.id;
  });
  afterAll(() => db.close());

  const upload = async (createMissing: boolean) => {
    const view = expectData(
      await caller.call(ADMIN, 'imports/upload', {
        masterPlanId: planId,
        format: 'JSON',
        files: [{ name: 'plan.json', content: JSON.stringify(DOCUMENT, null, 2) }],
        ...(createMissing ? { createMissing: true } : {}),
      }),
    );
    return driveBatch(caller, ADMIN, view.batchId);
  };

  it('without "create missing" the same file is refused and nothing is created', async () => {
    const before = await referenceDump(db.db);
    const view = await upload(false);
    expect(view.status).toBe('INVALID');
    expect(view.createMissing).toBe(false);
    expect(view.creates).toBeNull();
    expect(view.report.map((problem) => problem.rule)).toEqual(expect.arrayContaining(['UNKNOWN_PHASE', 'UNKNOWN_TEAM', 'UNKNOWN_STEP_TYPE']));
    expect(await referenceDump(db.db)).toEqual(before);
  });

  it('validates, lists exactly what would be created, previews, promotes, and rolls back what it created', async () => {
    const before = await referenceDump(db.db);
    const validated = await upload(true);
    expect(validated.report).toEqual([]);
    expect(validated.status).toBe('VALIDATED');
    expect(validated.createMissing).toBe(true);
    expect(validated.creates).toEqual({
      sequences: [
        { name: 'Cutover', order: 2 },
        { name: 'Preparation', order: 1 },
      ],
      phases: [
        { sequence: 'Cutover', name: 'Switch', order: 1, sequenceOrder: 2 },
        { sequence: 'Preparation', name: 'Checks', order: 2, sequenceOrder: 1 },
        { sequence: 'Preparation', name: 'Freeze', order: 1, sequenceOrder: 1 },
      ],
      // Matched case-insensitively: "database team" is the same team, made once.
      teams: ['Cutover Ops', 'Network Team', 'Database Team', 'Backup Desk'],
      stepTypes: ['MIG'],
    });
    // Nothing exists before the promotion.
    expect(await referenceDump(db.db)).toEqual(before);

    // The preview runs the promotion and undoes it: the same counts, still nothing kept.
    const preview = expectData(await caller.call(ADMIN, 'imports/preview', { batchId: validated.batchId }));
    expect(preview.problems).toBe(0);
    expect(preview.counts).toEqual({ created: 4, updated: 0, unchanged: 0 });
    expect(preview.steps.map((step) => [step.phase, step.code, step.change])).toEqual([
      ['Preparation / Freeze', 'PRE-010', 'CREATED'],
      ['Preparation / Checks', 'CHK-010', 'CREATED'],
      ['Preparation / Checks', 'MIG-010', 'CREATED'],
      ['Cutover / Switch', 'MIG-020', 'CREATED'],
    ]);
    expect(preview.creates).toEqual(validated.creates);
    expect(await referenceDump(db.db)).toEqual(before);

    const promoted = expectData(await caller.call(ADMIN, 'imports/promote', { batchId: validated.batchId }));
    expect(promoted.status).toBe('PROMOTED');
    expect(promoted.changes).toMatchObject({ stepsCreated: 4, instructionsCreated: 2, predecessorsChanged: 3 });
    const structure = await queryRows<{ sequence: string; sqm_order: number; phase: string; phm_order: number; created_by: string }>(
      db.db,
      sql`SELECT sqm.sqm_name AS sequence, sqm.sqm_order, phm.phm_name AS phase, phm.phm_order, phm.created_by
            FROM sequences_master_sqm sqm JOIN phases_master_phm phm ON phm.sqm_id = sqm.sqm_id
           WHERE sqm.plm_id = ${planId} ORDER BY sqm.sqm_order, phm.phm_order`,
    );
    expect(structure).toEqual([
      { sequence: 'Preparation', sqm_order: 1, phase: 'Freeze', phm_order: 1, created_by: 'ADM' },
      { sequence: 'Preparation', sqm_order: 1, phase: 'Checks', phm_order: 2, created_by: 'ADM' },
      { sequence: 'Cutover', sqm_order: 2, phase: 'Switch', phm_order: 1, created_by: 'ADM' },
    ]);
    const createdTeams = await queryRows<{ tms_name: string }>(db.db, sql`SELECT tms_name FROM teams_tms WHERE created_by = 'ADM' ORDER BY tms_id`);
    expect(createdTeams.map((team) => team.tms_name)).toEqual(['Cutover Ops', 'Network Team', 'Database Team', 'Backup Desk']);
    const [stepType] = await queryRows<{ stt_name: string }>(db.db, sql`SELECT stt_name FROM step_types_stt WHERE stt_code = 'MIG'`);
    expect(stepType?.stt_name).toBe('MIG');
    const content = await planContent(db.db, planId);
    expect(content.map((step) => [step.phase, step.stm_code, step.owner, step.predecessor])).toEqual([
      ['Freeze', 'PRE-010', 'Cutover Ops', null],
      ['Checks', 'CHK-010', 'Database Team', 'PRE-10 in Freeze'],
      ['Checks', 'MIG-010', 'Database Team', 'CHK-10 in Checks'],
      ['Switch', 'MIG-020', 'Network Team', 'MIG-10 in Checks'],
    ]);
    expect(content[1]!.instructions).toEqual([{ order: 1, body: 'Open the report', minutes: null, team: 'Backup Desk' }]);

    // A step an administrator added since to a created phase keeps that phase: refused, named, nothing changed.
    const [switchPhase] = await queryRows<{ phm_id: string }>(db.db, sql`SELECT phm_id FROM phases_master_phm WHERE phm_name = 'Switch'`);
    await db.db.execute(sql`INSERT INTO steps_master_stm (phm_id, stt_code, stm_number, stm_name) VALUES (${switchPhase!.phm_id}, 'TRT', 900, 'Added by hand')`);
    const withManualStep = await referenceDump(db.db);
    const refusedPhase = errorOf(await caller.callRaw(ADMIN, 'imports/rollback', { batchId: validated.batchId }));
    expect(refusedPhase.code).toBe('CONFLICT');
    expect(refusedPhase.message).toBe(
      'This import created phase "Switch", which is now used by a master step made since; a rollback would have to remove it. Remove that use first, or keep the import. Nothing was rolled back.',
    );
    expect(await referenceDump(db.db)).toEqual(withManualStep);
    await db.db.execute(sql`DELETE FROM steps_master_stm WHERE stm_name = 'Added by hand'`);

    // A created team someone joined since cannot be removed: the rollback says so and changes nothing.
    const [ops] = await queryRows<{ tms_id: number }>(db.db, sql`SELECT tms_id FROM teams_tms WHERE tms_name = 'Cutover Ops'`);
    await db.db.insert(teamMembers).values({ teamId: ops!.tms_id, userId: adminId });
    const promotedState = await referenceDump(db.db);
    const refused = errorOf(await caller.callRaw(ADMIN, 'imports/rollback', { batchId: validated.batchId }));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toBe(
      'This import created team "Cutover Ops", which is now used by a team membership made since; a rollback would have to remove it. Remove that use first, or keep the import. Nothing was rolled back.',
    );
    expect(await referenceDump(db.db)).toEqual(promotedState);
    expect(expectData(await caller.call(ADMIN, 'imports/get', { batchId: validated.batchId })).status).toBe('PROMOTED');

    // Once that use is gone, the rollback removes exactly what the import made.
    await db.db.delete(teamMembers).where(sql`${teamMembers.teamId} = ${ops!.tms_id}`);
    const rolledBack = expectData(await caller.call(ADMIN, 'imports/rollback', { batchId: validated.batchId }));
    expect(rolledBack.status).toBe('ROLLED_BACK');
    expect(await referenceDump(db.db)).toEqual(before);
  });

  it('creates first, then promotes chunk by chunk; the preview is refused once promoted; rollback removes it all', async () => {
    const before = await referenceDump(db.db);
    const view = expectData(
      await caller.call(ADMIN, 'imports/upload', {
        masterPlanId: planId,
        format: 'JSON',
        createMissing: true,
        chunkSize: 1,
        files: [{ name: 'plan.json', content: JSON.stringify(DOCUMENT) }],
      }),
    );
    const validated = await driveBatch(caller, ADMIN, view.batchId);
    expect(validated.status).toBe('VALIDATED');
    expect(expectData(await caller.call(ADMIN, 'imports/preview', { batchId: view.batchId })).counts).toEqual({ created: 4, updated: 0, unchanged: 0 });
    expectData(await caller.call(ADMIN, 'imports/promote', { batchId: view.batchId }));
    const promoted = await driveBatch(caller, ADMIN, view.batchId);
    expect(promoted.status).toBe('PROMOTED');
    expect(promoted.changes).toMatchObject({ stepsCreated: 4, predecessorsChanged: 3 });
    expect((await planContent(db.db, planId)).map((step) => step.stm_code)).toEqual(['PRE-010', 'CHK-010', 'MIG-010', 'MIG-020']);

    const refused = errorOf(await caller.callRaw(ADMIN, 'imports/preview', { batchId: view.batchId }));
    expect(refused).toMatchObject({ code: 'CONFLICT', message: 'Only a validated import that is not promoted yet has a preview; this one is promoted.' });

    expect(expectData(await caller.call(ADMIN, 'imports/rollback', { batchId: view.batchId })).status).toBe('ROLLED_BACK');
    expect(await referenceDump(db.db)).toEqual(before);
  });

  it('a scheduled import with "create missing" creates what it names at each run', async () => {
    const t0 = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
    const steps = ['step_id,name,phase_id,owner_team', 'TRT-200,Scheduled,Dawn / Start,Dawn Team'].join('\n');
    const created = expectData(
      await makeImportCaller(db.db, () => at(0)).call(ADMIN, 'imports/schedules/create', {
        name: 'Dawn sync',
        masterPlanId: planId,
        expression: 'every 15 minutes',
        createMissing: true,
        source: {
          format: 'CSV',
          files: [
            { name: 'steps.csv', content: steps },
            { name: 'instructions.csv', content: 'step_id,instruction_text,order_number\n' },
          ],
        },
      }),
    );
    expect(created.createMissing).toBe(true);
    const [run] = await runDueSchedules(db.db, at(16));
    expect(run).toMatchObject({ status: 'COMPLETED', batchStatus: 'PROMOTED' });
    const view = expectData(await caller.call(ADMIN, 'imports/get', { batchId: run!.batchId! }));
    expect(view.creates).toMatchObject({ sequences: [{ name: 'Dawn' }], phases: [{ sequence: 'Dawn', name: 'Start', order: 1 }], teams: ['Dawn Team'] });
    expect((await planContent(db.db, planId)).find((step) => step.stm_code === 'TRT-200')).toMatchObject({ phase: 'Start', owner: 'Dawn Team' });
    expectData(await caller.call(ADMIN, 'imports/schedules/pause', { scheduleId: created.scheduleId }));
  });

  it('reads sequences, phases and their order from the CSV columns', async () => {
    const steps = [
      'step_id,name,phase_id,owner_team,sequence_order,phase_order',
      'TRT-100,First,Night / Stop,Plan owners,5,2',
      'TRT-110,Second,Night / Start,Plan owners,5,1',
    ].join('\n');
    const view = expectData(
      await caller.call(ADMIN, 'imports/upload', {
        masterPlanId: planId,
        format: 'CSV',
        createMissing: true,
        files: [
          { name: 'steps.csv', content: steps },
          { name: 'instructions.csv', content: 'step_id,instruction_text,order_number\n' },
        ],
      }),
    );
    const validated = await driveBatch(caller, ADMIN, view.batchId);
    expect(validated.report).toEqual([]);
    expect(validated.creates).toEqual({
      sequences: [{ name: 'Night', order: 5 }],
      phases: [
        { sequence: 'Night', name: 'Stop', order: 2, sequenceOrder: 5 },
        { sequence: 'Night', name: 'Start', order: 1, sequenceOrder: 5 },
      ],
      teams: [],
      stepTypes: [],
    });
  });
});
