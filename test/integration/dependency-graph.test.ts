import { eq, inArray, sql } from 'drizzle-orm';
import {
  masterPhases,
  masterPlans,
  masterSequences,
  masterStepDependencies,
  masterStepIterationTypes,
  masterSteps,
  phaseInstances,
  sequenceInstances,
  stepInstanceDependencies,
  stepInstances,
} from '../../src/db/schema';
import { CONTAINER_STATUS_ID } from '../../src/domain/statuses';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/**
 * A master plan whose steps wait on steps of later and parallel phases, several predecessors, and
 * a start-to-start link with a lag:
 *   Sequence A: phase A1 [X TRT-010, X2 TRT-020], phase A2 [M TRT-030]
 *   Sequence B: phase B1 [Y TRT-040, Z TRT-050 (RUN only)]
 *   X waits for Y (FS, a later sequence); M waits for X (FS) and Y (SS + 15 min); X2 waits for Z (FS).
 */
async function buildCrossPhasePlan(s: Scenario) {
  const db = s.db;
  const [plan] = await db
    .insert(masterPlans)
    .values({ teamId: s.teams.owner, name: 'Cross-phase plan', statusId: CONTAINER_STATUS_ID.Plan.PLANNING })
    .returning({ id: masterPlans.id });
  const [seqA, seqB] = await db
    .insert(masterSequences)
    .values([
      { planId: plan!.id, order: 1, name: 'A' },
      { planId: plan!.id, order: 2, name: 'B' },
    ])
    .returning({ id: masterSequences.id });
  const [a1, a2, b1] = await db
    .insert(masterPhases)
    .values([
      { sequenceId: seqA!.id, order: 1, name: 'A1' },
      { sequenceId: seqA!.id, order: 2, name: 'A2' },
      { sequenceId: seqB!.id, order: 1, name: 'B1' },
    ])
    .returning({ id: masterPhases.id });
  const step = async (phaseId: string, number: number, name: string) => {
    const [row] = await db
      .insert(masterSteps)
      .values({ phaseId, ownerTeamId: s.teams.owner, stepTypeCode: 'TRT', number, name, durationMinutes: 30, environmentRoleId: 1 })
      .returning({ id: masterSteps.id });
    return row!.id;
  };
  const X = await step(a1!.id, 10, 'X');
  const X2 = await step(a1!.id, 20, 'X2');
  const M = await step(a2!.id, 30, 'M');
  const Y = await step(b1!.id, 40, 'Y');
  const Z = await step(b1!.id, 50, 'Z');
  await db.insert(masterStepIterationTypes).values({ stepId: Z, iterationTypeCode: 'RUN' });
  await db.insert(masterStepDependencies).values([
    { stepId: X, predecessorId: Y },
    { stepId: M, predecessorId: X, order: 0 },
    { stepId: M, predecessorId: Y, kind: 'SS', lagMinutes: 15, order: 1 },
    { stepId: X2, predecessorId: Z },
  ]);
  // The seed's column keeps the first dependency.
  await db.update(masterSteps).set({ predecessorId: Y }).where(eq(masterSteps.id, X));
  await db.update(masterSteps).set({ predecessorId: X }).where(eq(masterSteps.id, M));
  await db.update(masterSteps).set({ predecessorId: Z }).where(eq(masterSteps.id, X2));
  return { planId: plan!.id, master: { X, X2, M, Y, Z } };
}

describe('step dependency graph: instantiation and the start gate', () => {
  let s: Scenario;
  let plan: Awaited<ReturnType<typeof buildCrossPhasePlan>>;
  let planInstanceId: string;
  let copy: Record<'X' | 'X2' | 'M' | 'Y', string>;

  beforeAll(async () => {
    s = await createScenario();
    plan = await buildCrossPhasePlan(s);
  });
  afterAll(() => s.close());

  const status = async (stepId: string) => {
    const [row] = await s.db.select({ statusId: stepInstances.statusId }).from(stepInstances).where(eq(stepInstances.id, stepId));
    return row!.statusId;
  };
  const move = (stepId: string, expectedStatus: 'PENDING' | 'TODO' | 'IN_PROGRESS', toStatus: 'TODO' | 'IN_PROGRESS' | 'COMPLETED') =>
    s.call(ACCOUNTS.normalInTeam, 'steps/changeStatus', { stepId, expectedStatus, toStatus, confirmOpenInstructions: true });

  it('instantiates the plan, remaps every edge and says which edge it dropped for the iteration type', async () => {
    const result = expectOk(await s.call(ACCOUNTS.admin, 'planInstances/create', { iterationId: s.iterationId, masterPlanId: plan.planId }));
    planInstanceId = result.planInstanceId;
    expect(result.counts.steps).toBe(4);
    expect(result.counts.dependencies).toBe(3);
    expect(result.droppedDependencies).toEqual([
      'A1 / TRT-020 waited for B1 / TRT-050, which is not part of DR iterations; that dependency was not copied.',
    ]);

    const rows = await s.db
      .select({ id: stepInstances.id, masterId: stepInstances.masterStepId, predecessorId: stepInstances.predecessorId })
      .from(stepInstances)
      .innerJoin(phaseInstances, eq(phaseInstances.id, stepInstances.phaseId))
      .innerJoin(sequenceInstances, eq(sequenceInstances.id, phaseInstances.sequenceId))
      .where(eq(sequenceInstances.planId, planInstanceId));
    const byMaster = new Map(rows.map((row) => [row.masterId, row]));
    copy = { X: byMaster.get(plan.master.X)!.id, X2: byMaster.get(plan.master.X2)!.id, M: byMaster.get(plan.master.M)!.id, Y: byMaster.get(plan.master.Y)!.id };
    const edges = await s.db
      .select({ stepId: stepInstanceDependencies.stepId, predecessorId: stepInstanceDependencies.predecessorId, kind: stepInstanceDependencies.kind, lag: stepInstanceDependencies.lagMinutes })
      .from(stepInstanceDependencies)
      .where(inArray(stepInstanceDependencies.stepId, Object.values(copy)));
    expect(edges.sort((a, b) => `${a.stepId}${a.predecessorId}`.localeCompare(`${b.stepId}${b.predecessorId}`))).toEqual(
      [
        { stepId: copy.X, predecessorId: copy.Y, kind: 'FS', lag: 0 },
        { stepId: copy.M, predecessorId: copy.X, kind: 'FS', lag: 0 },
        { stepId: copy.M, predecessorId: copy.Y, kind: 'SS', lag: 15 },
      ].sort((a, b) => `${a.stepId}${a.predecessorId}`.localeCompare(`${b.stepId}${b.predecessorId}`)),
    );
    // The seed's column holds each copy's first dependency; the dropped one leaves X2 without.
    expect(byMaster.get(plan.master.X)!.predecessorId).toBe(copy.Y);
    expect(byMaster.get(plan.master.M)!.predecessorId).toBe(copy.X);
    expect(byMaster.get(plan.master.X2)!.predecessorId).toBeNull();
  });

  it('holds a step until every dependency is met, naming each one, and changes nothing when it refuses', async () => {
    for (const id of Object.values(copy)) expectOk(await move(id, 'PENDING', 'TODO'));
    const todo = await status(copy.X);

    const refusedX = await move(copy.X, 'TODO', 'IN_PROGRESS');
    expect(codeOf(refusedX)).toBe('CONFLICT');
    expect(refusedX.ok ? '' : refusedX.error.message).toBe(
      'TRT-010 cannot start until its predecessor TRT-040 is completed (it is to do). A pilot can override this.',
    );
    expect(await status(copy.X)).toBe(todo);

    // X2's only dependency was dropped, so it may start at once.
    expectOk(await move(copy.X2, 'TODO', 'IN_PROGRESS'));

    expectOk(await move(copy.Y, 'TODO', 'IN_PROGRESS'));
    const refusedM = await move(copy.M, 'TODO', 'IN_PROGRESS');
    expect(refusedM.ok ? '' : refusedM.error.message).toBe(
      'TRT-030 cannot start until its predecessor TRT-010 is completed (it is to do) and 15 minutes have passed since its predecessor TRT-040 started. A pilot can override this.',
    );
    expect(await status(copy.M)).toBe(todo);
  });

  it('lets a start-to-start link through once its lag has passed, and finish-to-start once the predecessor is completed', async () => {
    await s.db.execute(sql`UPDATE steps_instance_sti SET sti_start_time = now() - interval '20 minutes' WHERE sti_id = ${copy.Y}`);
    const refusedM = await move(copy.M, 'TODO', 'IN_PROGRESS');
    expect(refusedM.ok ? '' : refusedM.error.message).toBe('TRT-030 cannot start until its predecessor TRT-010 is completed (it is to do). A pilot can override this.');

    expectOk(await move(copy.Y, 'IN_PROGRESS', 'COMPLETED'));
    expectOk(await move(copy.X, 'TODO', 'IN_PROGRESS'));
    expectOk(await move(copy.X, 'IN_PROGRESS', 'COMPLETED'));
    expectOk(await move(copy.M, 'TODO', 'IN_PROGRESS'));
  });

  it('holds a finish-to-start link with a lag until the lag has passed since the end', async () => {
    // A fresh run: X waits for Y with a 30-minute lag after Y's end.
    await s.db.update(stepInstanceDependencies).set({ lagMinutes: 30 }).where(eq(stepInstanceDependencies.stepId, copy.X));
    await s.db.execute(sql`UPDATE steps_instance_sti SET sti_status = (SELECT sts_id FROM status_sts WHERE sts_name = 'TODO' AND sts_type = 'Step'), sti_end_time = NULL, sti_start_time = NULL WHERE sti_id = ${copy.X}`);
    await s.db.execute(sql`UPDATE steps_instance_sti SET sti_end_time = now() - interval '10 minutes' WHERE sti_id = ${copy.Y}`);
    const refused = await move(copy.X, 'TODO', 'IN_PROGRESS');
    expect(refused.ok ? '' : refused.error.message).toBe('TRT-010 cannot start until 30 minutes have passed since its predecessor TRT-040 finished. A pilot can override this.');
    await s.db.execute(sql`UPDATE steps_instance_sti SET sti_end_time = now() - interval '31 minutes' WHERE sti_id = ${copy.Y}`);
    expectOk(await move(copy.X, 'TODO', 'IN_PROGRESS'));
  });
});
