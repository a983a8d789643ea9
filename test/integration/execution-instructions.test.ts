import { eq } from 'drizzle-orm';
import { instructionInstances, masterInstructions } from '../../src/db/schema';
import { STEP_STATUSES } from '../../src/domain/statuses';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { auditRows, executionFingerprint, instructionsOf, resetRunsheet, setStepStatus, stepAt, UNKNOWN_UUID } from './execution-fixtures';

describe('instructions/setCompleted', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());
  beforeEach(async () => {
    await resetRunsheet(s);
  });

  const tick = (account: string, instructionId: string, completed = true) => s.call(account, 'instructions/setCompleted', { instructionId, completed });

  it('ticks an instruction of a step in progress: who and when are stored, one audit row', async () => {
    const step = stepAt(s, 0, 0, 0);
    await setStepStatus(s, step.id, 'IN_PROGRESS');
    const [instruction] = await instructionsOf(s, step.id);
    const result = expectOk(await tick(ACCOUNTS.normalInTeam, instruction!.id));
    expect(result).toMatchObject({ instructionId: instruction!.id, stepId: step.id, changed: true, isCompleted: true, completedById: s.users.normalInTeam.id });
    expect(typeof result.completedAt).toBe('string');
    const [row] = await s.db.select().from(instructionInstances).where(eq(instructionInstances.id, instruction!.id));
    expect(row).toMatchObject({ isCompleted: true, completedById: s.users.normalInTeam.id, updatedBy: 'NIN' });
    expect(row!.completedAt).toBeInstanceOf(Date);
    const audits = await auditRows(s, instruction!.id);
    expect(audits.map((a) => a.action)).toEqual(['INSTRUCTION_COMPLETED']);
    expect(audits[0]!.details).toMatchObject({ by: 'NIN', before: { completed: false }, after: { completed: true }, stepId: step.id, stepCode: 'TRT-010' });
  });

  it('treats a repeat as a no-op without an audit row, and unticking clears who and when', async () => {
    const step = stepAt(s, 0, 0, 0);
    await setStepStatus(s, step.id, 'IN_PROGRESS');
    const [instruction] = await instructionsOf(s, step.id);
    expectOk(await tick(ACCOUNTS.normalInTeam, instruction!.id));
    const repeat = expectOk(await tick(ACCOUNTS.pilot, instruction!.id));
    expect(repeat).toMatchObject({ changed: false, isCompleted: true, completedById: s.users.normalInTeam.id });
    expect(await auditRows(s, instruction!.id)).toHaveLength(1);

    const untick = expectOk(await tick(ACCOUNTS.pilot, instruction!.id, false));
    expect(untick).toMatchObject({ changed: true, isCompleted: false, completedById: null, completedAt: null });
    const [row] = await s.db.select().from(instructionInstances).where(eq(instructionInstances.id, instruction!.id));
    expect(row).toMatchObject({ isCompleted: false, completedById: null, completedAt: null, updatedBy: 'PIL' });
    expect((await auditRows(s, instruction!.id)).map((a) => a.action)).toEqual(['INSTRUCTION_COMPLETED', 'INSTRUCTION_UNCOMPLETED']);
    const again = expectOk(await tick(ACCOUNTS.pilot, instruction!.id, false));
    expect(again.changed).toBe(false);
    expect(await auditRows(s, instruction!.id)).toHaveLength(2);
  });

  it.each(STEP_STATUSES.filter((status) => status !== 'IN_PROGRESS'))('refuses ticking or unticking while the step is %s, writing nothing', async (status) => {
    const step = stepAt(s, 0, 0, 0);
    const [open, done] = await instructionsOf(s, step.id);
    await s.db.update(instructionInstances).set({ isCompleted: true, completedById: s.users.pilot.id, completedAt: new Date() }).where(eq(instructionInstances.id, done!.id));
    await setStepStatus(s, step.id, status);
    const before = await executionFingerprint(s);
    const complete = await tick(ACCOUNTS.normalInTeam, open!.id, true);
    expect(codeOf(complete)).toBe('CONFLICT');
    expect(complete.ok ? '' : complete.error.message).toContain('in progress');
    if (status !== 'COMPLETED') expect(codeOf(await tick(ACCOUNTS.pilot, done!.id, false))).toBe('CONFLICT');
    expect(await executionFingerprint(s)).toBe(before);
    // Asking for the state that already holds is accepted in any step status.
    expect(expectOk(await tick(ACCOUNTS.normalInTeam, open!.id, false)).changed).toBe(false);
    expect(await executionFingerprint(s)).toBe(before);
  });

  it('lets a pilot amend the checklist of a completed step, audited as such; a team member may not', async () => {
    const step = stepAt(s, 0, 0, 0);
    const [open] = await instructionsOf(s, step.id);
    await s.db.update(instructionInstances).set({ isCompleted: false, completedById: null, completedAt: null }).where(eq(instructionInstances.id, open!.id));
    await setStepStatus(s, step.id, 'COMPLETED');
    expect(codeOf(await tick(ACCOUNTS.normalInTeam, open!.id, true))).toBe('CONFLICT');
    expect(expectOk(await tick(ACCOUNTS.pilot, open!.id, true))).toMatchObject({ changed: true, isCompleted: true, completedById: s.users.pilot.id });
    const audits = await auditRows(s, open!.id);
    expect(audits.at(-1)!.details).toMatchObject({ afterCompletion: true });
  });

  it('lets the step teams, the instruction team, pilots and admins tick; refuses everyone else', async () => {
    const first = stepAt(s, 0, 0, 0);
    const second = stepAt(s, 0, 0, 1);
    await setStepStatus(s, [first.id, second.id], 'IN_PROGRESS');
    const [a1, a2] = await instructionsOf(s, first.id);
    const [b1, b2] = await instructionsOf(s, second.id);

    expect(codeOf(await tick(ACCOUNTS.normalOutside, a1!.id))).toBe('FORBIDDEN');
    // The impacted team belongs to the second step only.
    expect(codeOf(await tick(ACCOUNTS.normalImpacted, a1!.id))).toBe('FORBIDDEN');
    expect(codeOf(await tick(ACCOUNTS.normalImpacted, b1!.id))).toBe('OK');
    expect(codeOf(await tick(ACCOUNTS.normalInTeam, b2!.id))).toBe('OK');
    expect(codeOf(await tick(ACCOUNTS.pilot, a1!.id))).toBe('OK');
    expect(codeOf(await tick(ACCOUNTS.admin, a2!.id))).toBe('OK');
    expect(codeOf(await tick(ACCOUNTS.unknown, a2!.id, false))).toBe('UNKNOWN_USER');
    expect(codeOf(await tick(ACCOUNTS.inactive, a2!.id, false))).toBe('UNKNOWN_USER');

    // An instruction assigned to a team of its own may be ticked by that team.
    await s.db.update(masterInstructions).set({ teamId: s.teams.other }).where(eq(masterInstructions.id, a2!.masterInstructionId));
    try {
      expect(codeOf(await tick(ACCOUNTS.normalOutside, a2!.id, false))).toBe('OK');
      expect(codeOf(await tick(ACCOUNTS.normalOutside, a1!.id, false))).toBe('FORBIDDEN');
    } finally {
      await s.db.update(masterInstructions).set({ teamId: null }).where(eq(masterInstructions.id, a2!.masterInstructionId));
    }
  });

  it('checks permission before the step status, so outsiders learn nothing about the step', async () => {
    const step = stepAt(s, 0, 0, 0);
    await setStepStatus(s, step.id, 'COMPLETED');
    const [instruction] = await instructionsOf(s, step.id);
    expect(codeOf(await tick(ACCOUNTS.normalOutside, instruction!.id))).toBe('FORBIDDEN');
  });

  it('answers NOT_FOUND for an instruction that does not exist', async () => {
    const before = await executionFingerprint(s);
    expect(codeOf(await tick(ACCOUNTS.pilot, UNKNOWN_UUID))).toBe('NOT_FOUND');
    expect(await executionFingerprint(s)).toBe(before);
  });
});
