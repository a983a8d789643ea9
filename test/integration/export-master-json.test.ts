import { eq, sql } from 'drizzle-orm';
import { masterInstructions, masterSteps } from '../../src/db/schema';
import type { MasterPlanDocument } from '../../src/services/exports/master-plan-json';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { createEmptyPlan, errorOf, expectData, importAndPromote, type ImportCaller, makeImportCaller, planContent } from './import-fixtures';

describe('master plan JSON export', () => {
  let s: Scenario;
  let caller: ImportCaller;
  const admin = ACCOUNTS.admin;
  beforeAll(async () => {
    s = await createScenario();
    caller = makeImportCaller(s.db);
    // Give the scenario's steps what an import would write: codes (type + number) unique in the
    // plan, the first phase keeping 010-030 and each later phase counting on by 100.
    await s.db.execute(sql`
      UPDATE steps_master_stm stm SET stm_number = stm.stm_number + 100 * (ranked.rank - 1)
      FROM (SELECT phm.phm_id, row_number() OVER (PARTITION BY sqm.plm_id ORDER BY sqm.sqm_order, phm.phm_order) AS rank
            FROM phases_master_phm phm JOIN sequences_master_sqm sqm ON sqm.sqm_id = phm.sqm_id) ranked
      WHERE ranked.phm_id = stm.phm_id`);
    await s.db.execute(sql`UPDATE steps_master_stm SET stm_code = stt_code || '-' || lpad(stm_number::text, 3, '0')`);
    const [step] = await s.db.select().from(masterSteps).where(eq(masterSteps.name, 'Step 2.1.2'));
    await s.db.update(masterSteps).set({ targetEnvironmentRoleId: 3, description: 'Line one\nline "two"' }).where(eq(masterSteps.id, step!.id));
    await s.db.update(masterInstructions).set({ teamId: s.teams.other }).where(eq(masterInstructions.stepId, step!.id));
  });
  afterAll(() => s.close());

  it('exports the plan in the import format, naming predecessors by their code (unique in the plan)', async () => {
    const file = expectData(await caller.call(admin, 'exports/masterPlanJson', { masterPlanId: s.masterPlanId }));
    expect(file).toMatchObject({ fileName: 'cutover-master.json', contentType: 'application/json', stepCount: 12, skippedSteps: 0 });
    const document = JSON.parse(file.content) as MasterPlanDocument;
    expect(document.format).toBe('umig-master-plan');
    expect(document.plan).toEqual({ name: 'Cutover master', description: 'The master runsheet' });
    expect(document.sequences).toEqual([
      { name: 'Sequence 1', order: 1, phases: [{ name: 'Phase 1.1', order: 1 }, { name: 'Phase 1.2', order: 2 }] },
      { name: 'Sequence 2', order: 2, phases: [{ name: 'Phase 2.1', order: 1 }, { name: 'Phase 2.2', order: 2 }] },
    ]);
    expect(document.steps[0]).toEqual({
      code: 'TRT-010',
      name: 'Step 1.1.1',
      description: 'Do step 1',
      phase: 'Phase 1.1',
      ownerTeam: 'Cutover Ops',
      durationMinutes: 10,
      predecessor: null,
      environmentRole: 'PROD',
      targetEnvironmentRole: null,
      impactedTeams: [],
      iterationTypes: [],
      instructions: [
        { order: 1, text: 'First instruction', durationMinutes: 5, team: null },
        { order: 2, text: 'Second instruction', durationMinutes: 5, team: null },
      ],
    });
    expect(document.steps.map((step) => step.predecessor).slice(0, 4)).toEqual([null, 'TRT-010', 'TRT-020', 'TRT-030']);
    expect(document.steps[2]!.iterationTypes).toEqual(['RUN']);
    expect(document.steps[1]!.impactedTeams).toEqual(['Database Team']);
  });

  it('reproduces the plan exactly when imported into an empty plan with the same phases', async () => {
    const exported = expectData(await caller.call(admin, 'exports/masterPlanJson', { masterPlanId: s.masterPlanId }));
    const { planId } = await createEmptyPlan(s.db, s.teams.owner, {
      name: 'Copy of the cutover',
      sequences: [
        { name: 'Sequence 1', phases: ['Phase 1.1', 'Phase 1.2'] },
        { name: 'Sequence 2', phases: ['Phase 2.1', 'Phase 2.2'] },
      ],
    });
    const promoted = await importAndPromote(caller, admin, { masterPlanId: planId, format: 'JSON', files: [{ name: exported.fileName, content: exported.content }] });
    expect(promoted.changes).toMatchObject({ stepsCreated: 12, instructionsCreated: 24, predecessorsChanged: 11 });
    expect(await planContent(s.db, planId)).toEqual(await planContent(s.db, s.masterPlanId));

    const copy = expectData(await caller.call(admin, 'exports/masterPlanJson', { masterPlanId: planId }));
    const original = JSON.parse(exported.content);
    const again = JSON.parse(copy.content);
    expect(again.plan.name).toBe('Copy of the cutover');
    expect({ ...again, plan: null }).toEqual({ ...original, plan: null });

    // Importing the export back into its own plan changes nothing.
    const same = await importAndPromote(caller, admin, { masterPlanId: s.masterPlanId, format: 'JSON', files: [{ name: 'same.json', content: exported.content }] });
    expect(same.changes).toMatchObject({ stepsCreated: 0, stepsUpdated: 0, stepsUnchanged: 12, instructionsCreated: 0, instructionsUpdated: 0, instructionsDeleted: 0, predecessorsChanged: 0 });
  });

  it('leaves out steps that have no code, and refuses unknown plans', async () => {
    // A phase of the scenario's plan (the test above made a copy of it).
    await s.db.insert(masterSteps).values({ phaseId: s.phases[0]!.masterId, name: 'Untyped note' });
    const file = expectData(await caller.call(admin, 'exports/masterPlanJson', { masterPlanId: s.masterPlanId }));
    expect(file.skippedSteps).toBe(1);
    expect(file.stepCount).toBe(12);
    expect(errorOf(await caller.call(admin, 'exports/masterPlanJson', { masterPlanId: '00000000-0000-4000-8000-000000000000' })).code).toBe('NOT_FOUND');
    expect(errorOf(await caller.callRaw(admin, 'exports/masterPlanJson', { masterPlanId: 'x' })).code).toBe('VALIDATION');
  });
});
