import { and, eq, inArray } from 'drizzle-orm';
import { auditLog, instructionInstances, masterInstructions } from '../../src/db/schema';
import { codeOf } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { auditRows, containerStatuses, phaseAt, resetRunsheet, setStepStatus, stepAt, stepRow, stepsOfPhase } from './execution-fixtures';

/**
 * Real concurrency through the resolver: on PostgreSQL every call runs on its own pooled
 * connection (READ COMMITTED), on PGlite the transactions queue on its one connection. Either
 * way the outcome a user sees must be the same.
 */
describe('execution under concurrency', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());
  beforeEach(async () => {
    await resetRunsheet(s);
  });

  it('20 simultaneous starts of one step from the same state: exactly one succeeds, 19 get CONFLICT, one audit row', async () => {
    const step = stepAt(s, 0, 0, 0);
    await setStepStatus(s, step.id, 'TODO');
    const callers = [ACCOUNTS.normalInTeam, ACCOUNTS.pilot, ACCOUNTS.admin, ACCOUNTS.normalInTeam];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        s.call(callers[i % callers.length], 'steps/changeStatus', { stepId: step.id, expectedStatus: 'TODO', toStatus: 'IN_PROGRESS' }),
      ),
    );
    const codes = results.map(codeOf);
    expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
    expect(codes.filter((code) => code === 'CONFLICT')).toHaveLength(19);
    expect((await stepRow(s, step.id)).status).toBe('IN_PROGRESS');
    expect(await auditRows(s, step.id, 'STEP_STATUS_CHANGED')).toHaveLength(1);
  });

  it('20 simultaneous different moves from the same state: exactly one wins, the others are told it changed', async () => {
    const step = stepAt(s, 0, 0, 0);
    await setStepStatus(s, step.id, 'IN_PROGRESS');
    const targets = ['COMPLETED', 'FAILED', 'BLOCKED'] as const;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        s.call(ACCOUNTS.normalInTeam, 'steps/changeStatus', { stepId: step.id, expectedStatus: 'IN_PROGRESS', toStatus: targets[i % targets.length]!, reason: 'Race', confirmOpenInstructions: true }),
      ),
    );
    const winners = results.filter((result) => result.ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((result) => codeOf(result) === 'CONFLICT')).toHaveLength(19);
    const stored = (await stepRow(s, step.id)).status;
    expect(winners[0]!.ok && winners[0]!.data.step.status.name).toBe(stored);
    const audits = await auditRows(s, step.id, 'STEP_STATUS_CHANGED');
    expect(audits).toHaveLength(1);
    expect(audits[0]!.details).toMatchObject({ before: { status: 'IN_PROGRESS' }, after: { status: stored } });
  });

  it('completing the last steps of a phase at the same moment still completes the phase (no lost roll-up)', async () => {
    const phase = phaseAt(s, 0, 1);
    const steps = stepsOfPhase(s, 0, 1);
    for (let round = 0; round < 3; round++) {
      await resetRunsheet(s);
      await setStepStatus(s, steps.map((step) => step.id), 'IN_PROGRESS');
      const results = await Promise.all(
        steps.map((step) => s.call(ACCOUNTS.normalInTeam, 'steps/changeStatus', { stepId: step.id, expectedStatus: 'IN_PROGRESS', toStatus: 'COMPLETED', confirmOpenInstructions: true })),
      );
      expect(results.map(codeOf)).toEqual(steps.map(() => 'OK'));
      expect((await containerStatuses(s, phase.id)).phase).toBe('COMPLETED');
    }
  });

  it('200 simultaneous instruction completions across steps: every one recorded, one audit row each', async () => {
    const steps = s.steps.slice(0, 10);
    await setStepStatus(s, steps.map((step) => step.id), 'IN_PROGRESS');
    const masters = await s.db
      .select({ id: masterInstructions.id, stepId: masterInstructions.stepId })
      .from(masterInstructions)
      .where(inArray(masterInstructions.stepId, steps.map((step) => step.masterId)));
    const rows = Array.from({ length: 200 }, (_, i) => {
      const step = steps[i % steps.length]!;
      return { stepId: step.id, masterInstructionId: masters.find((m) => m.stepId === step.masterId)!.id, order: 100 + i, body: `Concurrent ${i}` };
    });
    const inserted = await s.db.insert(instructionInstances).values(rows).returning({ id: instructionInstances.id });
    const ids = inserted.map((row) => row.id);
    const callers = [ACCOUNTS.normalInTeam, ACCOUNTS.pilot, ACCOUNTS.admin];

    const results = await Promise.all(
      ids.map((instructionId, i) => s.call(callers[i % callers.length], 'instructions/setCompleted', { instructionId, completed: true })),
    );

    expect(results.map(codeOf).filter((code) => code !== 'OK')).toEqual([]);
    expect(results.every((result) => result.ok && result.data.changed)).toBe(true);
    const stored = await s.db.select().from(instructionInstances).where(inArray(instructionInstances.id, ids));
    expect(stored.filter((row) => row.isCompleted === true && row.completedById !== null && row.completedAt !== null)).toHaveLength(200);
    const audits = await s.db
      .select({ entityId: auditLog.entityId })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'INSTRUCTION_COMPLETED'), inArray(auditLog.entityId, ids)));
    expect(audits).toHaveLength(200);
    expect(new Set(audits.map((a) => a.entityId)).size).toBe(200);
  });

  it('the same instruction ticked 20 times at once is recorded once; the repeats are clean no-ops', async () => {
    const step = stepAt(s, 0, 0, 0);
    await setStepStatus(s, step.id, 'IN_PROGRESS');
    const [instruction] = await s.db.select().from(instructionInstances).where(eq(instructionInstances.stepId, step.id)).limit(1);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => s.call(ACCOUNTS.normalInTeam, 'instructions/setCompleted', { instructionId: instruction!.id, completed: true })),
    );
    expect(results.map(codeOf)).toEqual(results.map(() => 'OK'));
    expect(results.filter((result) => result.ok && result.data.changed)).toHaveLength(1);
    expect(await auditRows(s, instruction!.id)).toHaveLength(1);
  });

  it('a tick racing the completion of its step either lands before it or is refused, never after', async () => {
    const step = stepAt(s, 0, 0, 0);
    await setStepStatus(s, step.id, 'IN_PROGRESS');
    const instructions = await s.db.select().from(instructionInstances).where(eq(instructionInstances.stepId, step.id));
    const [completion, ...ticks] = await Promise.all([
      s.call(ACCOUNTS.normalInTeam, 'steps/changeStatus', { stepId: step.id, expectedStatus: 'IN_PROGRESS', toStatus: 'COMPLETED', confirmOpenInstructions: true }),
      ...instructions.map((instruction) => s.call(ACCOUNTS.normalInTeam, 'instructions/setCompleted', { instructionId: instruction.id, completed: true })),
    ]);
    expect(codeOf(completion)).toBe('OK');
    const stepEnd = (await stepRow(s, step.id)).endTime!;
    const stored = await s.db.select().from(instructionInstances).where(eq(instructionInstances.stepId, step.id));
    ticks.forEach((tick, i) => {
      const row = stored.find((r) => r.id === instructions[i]!.id)!;
      if (tick.ok) {
        expect(row.isCompleted).toBe(true);
        expect(row.completedAt!.getTime()).toBeLessThanOrEqual(stepEnd.getTime());
      } else {
        expect(codeOf(tick)).toBe('CONFLICT');
        expect(row.isCompleted).toBe(false);
      }
    });
  });
});
