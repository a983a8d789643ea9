import { count, eq, inArray, sql } from 'drizzle-orm';
import {
  auditLog,
  controlInstances,
  instructionInstances,
  masterSteps,
  phaseInstances,
  planInstances,
  sequenceInstances,
  stepInstances,
} from '../../src/db/schema';
import { INITIAL_STATUS_ID } from '../../src/domain/planning/instantiation';
import { codeOf, expectOk } from './../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

describe('plan instantiation', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  async function tableCounts() {
    const db = s.db;
    const [pli] = await db.select({ n: count() }).from(planInstances);
    const [sqi] = await db.select({ n: count() }).from(sequenceInstances);
    const [phi] = await db.select({ n: count() }).from(phaseInstances);
    const [sti] = await db.select({ n: count() }).from(stepInstances);
    const [ini] = await db.select({ n: count() }).from(instructionInstances);
    const [cti] = await db.select({ n: count() }).from(controlInstances);
    return { pli: pli!.n, sqi: sqi!.n, phi: phi!.n, sti: sti!.n, ini: ini!.n, cti: cti!.n };
  }

  it('copies every level of the master into the DR iteration, leaving out RUN-only steps', () => {
    // 2 sequences x 2 phases x 3 steps, minus the one step tagged RUN only.
    expect(s.steps).toHaveLength(11);
    expect(s.steps.map((step) => step.masterId)).not.toContain(s.runOnlyMasterStepId);
    expect(s.phases).toHaveLength(4);
    expect(s.phases.every((phase) => phase.controlIds.length === 1)).toBe(true);
  });

  it('remaps every step predecessor to the copy of the master predecessor, or to nothing when it was filtered out', async () => {
    const rows = await s.db
      .select({ id: stepInstances.id, masterId: stepInstances.masterStepId, predecessorId: stepInstances.predecessorId, masterPredecessorId: masterSteps.predecessorId })
      .from(stepInstances)
      .innerJoin(masterSteps, eq(masterSteps.id, stepInstances.masterStepId));
    const instanceOfMaster = new Map(rows.map((row) => [row.masterId, row.id]));
    for (const row of rows) {
      const expected = row.masterPredecessorId ? (instanceOfMaster.get(row.masterPredecessorId) ?? null) : null;
      expect(row.predecessorId).toBe(expected);
    }
    // The step after the RUN-only step lost its predecessor; every other non-first step kept one.
    expect(rows.filter((row) => row.predecessorId === null)).toHaveLength(2);
  });

  it('remaps phase and sequence predecessors inside the new instance', async () => {
    const phases = await s.db.select().from(phaseInstances).where(inArray(phaseInstances.id, s.phases.map((p) => p.id)));
    const byId = new Map(phases.map((p) => [p.id, p]));
    const second = byId.get(s.phases[1]!.id)!;
    expect(second.predecessorId).toBe(s.phases[0]!.id);
    expect(byId.get(s.phases[0]!.id)!.predecessorId).toBeNull();
    const sequences = await s.db.select().from(sequenceInstances).where(eq(sequenceInstances.planId, s.planInstanceId));
    const [first, next] = [...sequences].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
    expect(next!.predecessorId).toBe(first!.id);
  });

  it('starts everything in its initial status and copies instructions and controls', async () => {
    const steps = await s.db.select({ statusId: stepInstances.statusId, name: stepInstances.name, duration: stepInstances.durationMinutes }).from(stepInstances);
    expect(new Set(steps.map((st) => st.statusId))).toEqual(new Set([INITIAL_STATUS_ID.Step]));
    expect(steps.find((st) => st.name === 'Step 1.1.2')?.duration).toBe(20);
    const instructions = await s.db.select().from(instructionInstances);
    expect(instructions).toHaveLength(22);
    expect(instructions.every((i) => i.isCompleted === false)).toBe(true);
    const controls = await s.db.select().from(controlInstances);
    expect(controls.map((c) => c.statusId)).toEqual(controls.map(() => INITIAL_STATUS_ID.Control));
    expect(controls.filter((c) => c.isCritical)).toHaveLength(2);
  });

  it('refuses a second instance of the same master without a run name, and allows a named re-run', async () => {
    const again = await s.call(ACCOUNTS.admin, 'planInstances/create', { iterationId: s.iterationId, masterPlanId: s.masterPlanId });
    expect(codeOf(again)).toBe('CONFLICT');
    const rerun = expectOk(
      await s.call(ACCOUNTS.admin, 'planInstances/create', { iterationId: s.iterationId, masterPlanId: s.masterPlanId, runName: 'Re-run after rollback' }),
    );
    expect(rerun.counts).toEqual({ sequences: 2, phases: 4, steps: 11, instructions: 22, controls: 4, dependencies: 9 });
    expect(rerun.droppedDependencies).toHaveLength(1);
    expect(rerun.droppedDependencies[0]).toMatch(/waited for .*not part of DR iterations/);
    const sameName = await s.call(ACCOUNTS.admin, 'planInstances/create', { iterationId: s.iterationId, masterPlanId: s.masterPlanId, runName: 'Re-run after rollback' });
    expect(codeOf(sameName)).toBe('CONFLICT');
  });

  it('copies the RUN-only step into a RUN iteration and writes one audit row', async () => {
    const result = expectOk(await s.call(ACCOUNTS.admin, 'planInstances/create', { iterationId: s.runIterationId, masterPlanId: s.masterPlanId }));
    expect(result.counts.steps).toBe(12);
    const audits = await s.db.select().from(auditLog).where(eq(auditLog.entityId, result.planInstanceId));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.action).toBe('PLAN_INSTANTIATED');
  });

  it('lets only administrators instantiate', async () => {
    const before = await tableCounts();
    for (const account of [ACCOUNTS.pilot, ACCOUNTS.normalInTeam, ACCOUNTS.normalOutside]) {
      const result = await s.call(account, 'planInstances/create', { iterationId: s.runIterationId, masterPlanId: s.masterPlanId, runName: 'x' });
      expect(codeOf(result)).toBe('FORBIDDEN');
    }
    expect(codeOf(await s.call(ACCOUNTS.unknown, 'planInstances/create', { iterationId: s.runIterationId, masterPlanId: s.masterPlanId }))).toBe('UNKNOWN_USER');
    expect(codeOf(await s.call(ACCOUNTS.inactive, 'planInstances/create', { iterationId: s.runIterationId, masterPlanId: s.masterPlanId }))).toBe('UNKNOWN_USER');
    expect(await tableCounts()).toEqual(before);
  });

  it('rejects unknown ids and malformed payloads without writing anything', async () => {
    const before = await tableCounts();
    const unknownIteration = await s.call(ACCOUNTS.admin, 'planInstances/create', { iterationId: '00000000-0000-4000-8000-000000000000', masterPlanId: s.masterPlanId });
    expect(codeOf(unknownIteration)).toBe('NOT_FOUND');
    for (const payload of [{}, { iterationId: 'x', masterPlanId: s.masterPlanId }, { iterationId: s.iterationId, masterPlanId: s.masterPlanId, extra: 1 }, { iterationId: s.iterationId, masterPlanId: s.masterPlanId, runName: 'x'.repeat(1_000_000) }, null, 'DROP TABLE users_usr']) {
      expect(codeOf(await s.callRaw(ACCOUNTS.admin, 'planInstances/create', payload))).toBe('VALIDATION');
    }
    expect(await tableCounts()).toEqual(before);
  });

  it('leaves nothing behind when the copy fails halfway', async () => {
    const before = await tableCounts();
    // The last statement of the copy (controls) fails; sequences, phases, steps and instructions were already written.
    await s.db.execute(sql`CREATE FUNCTION fail_control_copy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await s.db.execute(sql`CREATE TRIGGER fail_control_copy BEFORE INSERT ON controls_instance_cti FOR EACH ROW EXECUTE FUNCTION fail_control_copy()`);
    try {
      const result = await s.call(ACCOUNTS.admin, 'planInstances/create', { iterationId: s.runIterationId, masterPlanId: s.masterPlanId, runName: 'doomed' });
      expect(codeOf(result)).toBe('UNKNOWN');
      expect(result.ok ? '' : result.error.message).not.toMatch(/disk full|controls_instance_cti|INSERT/);
    } finally {
      await s.db.execute(sql`DROP TRIGGER fail_control_copy ON controls_instance_cti`);
      await s.db.execute(sql`DROP FUNCTION fail_control_copy()`);
    }
    expect(await tableCounts()).toEqual(before);
  });
});
