import { eq, sql } from 'drizzle-orm';
import { masterSequences, planBackoutMarkers, planInstances } from '../../src/db/schema';
import { decodeRunsheet, decodeRunsheetChanges } from '../../src/resolvers/runsheet-wire';
import { expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/**
 * The scenario's DR run: 11 steps, each waiting for the one before (durations 10, 20, 30 per phase;
 * the RUN-only 30-minute step is not there): sequence 1 takes 30 + 60, sequence 2 60 + 60, 210 in all.
 */
describe('runsheet forecast through the resolvers', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  const read = async () => decodeRunsheet(expectOk(await s.call(ACCOUNTS.admin, 'runsheet/get', { iterationId: s.iterationId })));
  const planStartsIn = (minutes: number, windowMinutes: number) =>
    s.db.execute(sql`INSERT INTO plan_instance_schedule_pis (pli_id, pis_planned_start, pis_window_end)
                      VALUES (${s.planInstanceId}, date_trunc('minute', now()) + make_interval(mins => ${minutes}),
                              date_trunc('minute', now()) + make_interval(mins => ${minutes + windowMinutes}))
                      ON CONFLICT (pli_id) DO UPDATE SET pis_planned_start = excluded.pis_planned_start, pis_window_end = excluded.pis_window_end`);

  it('shows the plan before the run starts: end, critical path, nothing late', async () => {
    await planStartsIn(60, 212);
    const runsheet = await read();
    const plan = runsheet.planInstances[0]!;
    expect(plan.timing).toMatchObject({ plannedEnd: 210, forecastEnd: 210, atRisk: false, late: 0, noDuration: 0 });
    const steps = plan.sequences.flatMap((sequence) => sequence.phases.flatMap((phase) => phase.steps));
    expect(steps.map((step) => step.p)).toEqual([
      [0, 10, 0], [10, 30, 0],
      [30, 40, 0], [40, 60, 0], [60, 90, 0],
      [90, 100, 0], [100, 120, 0], [120, 150, 0],
      [150, 160, 0], [160, 180, 0], [180, 210, 0],
    ]);
    // Every phase's forecast is "as planned": one run, no shift, not late.
    expect(plan.sequences[0]!.phases[0]!.f).toEqual([2, 0, 0, 0]);
  });

  it('moves the forecast end and marks the run at risk when the first step has not started on time', async () => {
    await planStartsIn(-5, 212);
    const plan = (await read()).planInstances[0]!;
    expect(plan.timing!.forecastEnd).toBeGreaterThanOrEqual(215);
    expect(plan.timing!.atRisk).toBe(true);
    expect(plan.timing!.late).toBe(11);
    expect(plan.sequences[0]!.phases[0]!.f![0]).toBe(2);
    expect(plan.sequences[0]!.phases[0]!.f![3]).toBe(1);
  });

  it('carries the new forecast in changesSince once the late step starts', async () => {
    const before = await read();
    const first = s.steps[0]!;
    expectOk(await s.call(ACCOUNTS.normalInTeam, 'steps/changeStatus', { stepId: first.id, expectedStatus: 'PENDING', toStatus: 'TODO' }));
    expectOk(await s.call(ACCOUNTS.normalInTeam, 'steps/changeStatus', { stepId: first.id, expectedStatus: 'TODO', toStatus: 'IN_PROGRESS' }));
    const changes = decodeRunsheetChanges(expectOk(await s.call(ACCOUNTS.admin, 'runsheet/changesSince', { iterationId: s.iterationId, since: before.asOf })));
    const timing = changes.timing.plans[s.planInstanceId]!;
    expect(timing.forecastEnd).toBeGreaterThanOrEqual(215);
    expect(timing.atRisk).toBe(true);
    expect(changes.steps.find((step) => step.id === first.id)?.p).toEqual([0, 10, 0]);
    expect(changes.timing.phases[first.phaseId]).toBeDefined();
  });

  it('shows the backout line until the point of no return starts, and leaves backout steps out of the end', async () => {
    const [sequence2] = await s.db.select({ id: masterSequences.id }).from(masterSequences).where(eq(masterSequences.order, 2));
    const [plan] = await s.db.select({ masterPlanId: planInstances.masterPlanId }).from(planInstances).where(eq(planInstances.id, s.planInstanceId));
    await s.db.insert(planBackoutMarkers).values([
      { planId: plan!.masterPlanId, kind: 'BACKOUT_SEQUENCE', sequenceId: sequence2!.id },
      { planId: plan!.masterPlanId, kind: 'POINT_OF_NO_RETURN', stepId: s.steps[1]!.masterId },
    ]);
    await planStartsIn(-5, 212);
    const runsheet = await read();
    const timing = runsheet.planInstances[0]!.timing!;
    expect(timing.plannedEnd).toBe(90);
    expect(timing.backout).toMatchObject({ minutes: 120, fits: true });
    expect(Date.parse(timing.backout!.finishAt) - Date.parse(runsheet.asOf)).toBe(120 * 60_000);

    // The point of no return starts: the line goes.
    const pnr = s.steps[1]!;
    await s.db.execute(sql`UPDATE steps_instance_sti SET sti_start_time = now() WHERE sti_id = ${pnr.id}`);
    expect((await read()).planInstances[0]!.timing!.backout).toBeUndefined();
  });
});
