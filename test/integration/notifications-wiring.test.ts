import { eq } from 'drizzle-orm';
import { emailOutbox, instructionInstances, stepInstanceDependencies, stepInstances } from '../../src/db/schema';
import { STEP_STATUS_ID } from '../../src/domain/statuses';
import { setConfig } from '../../src/services/configuration/settings';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/** The execution commands write their email into the outbox in the same transaction as the change. */
describe('notifications wired into the runsheet commands', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
    await setConfig(s.db, { key: 'email.enabled', value: true, by: 'ADM' });
  });
  afterAll(() => s.close());

  const outbox = () => s.db.select().from(emailOutbox);

  it('queues an email for the owner and impacted teams when a step changes status', async () => {
    const step = s.steps[1]!; // impacts the "impacted" team
    // Free the step to start: no seed predecessor and no link in the dependency graph.
    await s.db.update(stepInstances).set({ statusId: STEP_STATUS_ID.TODO, predecessorId: null }).where(eq(stepInstances.id, step.id));
    await s.db.delete(stepInstanceDependencies).where(eq(stepInstanceDependencies.stepId, step.id));
    expectOk(await s.call(ACCOUNTS.normalInTeam, 'steps/changeStatus', { stepId: step.id, toStatus: 'IN_PROGRESS', expectedStatus: 'TODO' }));
    const rows = (await outbox()).filter((row) => row.eventType === 'STEP_STATUS_CHANGED');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.recipients.sort()).toEqual(['dba@example.com', 'ops@example.com']);
    expect(rows[0]!.subject).toContain(step.code);
  });

  it('queues one email per instruction tick and nothing for a refused change', async () => {
    const step = s.steps[1]!;
    const [instruction] = await s.db.select({ id: instructionInstances.id }).from(instructionInstances).where(eq(instructionInstances.stepId, step.id));
    const before = (await outbox()).length;
    expectOk(await s.call(ACCOUNTS.normalInTeam, 'instructions/setCompleted', { instructionId: instruction!.id, completed: true }));
    expect((await outbox()).length).toBe(before + 1);

    const refused = await s.call(ACCOUNTS.normalOutside, 'steps/changeStatus', { stepId: step.id, toStatus: 'COMPLETED', expectedStatus: 'IN_PROGRESS' });
    expect(codeOf(refused)).toBe('FORBIDDEN');
    const stale = await s.call(ACCOUNTS.normalInTeam, 'steps/changeStatus', { stepId: step.id, toStatus: 'COMPLETED', expectedStatus: 'TODO' });
    expect(codeOf(stale)).toBe('CONFLICT');
    expect((await outbox()).length).toBe(before + 1);
  });

  it('queues an email to the validators when a control verdict is recorded', async () => {
    const control = s.phases[0]!.controlIds[0]!;
    expectOk(await s.call(ACCOUNTS.itValidator, 'controls/recordVerdict', { controlId: control, verdict: 'PASSED', expectedStatus: 'TODO' }));
    const rows = (await outbox()).filter((row) => row.eventType === 'CONTROL_VERDICT');
    expect(rows).toHaveLength(1);
    // The validator who signed is not told about their own verdict.
    expect(rows[0]!.recipients).toContain('bzv@example.com');
    expect(rows[0]!.recipients).not.toContain('itv@example.com');
  });
});
