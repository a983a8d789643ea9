import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/query';
import { auditLog, importBatches, masterSteps, stagedInstructions, stagedSteps } from '../../src/db/schema';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import {
  EXAMPLE_PLAN,
  createEmptyPlan,
  driveBatch,
  dumpMaster,
  errorOf,
  expectData,
  importAndPromote,
  type ImportCaller,
  makeImportCaller,
  planContent,
} from './import-fixtures';

const examples = path.join(__dirname, '../../docs/examples');
const stepsCsv = readFileSync(path.join(examples, 'steps.csv'), 'utf8');
const instructionsCsv = readFileSync(path.join(examples, 'instructions.csv'), 'utf8');
const planJson = readFileSync(path.join(examples, 'plan.json'), 'utf8');

/** What the examples describe, as planContent() shows it. */
const EXPECTED_EXAMPLE = [
  {
    sequence: 'Cutover weekend',
    phase: 'Freeze',
    stt_code: 'PRE',
    stm_number: 10,
    stm_code: 'PRE-010',
    stm_name: 'Announce the change freeze',
    stm_description: 'Mail all teams, then post on the cutover channel',
    stm_duration_minutes: 15,
    owner: 'Cutover Ops',
    enr: 'PROD',
    enr_target: null,
    predecessor: null,
    impacted: ['Network Team'],
    types: [],
    instructions: [
      { order: 1, body: 'Send the freeze announcement', minutes: 5, team: null },
      { order: 2, body: 'Post the freeze on the cutover channel', minutes: 5, team: null },
    ],
  },
  {
    sequence: 'Cutover weekend',
    phase: 'Freeze',
    stt_code: 'PRE',
    stm_number: 20,
    stm_code: 'PRE-020',
    stm_name: 'Stop the batch scheduler',
    stm_description: null,
    stm_duration_minutes: 30,
    owner: 'Database Team',
    enr: 'PROD',
    enr_target: null,
    predecessor: 'PRE-10 in Freeze',
    impacted: [],
    types: ['CUTOVER', 'DR', 'RUN'],
    instructions: [
      { order: 1, body: 'Put the scheduler on hold', minutes: 10, team: 'Database Team' },
      { order: 2, body: 'Check that no job is running ("jobs -l" is empty)', minutes: 20, team: null },
    ],
  },
  {
    sequence: 'Cutover weekend',
    phase: 'Data migration',
    stt_code: 'CHK',
    stm_number: 10,
    stm_code: 'CHK-010',
    stm_name: 'Compare row counts',
    stm_description: null,
    stm_duration_minutes: 20,
    owner: 'Cutover Ops',
    enr: 'TEST',
    enr_target: null,
    predecessor: 'TRT-10 in Data migration',
    impacted: ['Database Team'],
    types: ['DR'],
    instructions: [{ order: 1, body: 'Run the row count script on both sides', minutes: 20, team: null }],
  },
  {
    sequence: 'Cutover weekend',
    phase: 'Data migration',
    stt_code: 'TRT',
    stm_number: 10,
    stm_code: 'TRT-010',
    stm_name: 'Export the customer database',
    stm_description: 'Full export with the standard parameter file',
    stm_duration_minutes: 120,
    owner: 'Database Team',
    enr: 'PROD',
    enr_target: 'BACKUP',
    predecessor: 'PRE-20 in Freeze',
    impacted: ['Cutover Ops', 'Network Team'],
    types: [],
    instructions: [
      { order: 1, body: 'Start the export', minutes: 100, team: null },
      { order: 2, body: 'Archive the export log', minutes: 20, team: 'Cutover Ops' },
    ],
  },
];

describe('importing a master plan', () => {
  let s: Scenario;
  let caller: ImportCaller;
  const admin = ACCOUNTS.admin;
  beforeAll(async () => {
    s = await createScenario();
    caller = makeImportCaller(s.db);
  });
  afterAll(() => s.close());

  const emptyPlan = (name: string) => createEmptyPlan(s.db, s.teams.owner, { ...EXAMPLE_PLAN, name });

  it('imports the CSV pair: steps, instructions, predecessors, impacted teams and iteration types', async () => {
    const { planId } = await emptyPlan('CSV target');
    const promoted = await importAndPromote(caller, admin, {
      masterPlanId: planId,
      format: 'CSV',
      files: [
        { name: 'instructions.csv', content: instructionsCsv },
        { name: 'steps.csv', content: stepsCsv },
      ],
    });
    expect(promoted.counts).toEqual({ steps: 4, instructions: 7, errors: 0 });
    expect(promoted.changes).toMatchObject({ stepsCreated: 4, stepsUpdated: 0, instructionsCreated: 7, impactedTeamsAdded: 4, iterationTypesAdded: 4, predecessorsChanged: 3 });
    expect(promoted.report).toEqual([]);
    expect(promoted.next).toBe('rollback');
    expect(await planContent(s.db, planId)).toEqual(EXPECTED_EXAMPLE);
    const [step] = await s.db.select().from(masterSteps).where(eq(masterSteps.code, 'PRE-010')).limit(1);
    expect(step!.createdBy).toBe('ADM');
    expect(step!.updatedBy).toBe('ADM');
  });

  it('imports the JSON document to the same masters', async () => {
    const { planId } = await emptyPlan('JSON target');
    const uploaded = expectData(await caller.call(admin, 'imports/upload', { masterPlanId: planId, format: 'JSON', files: [{ name: 'plan.json', content: planJson }] }));
    expect(uploaded).toMatchObject({ status: 'VALIDATED', next: 'promote', queueStatus: 'QUEUED', priority: 5, fileNames: ['plan.json'] });
    // Staged rows remember their batch and where they came from (the step's position in the document).
    const staged = await s.db.select().from(stagedSteps).where(eq(stagedSteps.batchId, uploaded.batchId)).orderBy(stagedSteps.sourceLine);
    expect(staged.map((row) => [row.sourceLine, row.stepId, row.phaseId, row.teamsImpacted, row.iterationTypes])).toEqual([
      [1, 'PRE-010', 'Freeze', 'Network Team', null],
      [2, 'PRE-020', 'Freeze', null, 'DR|RUN|CUTOVER'],
      [3, 'TRT-010', 'Data migration', 'Cutover Ops|Network Team', null],
      [4, 'CHK-010', 'Data migration', 'Database Team', 'DR'],
    ]);
    const stagedInstructionRows = await s.db.select().from(stagedInstructions).where(eq(stagedInstructions.batchId, uploaded.batchId));
    expect(stagedInstructionRows).toHaveLength(7);
    // Checking writes nothing to the master: only the CSV test's copy of this step exists.
    expect(await s.db.select().from(masterSteps).where(eq(masterSteps.name, 'Compare row counts'))).toHaveLength(1);

    const promoted = expectData(await caller.call(admin, 'imports/promote', { batchId: uploaded.batchId }));
    expect(promoted).toMatchObject({ status: 'PROMOTED', queueStatus: 'COMPLETED', counts: { steps: 4, instructions: 7, errors: 0 } });
    expect(await s.db.select().from(stagedSteps).where(eq(stagedSteps.batchId, uploaded.batchId))).toEqual([]);
    expect(await planContent(s.db, planId)).toEqual(EXPECTED_EXAMPLE);
    const audits = await s.db.select().from(auditLog).where(eq(auditLog.entityId, promoted.batchId));
    expect(audits.map((a) => a.action).sort()).toEqual(['IMPORT_PROMOTED', 'IMPORT_UPLOADED']);
  });

  it('reads a CSV with a byte order mark, semicolons, CRLF line ends and a quoted line break', async () => {
    const { planId } = await emptyPlan('BOM target');
    const steps =
      '\uFEFFstep_id;name;phase_id;owner_team;duration_minutes;teams_impacted;iteration_types;predecessor\r\n' +
      'PRE-010;"Announce; then wait";Freeze;Cutover Ops;15;Network Team|Database Team;dr|run;\r\n' +
      '\r\n' +
      'TRT-010;Export;Cutover weekend / Data migration;Database Team;;;;PRE-010\r\n';
    const instructions =
      '\uFEFFinstruction_id;step_id;instruction_text;order_number;duration_minutes\r\n' +
      'A;PRE-010;"Line one\r\nline two";1;5\r\n' +
      'B;Freeze / PRE-010;Second;2;\r\n';
    const promoted = await importAndPromote(caller, admin, {
      masterPlanId: planId,
      format: 'CSV',
      files: [
        { name: 'steps.csv', content: steps },
        { name: 'instructions.csv', content: instructions },
      ],
    });
    expect(promoted.counts.steps).toBe(2);
    const content = await planContent(s.db, planId);
    expect(content.map((row) => [row.stm_code, row.stm_name, row.impacted, row.types, row.predecessor])).toEqual([
      ['PRE-010', 'Announce; then wait', ['Database Team', 'Network Team'], ['DR', 'RUN'], null],
      ['TRT-010', 'Export', [], [], 'PRE-10 in Freeze'],
    ]);
    expect(content[0]!.instructions).toEqual([
      { order: 1, body: 'Line one\nline two', minutes: 5, team: null },
      { order: 2, body: 'Second', minutes: null, team: null },
    ]);
  });

  it('updates only what changed on a second import, and rolls back to the exact previous state', async () => {
    const { planId } = await emptyPlan('Re-import target');
    const dumpEmpty = await dumpMaster(s.db);
    const first = await importAndPromote(caller, admin, { masterPlanId: planId, format: 'JSON', files: [{ name: 'plan.json', content: planJson }] });
    const stamps = async () =>
      queryRows<{ key: string; updated_at: string }>(
        s.db,
        sql`SELECT 'S:' || m.stm_code AS key, m.updated_at::text AS updated_at FROM steps_master_stm m
              JOIN phases_master_phm p ON p.phm_id = m.phm_id JOIN sequences_master_sqm q ON q.sqm_id = p.sqm_id WHERE q.plm_id = ${planId}
            UNION ALL
            SELECT 'I:' || m.stm_code || '#' || i.inm_order, i.updated_at::text FROM instructions_master_inm i
              JOIN steps_master_stm m ON m.stm_id = i.stm_id
              JOIN phases_master_phm p ON p.phm_id = m.phm_id JOIN sequences_master_sqm q ON q.sqm_id = p.sqm_id WHERE q.plm_id = ${planId}
            ORDER BY 1`,
      );
    const before = await stamps();
    const dumpBefore = await dumpMaster(s.db);

    const changed = JSON.parse(planJson) as { steps: Array<Record<string, unknown> & { instructions: Array<Record<string, unknown>> }> };
    changed.steps[1]!.name = 'Stop the batch scheduler and the file transfers';
    changed.steps[2]!.instructions[1]!.text = 'Archive the export log on the NAS';
    changed.steps[2]!.instructions.push({ order: 3, text: 'Compress the dump', durationMinutes: 10 });
    changed.steps[3]!.impactedTeams = [];
    changed.steps[3]!.predecessor = 'PRE-020';
    changed.steps[0]!.instructions = [changed.steps[0]!.instructions[0]!];
    const second = await importAndPromote(caller, admin, {
      masterPlanId: planId,
      format: 'JSON',
      files: [{ name: 'plan-v2.json', content: JSON.stringify(changed) }],
    });
    expect(second.changes).toEqual({
      stepsCreated: 0,
      stepsUpdated: 1,
      stepsUnchanged: 3,
      instructionsCreated: 1,
      instructionsUpdated: 1,
      instructionsDeleted: 1,
      impactedTeamsAdded: 0,
      impactedTeamsRemoved: 1,
      iterationTypesAdded: 0,
      iterationTypesRemoved: 0,
      predecessorsChanged: 1,
    });
    const after = new Map((await stamps()).map((row) => [row.key, row.updated_at]));
    const touched = ['S:PRE-020', 'S:CHK-010', 'I:TRT-010#2'];
    for (const row of before) {
      if (row.key === 'I:PRE-010#2') expect(after.has(row.key)).toBe(false);
      else if (touched.includes(row.key)) expect(after.get(row.key)).not.toBe(row.updated_at);
      else expect(after.get(row.key)).toBe(row.updated_at);
    }
    expect(after.has('I:TRT-010#3')).toBe(true);

    // The first import can no longer be rolled back: a later one sits on top of it.
    expect(errorOf(await caller.call(admin, 'imports/rollback', { batchId: first.batchId })).code).toBe('CONFLICT');

    const rolledBack = expectData(await caller.call(admin, 'imports/rollback', { batchId: second.batchId }));
    expect(rolledBack.status).toBe('ROLLED_BACK');
    expect(rolledBack.rolledBackBy).toBe('ADM');
    expect(await dumpMaster(s.db)).toEqual(dumpBefore);
    expect(errorOf(await caller.call(admin, 'imports/rollback', { batchId: second.batchId })).code).toBe('CONFLICT');

    expectData(await caller.call(admin, 'imports/rollback', { batchId: first.batchId }));
    expect(await planContent(s.db, planId)).toEqual([]);
    expect(await dumpMaster(s.db)).toEqual(dumpEmpty);
  });

  it('rolls back a step whose fields and predecessor one import both changed', async () => {
    const { planId } = await emptyPlan('Twice changed');
    await importAndPromote(caller, admin, { masterPlanId: planId, format: 'JSON', files: [{ name: 'plan.json', content: planJson }] });
    const before = await dumpMaster(s.db);
    const changed = JSON.parse(planJson) as { steps: Array<{ code: string; name: string; predecessor: string | null }> };
    const step = changed.steps.find((candidate) => candidate.code === 'TRT-010')!;
    step.name = 'Export the customer database (parallel)';
    step.predecessor = 'Freeze / PRE-010';
    const second = await importAndPromote(caller, admin, { masterPlanId: planId, format: 'JSON', files: [{ name: 'v2.json', content: JSON.stringify(changed) }] });
    expect(second.changes).toMatchObject({ stepsUpdated: 1, predecessorsChanged: 1, instructionsUpdated: 0, impactedTeamsAdded: 0 });
    // The two changes of the one row sit next to each other in the undo log.
    const log = await queryRows<{ action: string; key: string }>(
      s.db,
      sql`SELECT ira_action AS action, ira_entity_key->>'stm_id' AS key FROM stg_import_rollback_actions_ira WHERE imb_id = ${second.batchId} ORDER BY ira_sequence`,
    );
    expect(log).toHaveLength(2);
    expect(log[0]).toEqual(log[1]);
    expectData(await caller.call(admin, 'imports/rollback', { batchId: second.batchId }));
    expect(await dumpMaster(s.db)).toEqual(before);
  });

  it('imports a step that waits for a step of a later phase in another sequence, and the plan instantiates and runs', async () => {
    const { planId } = await createEmptyPlan(s.db, s.teams.owner, {
      name: 'Later-phase links',
      sequences: [
        { name: 'Weekend', phases: ['Freeze', 'Move'] },
        { name: 'Checks', phases: ['Verify'] },
      ],
    });
    const steps = [
      'step_id,name,description,phase_id,owner_team,duration_minutes,environments,target_environment,teams_impacted,iteration_types,predecessor',
      'PRE-010,Freeze jobs,,Weekend / Freeze,Cutover Ops,10,,,,,Checks / Verify / CHK-010',
      'TRT-010,Move data,,Weekend / Move,Cutover Ops,30,,,,,PRE-010',
      'CHK-010,Verify source,,Checks / Verify,Cutover Ops,5,,,,,',
    ].join('\n');
    const instructions = 'instruction_id,step_id,instruction_text,order_number,duration_minutes,team\nI1,TRT-010,Copy,1,5,';
    await importAndPromote(caller, admin, {
      masterPlanId: planId,
      format: 'CSV',
      files: [
        { name: 'steps.csv', content: steps },
        { name: 'instructions.csv', content: instructions },
      ],
    });
    const content = await planContent(s.db, planId);
    expect(content.find((row) => row.stt_code === 'PRE')?.predecessor).toBe('CHK-10 in Verify');

    const created = await s.call(ACCOUNTS.admin, 'planInstances/create', { iterationId: s.runIterationId, masterPlanId: planId });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.data.counts).toMatchObject({ steps: 3, dependencies: 2 });
    const edges = await queryRows<{ step: string; waits_for: string }>(
      s.db,
      sql`SELECT sm.stt_code AS step, pm.stt_code AS waits_for FROM step_dependencies_instance_sdi d
            JOIN steps_instance_sti st ON st.sti_id = d.sti_id JOIN steps_master_stm sm ON sm.stm_id = st.stm_id
            JOIN steps_instance_sti pt ON pt.sti_id = d.sti_id_predecessor JOIN steps_master_stm pm ON pm.stm_id = pt.stm_id
            JOIN phases_instance_phi ph ON ph.phi_id = st.phi_id JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id
           WHERE sq.pli_id = ${created.data.planInstanceId} ORDER BY 1`,
    );
    expect(edges).toEqual([
      { step: 'PRE', waits_for: 'CHK' },
      { step: 'TRT', waits_for: 'PRE' },
    ]);
  });

  it('stages and promotes a large file over several calls, showing progress, with the same result', async () => {
    const { planId } = await emptyPlan('Chunked target');
    const uploaded = expectData(
      await caller.call(admin, 'imports/upload', { masterPlanId: planId, format: 'JSON', files: [{ name: 'plan.json', content: planJson }], chunkSize: 1 }),
    );
    expect(uploaded.status).toBe('UPLOADED');
    expect(uploaded.next).toBe('continue');
    expect(uploaded.progress.find((p) => p.entity === 'STEP')).toMatchObject({ total: 4, processed: 1 });
    expect(uploaded.stages.find((stage) => stage.stage === 'STAGE')).toMatchObject({ status: 'IN_PROGRESS', cursor: { steps: 1, instructions: 5 } });

    let view = uploaded;
    const seen: string[] = [];
    while (view.next === 'continue') {
      view = expectData(await caller.call(admin, 'imports/continue', { batchId: uploaded.batchId }));
      seen.push(view.status);
    }
    expect(seen).toEqual(['UPLOADED', 'UPLOADED', 'VALIDATED']);
    view = expectData(await caller.call(admin, 'imports/promote', { batchId: uploaded.batchId }));
    expect(view.status).toBe('PROMOTING');
    expect(view.progress.find((p) => p.entity === 'STEP')).toMatchObject({ total: 4, processed: 1, lastKey: 'PRE-010' });
    const got = expectData(await caller.call(admin, 'imports/get', { batchId: uploaded.batchId }));
    expect(got.stages.find((stage) => stage.stage === 'PROMOTE')).toMatchObject({ status: 'IN_PROGRESS', cursor: { afterSeq: 1 } });
    view = await driveBatch(caller, admin, uploaded.batchId);
    expect(view.status).toBe('PROMOTED');
    expect(view.progress.find((p) => p.entity === 'STEP')).toMatchObject({ total: 4, processed: 4, lastKey: 'CHK-010' });
    expect(view.progress.find((p) => p.entity === 'INSTRUCTION')).toMatchObject({ total: 7, processed: 7 });
    expect(await planContent(s.db, planId)).toEqual(EXPECTED_EXAMPLE);

    const list = expectData(await caller.call(admin, 'imports/list', { masterPlanId: planId }));
    expect(list.imports.map((item) => [item.batchId, item.status])).toEqual([[uploaded.batchId, 'PROMOTED']]);
    expect(list.runningLocks).toEqual([]);
    const [batch] = await s.db.select().from(importBatches).where(eq(importBatches.id, uploaded.batchId));
    expect(batch!.completedAt).not.toBeNull();
  });

  it('undoes the chunks already written when a later chunk fails, and frees the plan', async () => {
    const { planId } = await emptyPlan('Failing chunk');
    const before = await dumpMaster(s.db);
    const uploaded = expectData(
      await caller.call(admin, 'imports/upload', { masterPlanId: planId, format: 'JSON', files: [{ name: 'plan.json', content: planJson }], chunkSize: 1 }),
    );
    const validated = await driveBatch(caller, admin, uploaded.batchId);
    expect(validated.status).toBe('VALIDATED');
    expect(expectData(await caller.call(admin, 'imports/promote', { batchId: uploaded.batchId })).status).toBe('PROMOTING');
    expect(expectData(await caller.call(admin, 'imports/continue', { batchId: uploaded.batchId })).status).toBe('PROMOTING');
    expect(await planContent(s.db, planId)).toHaveLength(2);
    await s.db.execute(sql`CREATE FUNCTION fail_export_step() RETURNS trigger LANGUAGE plpgsql AS $$
                             BEGIN IF NEW.inm_body = 'Start the export' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$`);
    await s.db.execute(sql`CREATE TRIGGER fail_export_step BEFORE INSERT ON instructions_master_inm FOR EACH ROW EXECUTE FUNCTION fail_export_step()`);
    try {
      const failed = await caller.call(admin, 'imports/continue', { batchId: uploaded.batchId });
      expect(errorOf(failed).code).toBe('UNKNOWN');
      expect(errorOf(failed).message).not.toMatch(/disk full|instructions_master_inm/);
    } finally {
      await s.db.execute(sql`DROP TRIGGER fail_export_step ON instructions_master_inm`);
      await s.db.execute(sql`DROP FUNCTION fail_export_step()`);
    }
    const view = expectData(await caller.call(admin, 'imports/get', { batchId: uploaded.batchId }));
    expect(view).toMatchObject({ status: 'FAILED', next: null, queueStatus: 'FAILED' });
    expect(view.stages.find((stage) => stage.stage === 'PROMOTE')).toMatchObject({ status: 'FAILED', errorMessage: 'The promotion failed on the server; nothing of it was kept.' });
    expect(await dumpMaster(s.db)).toEqual(before);
    expect(expectData(await caller.call(admin, 'imports/list', { masterPlanId: planId })).runningLocks).toEqual([]);
  });

  it('offers the templates and examples that docs/examples holds', async () => {
    const templates = expectData(await caller.call(admin, 'imports/templates', {}));
    expect(templates.csv.steps.example).toBe(stepsCsv);
    expect(templates.csv.instructions.example).toBe(instructionsCsv);
    expect(templates.json.example).toBe(planJson);
    expect(templates.csv.steps.header.startsWith('step_id,name,description,phase_id,')).toBe(true);
    expect(templates.csv.instructions.header).toBe('instruction_id,step_id,instruction_text,order_number,duration_minutes,team\r\n');
  });
});
