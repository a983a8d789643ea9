import { sql } from 'drizzle-orm';
import { STEP_STATUS_ID } from '../../src/domain/statuses';
import { decodeRunsheet, decodeRunsheetChanges, type RunsheetStepView, type RunsheetView } from '../../src/resolvers/runsheet-wire';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

type Runsheet = RunsheetView;
type RunsheetPhase = Runsheet['planInstances'][number]['sequences'][number]['phases'][number];

function allSteps(runsheet: Runsheet): RunsheetStepView[] {
  return runsheet.planInstances.flatMap((plan) => plan.sequences.flatMap((sequence) => sequence.phases.flatMap((phase) => phase.steps)));
}

function allPhases(runsheet: Runsheet): RunsheetPhase[] {
  return runsheet.planInstances.flatMap((plan) => plan.sequences.flatMap((sequence) => sequence.phases));
}

describe('runsheet/get', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  const get = async (payload: Record<string, unknown>, account: string = ACCOUNTS.normalOutside) =>
    decodeRunsheet(expectOk(await s.call(account, 'runsheet/get', { iterationId: s.iterationId, ...payload })));

  it('lists the DR runsheet in order: plan instance > sequences > phases > steps, with codes and names', async () => {
    const runsheet = await get({});
    expect(runsheet.iteration).toEqual({
      id: s.iterationId,
      name: 'Dress rehearsal 1',
      type: { code: 'DR', name: 'Dress Rehearsal' },
      status: { id: 9, name: 'PLANNING', color: '#FFA500' },
    });
    expect(runsheet.planInstances.map((plan) => plan.id)).toEqual([s.planInstanceId]);
    const [plan] = runsheet.planInstances;
    expect(plan!.name).toBe('Cutover master');
    expect(plan!.sequences.map((sequence) => sequence.name)).toEqual(['Sequence 1', 'Sequence 2']);
    expect(allPhases(runsheet).map((phase) => phase.name)).toEqual(['Phase 1.1', 'Phase 1.2', 'Phase 2.1', 'Phase 2.2']);
    const steps = allSteps(runsheet);
    expect(steps).toHaveLength(11);
    expect(steps.map((step) => step.id)).toEqual(s.steps.map((step) => step.id));
    // The RUN-only step (third of the first phase) is not in a DR run.
    expect(allPhases(runsheet)[0]!.steps.map((step) => step.code)).toEqual(['TRT-010', 'TRT-020']);
    expect(allPhases(runsheet)[1]!.steps.map((step) => [step.code, step.name])).toEqual([
      ['TRT-010', 'Step 1.2.1'],
      ['TRT-020', 'Step 1.2.2'],
      ['TRT-030', 'Step 1.2.3'],
    ]);
    expect(new Date(runsheet.asOf).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('gives every step its status, instructions, owner, impacted teams, labels, predecessor and environment role', async () => {
    const runsheet = await get({});
    const pending = runsheet.stepStatuses.find((status) => status.name === 'PENDING');
    expect(pending).toEqual({ id: STEP_STATUS_ID.PENDING, name: 'PENDING', color: '#DDDDDD' });
    expect(runsheet.stepStatuses.map((status) => status.name)).toEqual(['PENDING', 'TODO', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'BLOCKED', 'CANCELLED']);
    expect(runsheet.labels).toEqual([{ id: s.labelId, name: 'critical-path', color: '#FF0000' }]);
    expect(runsheet.teams.map((team) => team.name)).toEqual(['Cutover Ops', 'Database Team', 'Network Team']);
    expect(runsheet.stepTypes).toContainEqual({ code: 'TRT', name: 'Treatments' });
    expect(runsheet.environmentRoles).toContainEqual({ id: 1, name: 'PROD' });

    const [first, second] = allPhases(runsheet)[1]!.steps;
    expect(first).toMatchObject({
      code: 'TRT-010',
      typeCode: 'TRT',
      ownerTeamId: s.teams.owner,
      impactedTeamIds: [],
      statusId: STEP_STATUS_ID.PENDING,
      durationMinutes: 10,
      startTime: null,
      endTime: null,
      instructions: { done: 0, total: 2 },
      labelIds: [s.labelId],
    });
    expect(second).toMatchObject({
      code: 'TRT-020',
      impactedTeamIds: [s.teams.impacted],
      labelIds: [],
      durationMinutes: 20,
    });
    // The table carries what it shows; predecessor, environment role and last update come with the step ('steps/get').
    expect(Object.keys(second!).sort()).toEqual(
      ['code', 'durationMinutes', 'endTime', 'id', 'impactedTeamIds', 'instructions', 'labelIds', 'name', 'ownerTeamId', 'startTime', 'statusId', 'typeCode'].concat(second!.p ? ['p'] : []).sort(),
    );
  });

  it('travels compact: one array per step, times in seconds from the answer, well under 250 bytes a step', async () => {
    const wire = expectOk(await s.call(ACCOUNTS.normalOutside, 'runsheet/get', { iterationId: s.iterationId }));
    const steps = wire.planInstances.flatMap((plan) => plan.sequences.flatMap((sequence) => sequence.phases.flatMap((phase) => phase.steps)));
    expect(steps).toHaveLength(11);
    for (const step of steps) {
      expect(Array.isArray(step)).toBe(true);
      expect(JSON.stringify(step).length).toBeLessThan(250);
    }
    expect(wire.t0).toBe(Math.floor(Date.parse(wire.asOf) / 1000));
    const decoded = decodeRunsheet(wire);
    expect(allSteps(decoded).map((step) => step.code)).toEqual(s.steps.map((step) => step.code));
  });

  it('summarises containers: progress from the domain roll-up, controls and the previous-phase gate', async () => {
    const runsheet = await get({});
    const [p11, p12, p21, p22] = allPhases(runsheet);
    expect(p11!.status).toEqual({ id: 17, name: 'PLANNING', color: '#FFA500' });
    expect(p11!.progress).toEqual({ stepCount: 2, completedCount: 0, cancelledCount: 0, ratio: 0, percent: 0, plannedMinutes: 30, elapsedMinutes: 0 });
    expect(p11!.controls).toEqual({ total: 1, passed: 0, failed: 0, criticalNotPassed: ['C11'] });
    expect([p11!.blocked, p11!.blockedBy]).toEqual([false, []]);
    expect([p12!.blocked, p12!.blockedBy]).toEqual([true, ['C11']]);
    expect(p12!.controls.criticalNotPassed).toEqual([]);
    // Gates do not cross a sequence boundary.
    expect([p21!.blocked, p22!.blockedBy]).toEqual([false, ['C21']]);
    expect(runsheet.planInstances[0]!.sequences[0]!.progress.stepCount).toBe(5);
    expect(runsheet.planInstances[0]!.progress.plannedMinutes).toBe(10 + 20 + 3 * 60);
    expect(runsheet.progress.stepCount).toBe(11);
  });

  it('filters by team: owned by or impacting the team', async () => {
    expect(allSteps(await get({ teamId: s.teams.owner }))).toHaveLength(11);
    const impacted = await get({ teamId: s.teams.impacted });
    expect(allSteps(impacted).map((step) => step.code)).toEqual(['TRT-020', 'TRT-020', 'TRT-020', 'TRT-020']);
    // Progress stays the container's own, whatever the filter.
    expect(allPhases(impacted)[0]!.progress.stepCount).toBe(2);
    const none = await get({ teamId: s.teams.other });
    expect(none.planInstances).toEqual([]);
    expect(none.progress.stepCount).toBe(11);
  });

  it('filters by label', async () => {
    const labelled = allSteps(await get({ labelId: s.labelId }));
    expect(labelled.map((step) => step.code)).toEqual(['TRT-010', 'TRT-010', 'TRT-010', 'TRT-010']);
    expect(allSteps(await get({ labelId: 999_999 }))).toEqual([]);
  });

  it('filters by status names', async () => {
    const [a, b] = [s.steps[0]!.id, s.steps[5]!.id];
    await s.db.execute(sql`UPDATE steps_instance_sti SET sti_status = ${STEP_STATUS_ID.TODO} WHERE sti_id IN (${a}, ${b})`);
    try {
      expect(allSteps(await get({ statuses: ['TODO'] })).map((step) => step.id)).toEqual([a, b]);
      expect(allSteps(await get({ statuses: ['PENDING', 'TODO'] }))).toHaveLength(11);
      expect(allSteps(await get({ statuses: ['COMPLETED'] }))).toEqual([]);
      expect(allSteps(await get({ statuses: ['TODO'], teamId: s.teams.owner }))).toHaveLength(2);
    } finally {
      await s.db.execute(sql`UPDATE steps_instance_sti SET sti_status = ${STEP_STATUS_ID.PENDING} WHERE sti_id IN (${a}, ${b})`);
    }
  });

  it("filters 'mine' by the caller's own teams, never by a payload", async () => {
    expect(allSteps(await get({ mine: true }, ACCOUNTS.normalInTeam))).toHaveLength(11);
    expect(allSteps(await get({ mine: true }, ACCOUNTS.normalImpacted)).map((step) => step.code)).toEqual(['TRT-020', 'TRT-020', 'TRT-020', 'TRT-020']);
    expect((await get({ mine: true }, ACCOUNTS.normalOutside)).planInstances).toEqual([]);
    // A pilot without a team has no steps of their own.
    expect(allSteps(await get({ mine: true }, ACCOUNTS.pilot))).toEqual([]);
    expect(allSteps(await get({ mine: false }, ACCOUNTS.normalOutside))).toHaveLength(11);
  });

  it('searches step codes, names and descriptions, ignoring case and taking wildcards literally', async () => {
    expect(allSteps(await get({ text: 'trt-020' }))).toHaveLength(4);
    expect(allSteps(await get({ text: 'TRT-0' }))).toHaveLength(11);
    expect(allSteps(await get({ text: 'step 2.1' })).map((step) => step.name)).toEqual(['Step 2.1.1', 'Step 2.1.2', 'Step 2.1.3']);
    // Descriptions are "Do step n"; the RUN-only step 3 of the first phase is not here.
    expect(allSteps(await get({ text: 'DO STEP 3' }))).toHaveLength(3);
    expect(allSteps(await get({ text: 'Step%' }))).toEqual([]);
    expect(allSteps(await get({ text: '_' }))).toEqual([]);
    expect(allSteps(await get({ text: '   ' }))).toHaveLength(11);
  });

  it('narrows to a plan instance, a sequence or a phase', async () => {
    expect(allSteps(await get({ planInstanceId: s.planInstanceId }))).toHaveLength(11);
    expect((await get({ planInstanceId: '00000000-0000-4000-8000-000000000000' })).planInstances).toEqual([]);
    const sequenceId = (await get({})).planInstances[0]!.sequences[1]!.id;
    const bySequence = await get({ sequenceId });
    expect(bySequence.planInstances[0]!.sequences.map((sequence) => sequence.id)).toEqual([sequenceId]);
    expect(allSteps(bySequence)).toHaveLength(6);
    const phaseId = s.phases[2]!.id;
    const byPhase = await get({ phaseId });
    expect(allPhases(byPhase).map((phase) => phase.id)).toEqual([phaseId]);
    expect(allSteps(byPhase).map((step) => step.name)).toEqual(['Step 2.1.1', 'Step 2.1.2', 'Step 2.1.3']);
    expect(allSteps(await get({ phaseId, teamId: s.teams.impacted }))).toHaveLength(1);
  });

  it('lets every known user read, and refuses unknown or inactive accounts', async () => {
    for (const account of [ACCOUNTS.admin, ACCOUNTS.pilot, ACCOUNTS.normalOutside, ACCOUNTS.bizValidator]) {
      expect(codeOf(await s.call(account, 'runsheet/get', { iterationId: s.iterationId }))).toBe('OK');
    }
    expect(codeOf(await s.call(ACCOUNTS.unknown, 'runsheet/get', { iterationId: s.iterationId }))).toBe('UNKNOWN_USER');
    expect(codeOf(await s.call(ACCOUNTS.inactive, 'runsheet/get', { iterationId: s.iterationId }))).toBe('UNKNOWN_USER');
    expect(codeOf(await s.callRaw(undefined, 'runsheet/get', { iterationId: s.iterationId }))).toBe('UNKNOWN_USER');
  });

  it('answers NOT_FOUND for an unknown iteration and VALIDATION for malformed payloads', async () => {
    const unknown = await s.call(ACCOUNTS.admin, 'runsheet/get', { iterationId: '00000000-0000-4000-8000-000000000000' });
    expect(codeOf(unknown)).toBe('NOT_FOUND');
    expect(unknown.ok ? '' : unknown.error.message).toBe('That iteration does not exist.');
    const bad: unknown[] = [
      {},
      null,
      'runsheet',
      { iterationId: 'not-a-uuid' },
      { iterationId: "'; DROP TABLE steps_instance_sti; --" },
      { iterationId: s.iterationId, extra: true },
      { iterationId: s.iterationId, text: 'x'.repeat(1_000_000) },
      { iterationId: s.iterationId, text: 'x'.repeat(101) },
      { iterationId: s.iterationId, statuses: ['DONE'] },
      { iterationId: s.iterationId, statuses: [] },
      { iterationId: s.iterationId, teamId: -1 },
      { iterationId: s.iterationId, teamId: '1' },
      { iterationId: s.iterationId, labelId: 1.5 },
      { iterationId: s.iterationId, mine: 'yes' },
      { iterationId: s.iterationId, phaseId: 'x' },
    ];
    for (const payload of bad) {
      const result = await s.callRaw(ACCOUNTS.admin, 'runsheet/get', payload);
      expect(codeOf(result)).toBe('VALIDATION');
      expect(result.ok ? '' : result.error.message).toMatch(/^The request is not valid/);
    }
  });
});

describe('runsheet/changesSince', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  /** Moves every timestamp of the scenario an hour back, so "now" is clearly after all of it. */
  async function ageEverything() {
    for (const table of ['plans_instance_pli', 'sequences_instance_sqi', 'phases_instance_phi', 'steps_instance_sti', 'instructions_instance_ini', 'controls_instance_cti']) {
      await s.db.execute(sql.raw(`UPDATE ${table} SET updated_at = now() - interval '1 hour'`));
    }
  }

  async function readAsOf(): Promise<string> {
    return expectOk(await s.call(ACCOUNTS.normalOutside, 'runsheet/get', { iterationId: s.iterationId })).asOf;
  }

  const changes = async (since: string) => decodeRunsheetChanges(expectOk(await s.call(ACCOUNTS.normalOutside, 'runsheet/changesSince', { iterationId: s.iterationId, since })));

  beforeEach(ageEverything);

  it('returns nothing when nothing changed, and a new asOf', async () => {
    const since = await readAsOf();
    const result = await changes(since);
    expect(result.steps).toEqual([]);
    expect([result.phases, result.sequences, result.planInstances]).toEqual([[], [], []]);
    expect(new Date(result.asOf).getTime()).toBeGreaterThanOrEqual(new Date(since).getTime());
    expect(new Date(since).getTime() - new Date(result.effectiveSince).getTime()).toBe(5_000);
    expect(result.iteration.id).toBe(s.iterationId);
    expect(result.progress.stepCount).toBe(11);
  });

  it('returns a changed step in the runsheet shape, with its phase, sequence and plan summaries', async () => {
    const since = await readAsOf();
    const step = s.steps[3]!;
    await s.db.execute(sql`UPDATE steps_instance_sti SET sti_status = ${STEP_STATUS_ID.TODO}, updated_at = now() WHERE sti_id = ${step.id}`);
    const result = await changes(since);
    expect(result.steps.map((changed) => changed.id)).toEqual([step.id]);
    expect(result.steps[0]).toMatchObject({ phaseId: step.phaseId, code: step.code, statusId: STEP_STATUS_ID.TODO, instructions: { done: 0, total: 2 } });
    expect(result.phases.map((phase) => phase.id)).toEqual([step.phaseId]);
    expect(result.phases[0]!.sequenceId).toBe(result.sequences[0]!.id);
    expect(result.sequences).toHaveLength(1);
    expect(result.sequences[0]!.planInstanceId).toBe(s.planInstanceId);
    expect(result.planInstances.map((plan) => plan.id)).toEqual([s.planInstanceId]);
    // The next call, from the new asOf, no longer sees it once the overlap has passed (aged here).
    await ageEverything();
    expect((await changes(result.asOf)).steps).toEqual([]);
  });

  it("returns the step of a changed instruction, with the instruction's effect on its counts", async () => {
    const since = await readAsOf();
    const step = s.steps[6]!;
    await s.db.execute(sql`UPDATE instructions_instance_ini SET ini_is_completed = true, updated_at = now()
                            WHERE ini_id = (SELECT ini_id FROM instructions_instance_ini WHERE sti_id = ${step.id} ORDER BY ini_order LIMIT 1)`);
    const result = await changes(since);
    expect(result.steps.map((changed) => [changed.id, changed.instructions])).toEqual([[step.id, { done: 1, total: 2 }]]);
  });

  it("returns every step of a phase whose control changed, and the phases whose gate it moves", async () => {
    const since = await readAsOf();
    const phase = s.phases[0]!;
    await s.db.execute(sql`UPDATE controls_instance_cti SET cti_status = 29, updated_at = now() WHERE cti_id = ${phase.criticalControlId}`);
    const result = await changes(since);
    expect(result.steps.map((changed) => changed.id)).toEqual(s.steps.filter((step) => step.phaseId === phase.id).map((step) => step.id));
    // The next phase of the sequence is no longer blocked by C11.
    expect(result.phases.map((summary) => [summary.id, summary.blocked])).toEqual([
      [s.phases[0]!.id, false],
      [s.phases[1]!.id, false],
    ]);
    expect(result.phases[0]!.controls).toEqual({ total: 1, passed: 1, failed: 0, criticalNotPassed: [] });
    await s.db.execute(sql`UPDATE controls_instance_cti SET cti_status = 28 WHERE cti_id = ${phase.criticalControlId}`);
  });

  it('returns the steps of a phase whose status changed', async () => {
    const since = await readAsOf();
    const phase = s.phases[3]!;
    await s.db.execute(sql`UPDATE phases_instance_phi SET phi_status = 18, updated_at = now() WHERE phi_id = ${phase.id}`);
    const result = await changes(since);
    expect(result.steps).toHaveLength(3);
    expect(result.phases.find((summary) => summary.id === phase.id)!.status.name).toBe('IN_PROGRESS');
  });

  it('overlaps the window so a change that committed after a read but was stamped before it is not lost', async () => {
    const since = await readAsOf();
    const step = s.steps[10]!;
    // Stamped 2 s before the read (its transaction started then) but committed after it.
    await s.db.execute(sql`UPDATE steps_instance_sti SET updated_at = ${since}::timestamptz - interval '2 seconds' WHERE sti_id = ${step.id}`);
    expect((await changes(since)).steps.map((changed) => changed.id)).toEqual([step.id]);
  });

  it('answers NOT_FOUND for an unknown iteration and VALIDATION for a malformed since', async () => {
    const since = new Date().toISOString();
    expect(codeOf(await s.call(ACCOUNTS.admin, 'runsheet/changesSince', { iterationId: '00000000-0000-4000-8000-000000000000', since }))).toBe('NOT_FOUND');
    for (const payload of [
      { iterationId: s.iterationId },
      { iterationId: s.iterationId, since: 'yesterday' },
      { iterationId: s.iterationId, since: '2026-01-01' },
      { iterationId: s.iterationId, since: 1_700_000_000_000 },
      { iterationId: s.iterationId, since, extra: 1 },
      { iterationId: 'x', since },
    ]) {
      expect(codeOf(await s.callRaw(ACCOUNTS.admin, 'runsheet/changesSince', payload))).toBe('VALIDATION');
    }
    expect(codeOf(await s.call(ACCOUNTS.unknown, 'runsheet/changesSince', { iterationId: s.iterationId, since }))).toBe('UNKNOWN_USER');
  });
});
