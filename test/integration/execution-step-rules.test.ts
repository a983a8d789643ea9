import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import {
  auditRows,
  containerStatuses,
  executionFingerprint,
  controlRow,
  phaseAt,
  resetRunsheet,
  setControlStatus,
  setStepStatus,
  stepAt,
  stepRow,
  stepsOfPhase,
} from './execution-fixtures';
import { decodeRunsheet } from '../../src/resolvers/runsheet-wire';

/**
 * The rules around a step status change that depend on other rows: the predecessor, the previous
 * phase's critical control, the optimistic check, and the roll-ups of phase, sequence, plan and
 * iteration. Scenario layout (see test/helpers/scenario.ts): phases 0.0 and 1.0 carry a critical
 * control (C11, C21); phase 0.1's first step has no predecessor, so only C11 gates it.
 */
describe('steps/changeStatus: predecessors, phase gates, roll-ups', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());
  beforeEach(async () => {
    await resetRunsheet(s);
  });

  const start = (account: string, stepId: string, overrideReason?: string) =>
    s.call(account, 'steps/changeStatus', { stepId, toStatus: 'IN_PROGRESS', expectedStatus: 'TODO', ...(overrideReason === undefined ? {} : { overrideReason }) });
  const move = (account: string, stepId: string, expectedStatus: string, toStatus: string) =>
    // Every move carries what the weekend rules may ask for (a reason, the open-instruction confirmation).
    s.callRaw(account, 'steps/changeStatus', { stepId, expectedStatus, toStatus, reason: 'Test reason', confirmOpenInstructions: true });

  describe('predecessor', () => {
    it('refuses a team member starting a step whose predecessor is not completed, naming the predecessor', async () => {
      const first = stepAt(s, 0, 0, 0);
      const second = stepAt(s, 0, 0, 1);
      await setStepStatus(s, [first.id, second.id], 'TODO');
      const result = await start(ACCOUNTS.normalInTeam, second.id);
      expect(codeOf(result)).toBe('CONFLICT');
      expect(result.ok ? '' : result.error.message).toContain('TRT-010');
      expect(result.ok ? {} : result.error.details).toMatchObject({ predecessorCode: 'TRT-010', predecessorStatus: 'TODO', overridable: false });
      expect((await stepRow(s, second.id)).status).toBe('TODO');
      expect(await auditRows(s, second.id)).toHaveLength(0);
    });

    it('refuses a team member who asks for an override: only pilots override', async () => {
      const second = stepAt(s, 0, 0, 1);
      await setStepStatus(s, second.id, 'TODO');
      expect(codeOf(await start(ACCOUNTS.normalInTeam, second.id, 'We are late'))).toBe('FORBIDDEN');
      expect((await stepRow(s, second.id)).status).toBe('TODO');
    });

    it('tells a pilot the block can be overridden, and refuses an override without a reason', async () => {
      const second = stepAt(s, 0, 0, 1);
      await setStepStatus(s, second.id, 'TODO');
      const asked = await start(ACCOUNTS.pilot, second.id);
      expect(codeOf(asked)).toBe('CONFLICT');
      expect(asked.ok ? {} : asked.error.details).toMatchObject({ overridable: true });
      expect(codeOf(await start(ACCOUNTS.pilot, second.id, ''))).toBe('VALIDATION');
      expect(codeOf(await start(ACCOUNTS.pilot, second.id, '   '))).toBe('VALIDATION');
      expect((await stepRow(s, second.id)).status).toBe('TODO');
      expect(await auditRows(s, second.id)).toHaveLength(0);
    });

    it('lets a pilot override with a reason, recorded with what was overridden in the audit row', async () => {
      const first = stepAt(s, 0, 0, 0);
      const second = stepAt(s, 0, 0, 1);
      await setStepStatus(s, [first.id, second.id], 'TODO');
      const result = expectOk(await start(ACCOUNTS.pilot, second.id, '  Predecessor done off-line  '));
      expect(result.changed).toBe(true);
      expect(result.overridden).toBe(true);
      expect(result.step.status.name).toBe('IN_PROGRESS');
      const [audit] = await auditRows(s, second.id, 'STEP_STATUS_CHANGED');
      expect(audit!.userId).toBe(s.users.pilot.id);
      expect(audit!.details).toMatchObject({
        by: 'PIL',
        before: { status: 'TODO' },
        after: { status: 'IN_PROGRESS' },
        overrideReason: 'Predecessor done off-line',
        overridden: { predecessor: { stepId: first.id, code: 'TRT-010', status: 'TODO' }, phaseGate: [] },
      });
    });

    it('lets a team member start once the predecessor is completed, without any override in the audit', async () => {
      const first = stepAt(s, 0, 0, 0);
      const second = stepAt(s, 0, 0, 1);
      await setStepStatus(s, first.id, 'COMPLETED');
      await setStepStatus(s, second.id, 'TODO');
      const result = expectOk(await start(ACCOUNTS.normalImpacted, second.id));
      expect(result.overridden).toBe(false);
      const [audit] = await auditRows(s, second.id, 'STEP_STATUS_CHANGED');
      expect(audit!.details).not.toHaveProperty('overrideReason');
      expect(audit!.details).not.toHaveProperty('overridden');
    });

    it('keeps a cancelled predecessor blocking (only COMPLETED unblocks)', async () => {
      const first = stepAt(s, 0, 0, 0);
      const second = stepAt(s, 0, 0, 1);
      await setStepStatus(s, first.id, 'CANCELLED');
      await setStepStatus(s, second.id, 'TODO');
      expect(codeOf(await start(ACCOUNTS.normalInTeam, second.id))).toBe('CONFLICT');
    });
  });

  describe('critical control of the previous phase', () => {
    it('blocks the next phase: team members are refused, naming the control', async () => {
      const gated = stepAt(s, 0, 1, 0);
      expect(gated.predecessorId).toBeNull();
      await setStepStatus(s, gated.id, 'TODO');
      const result = await start(ACCOUNTS.normalInTeam, gated.id);
      expect(codeOf(result)).toBe('CONFLICT');
      expect(result.ok ? '' : result.error.message).toContain('C11');
      expect(result.ok ? {} : result.error.details).toMatchObject({ blockingControls: ['C11'], overridable: false });
      expect((await stepRow(s, gated.id)).status).toBe('TODO');
    });

    it('lets a pilot override the gate with a reason, audited as a phase-gate override', async () => {
      const gated = stepAt(s, 0, 1, 0);
      await setStepStatus(s, gated.id, 'TODO');
      expect(codeOf(await start(ACCOUNTS.pilot, gated.id))).toBe('CONFLICT');
      const result = expectOk(await start(ACCOUNTS.admin, gated.id, 'Business accepted the risk'));
      expect(result.overridden).toBe(true);
      const [audit] = await auditRows(s, gated.id, 'STEP_STATUS_CHANGED');
      expect(audit!.details).toMatchObject({ overrideReason: 'Business accepted the risk', overridden: { predecessor: null, phaseGate: ['C11'] } });
    });

    it('does not gate the first phase of the next sequence (gates stop at the sequence boundary)', async () => {
      const next = stepAt(s, 1, 0, 0);
      await setStepStatus(s, stepAt(s, 0, 1, 2).id, 'COMPLETED');
      await setStepStatus(s, next.id, 'TODO');
      expectOk(await start(ACCOUNTS.normalInTeam, next.id));
    });

    it('counts a cancelled (waived) critical control as open', async () => {
      const gated = stepAt(s, 0, 1, 0);
      await setStepStatus(s, gated.id, 'TODO');
      await setControlStatus(s, phaseAt(s, 0, 0).criticalControlId!, 'CANCELLED');
      expectOk(await start(ACCOUNTS.normalInTeam, gated.id));
    });

    it('keeps the phase from completing until its critical control passed, then the validators pass it and the next phase opens', async () => {
      const phase = phaseAt(s, 0, 0);
      const steps = stepsOfPhase(s, 0, 0);
      expect(steps).toHaveLength(2);
      await setStepStatus(s, steps[0]!.id, 'COMPLETED');
      await setStepStatus(s, steps[1]!.id, 'IN_PROGRESS');
      const done = expectOk(await move(ACCOUNTS.normalImpacted, steps[1]!.id, 'IN_PROGRESS', 'COMPLETED')) as { phase: { status: { name: string } } };
      expect(done.phase.status.name).toBe('IN_PROGRESS');
      expect((await containerStatuses(s, phase.id)).phase).toBe('IN_PROGRESS');

      const gated = stepAt(s, 0, 1, 0);
      await setStepStatus(s, gated.id, 'TODO');
      expect(codeOf(await start(ACCOUNTS.normalInTeam, gated.id))).toBe('CONFLICT');

      const controlId = phase.criticalControlId!;
      const it = expectOk(await s.call(ACCOUNTS.itValidator, 'controls/recordVerdict', { controlId, verdict: 'PASSED', expectedStatus: 'TODO' }));
      expect(it.control.status.name).toBe('TODO');
      expect(it.phase.status.name).toBe('IN_PROGRESS');
      const biz = expectOk(await s.call(ACCOUNTS.bizValidator, 'controls/recordVerdict', { controlId, verdict: 'PASSED', expectedStatus: 'TODO' }));
      expect(biz.control.status.name).toBe('PASSED');
      expect(biz.phase.status.name).toBe('COMPLETED');
      expect((await containerStatuses(s, phase.id)).phase).toBe('COMPLETED');
      expect((await controlRow(s, controlId)).status).toBe('PASSED');

      const opened = expectOk(await start(ACCOUNTS.normalInTeam, gated.id));
      expect(opened.step.status.name).toBe('IN_PROGRESS');
    });

    it('re-opens a completed phase when its critical control fails afterwards', async () => {
      const phase = phaseAt(s, 0, 0);
      await setStepStatus(s, stepsOfPhase(s, 0, 0).map((step) => step.id), 'COMPLETED');
      await setControlStatus(s, phase.criticalControlId!, 'TODO');
      const passed = expectOk(await s.call(ACCOUNTS.pilot, 'controls/recordVerdict', { controlId: phase.criticalControlId!, slot: 'IT', verdict: 'PASSED', expectedStatus: 'TODO' }));
      expect(passed.control.status.name).toBe('TODO');
      // Four eyes: a second person signs the other slot.
      const both = expectOk(await s.call(ACCOUNTS.admin, 'controls/recordVerdict', { controlId: phase.criticalControlId!, slot: 'BIZ', verdict: 'PASSED', expectedStatus: 'TODO' }));
      expect(both.phase.status.name).toBe('COMPLETED');
      const failed = expectOk(await s.call(ACCOUNTS.bizValidator, 'controls/recordVerdict', { controlId: phase.criticalControlId!, verdict: 'FAILED', comment: 'Reconciliation off by 3', expectedStatus: 'PASSED' }));
      expect(failed.control.status.name).toBe('FAILED');
      expect(failed.phase.status.name).toBe('IN_PROGRESS');
    });
  });

  describe('roll-ups', () => {
    it('starting a step puts its phase, sequence, plan and iteration in progress and stamps the plan start', async () => {
      const first = stepAt(s, 0, 0, 0);
      await setStepStatus(s, first.id, 'TODO');
      const before = await containerStatuses(s, first.phaseId);
      expect(before).toMatchObject({ phase: 'PLANNING', sequence: 'PLANNING', plan: 'PLANNING', iteration: 'PLANNING', planStart: null });
      const result = expectOk(await start(ACCOUNTS.normalInTeam, first.id));
      expect(result.phase.status.name).toBe('IN_PROGRESS');
      expect(result.sequence.status.name).toBe('IN_PROGRESS');
      expect(result.plan.status.name).toBe('IN_PROGRESS');
      expect(result.iteration.status.name).toBe('IN_PROGRESS');
      expect(new Date(result.plan.startTime!).getTime()).toBeGreaterThan(0);
      const after = await containerStatuses(s, first.phaseId);
      expect(after).toMatchObject({ phase: 'IN_PROGRESS', sequence: 'IN_PROGRESS', plan: 'IN_PROGRESS', iteration: 'IN_PROGRESS', planEnd: null });
      expect(after.planStart).toBeInstanceOf(Date);
      // The roll-up is part of the step's one audit row.
      const [audit] = await auditRows(s, first.id, 'STEP_STATUS_CHANGED');
      expect((audit!.details as { rolledUp: Array<{ kind: string; after: string }> }).rolledUp.map((c) => `${c.kind}:${c.after}`).sort()).toEqual([
        'Iteration:IN_PROGRESS',
        'Phase:IN_PROGRESS',
        'Plan:IN_PROGRESS',
        'Sequence:IN_PROGRESS',
      ]);
    });

    it('releasing steps (PENDING to TODO) does not start anything', async () => {
      const first = stepAt(s, 0, 0, 0);
      const result = expectOk(await move(ACCOUNTS.normalInTeam, first.id, 'PENDING', 'TODO')) as { phase: { status: { name: string } } };
      expect(result.phase.status.name).toBe('PLANNING');
      expect((await containerStatuses(s, first.phaseId)).plan).toBe('PLANNING');
    });

    it('completes a phase without a critical control when its last step completes', async () => {
      const steps = stepsOfPhase(s, 0, 1);
      expect(phaseAt(s, 0, 1).criticalControlId).toBeNull();
      await setStepStatus(s, steps.slice(0, 2).map((step) => step.id), 'COMPLETED');
      await setStepStatus(s, steps[2]!.id, 'IN_PROGRESS');
      const result = expectOk(await move(ACCOUNTS.normalInTeam, steps[2]!.id, 'IN_PROGRESS', 'COMPLETED')) as {
        phase: { status: { name: string } };
        sequence: { status: { name: string } };
      };
      expect(result.phase.status.name).toBe('COMPLETED');
      // Phase 0.0 is not done, so the sequence is still running.
      expect(result.sequence.status.name).toBe('IN_PROGRESS');
    });

    it('counts cancelled steps as done, and completes everything up to the iteration once every gate passed', async () => {
      const all = s.steps.map((step) => step.id);
      const last = stepAt(s, 1, 1, 2);
      await setStepStatus(s, all.filter((id) => id !== last.id), 'COMPLETED');
      await setStepStatus(s, stepAt(s, 1, 1, 0).id, 'CANCELLED');
      await setStepStatus(s, last.id, 'IN_PROGRESS');
      for (const phase of s.phases) {
        if (phase.criticalControlId) {
          await s.call(ACCOUNTS.itValidator, 'controls/recordVerdict', { controlId: phase.criticalControlId, verdict: 'PASSED', expectedStatus: 'TODO' });
          await s.call(ACCOUNTS.bizValidator, 'controls/recordVerdict', { controlId: phase.criticalControlId, verdict: 'PASSED', expectedStatus: 'TODO' });
        }
      }
      const result = expectOk(await move(ACCOUNTS.normalInTeam, last.id, 'IN_PROGRESS', 'COMPLETED')) as {
        phase: { status: { name: string } };
        sequence: { status: { name: string } };
        plan: { status: { name: string }; endTime: string | null };
        iteration: { status: { name: string } };
      };
      expect(result.phase.status.name).toBe('COMPLETED');
      expect(result.sequence.status.name).toBe('COMPLETED');
      expect(result.plan.status.name).toBe('COMPLETED');
      expect(result.iteration.status.name).toBe('COMPLETED');
      const stored = await containerStatuses(s, last.phaseId);
      expect(stored).toMatchObject({ phase: 'COMPLETED', sequence: 'COMPLETED', plan: 'COMPLETED', iteration: 'COMPLETED' });
      expect(stored.planEnd).toBeInstanceOf(Date);

      // A pilot reopening the last step reopens everything above it and clears the plan's end.
      const reopened = expectOk(await move(ACCOUNTS.pilot, last.id, 'COMPLETED', 'IN_PROGRESS')) as { plan: { status: { name: string }; endTime: string | null } };
      expect(reopened.plan.status.name).toBe('IN_PROGRESS');
      expect(reopened.plan.endTime).toBeNull();
      expect(await containerStatuses(s, last.phaseId)).toMatchObject({ phase: 'IN_PROGRESS', sequence: 'IN_PROGRESS', plan: 'IN_PROGRESS', iteration: 'IN_PROGRESS' });
    });

    it('keeps a sequence open while a critical control of one of its phases has not passed', async () => {
      await setStepStatus(s, stepsOfPhase(s, 0, 0).map((step) => step.id), 'COMPLETED');
      const steps = stepsOfPhase(s, 0, 1);
      await setStepStatus(s, steps.slice(0, 2).map((step) => step.id), 'COMPLETED');
      await setStepStatus(s, steps[2]!.id, 'IN_PROGRESS');
      const result = expectOk(await move(ACCOUNTS.normalInTeam, steps[2]!.id, 'IN_PROGRESS', 'COMPLETED')) as {
        phase: { status: { name: string } };
        sequence: { status: { name: string } };
      };
      expect(result.phase.status.name).toBe('COMPLETED');
      expect(result.sequence.status.name).toBe('IN_PROGRESS');
    });
  });

  describe('times and optimistic concurrency', () => {
    it('sets the start time on the first start only, the end time on completion, and clears it on reopening', async () => {
      const first = stepAt(s, 0, 0, 0);
      await setStepStatus(s, first.id, 'TODO');
      const started = expectOk(await start(ACCOUNTS.normalInTeam, first.id));
      const startTime = started.step.startTime;
      expect(typeof startTime).toBe('string');
      expect(started.step.endTime).toBeNull();
      expect(started.step.updatedBy).toBe('NIN');
      const blocked = expectOk(await move(ACCOUNTS.normalInTeam, first.id, 'IN_PROGRESS', 'BLOCKED')) as { step: { startTime: string } };
      expect(blocked.step.startTime).toEqual(startTime);
      expectOk(await move(ACCOUNTS.normalInTeam, first.id, 'BLOCKED', 'IN_PROGRESS'));
      const completed = expectOk(await move(ACCOUNTS.normalInTeam, first.id, 'IN_PROGRESS', 'COMPLETED')) as { step: { startTime: string; endTime: string } };
      expect(completed.step.startTime).toEqual(startTime);
      expect(typeof completed.step.endTime).toBe('string');
      const reopened = expectOk(await move(ACCOUNTS.pilot, first.id, 'COMPLETED', 'IN_PROGRESS')) as { step: { startTime: string; endTime: string | null } };
      expect(reopened.step.startTime).toEqual(startTime);
      expect(reopened.step.endTime).toBeNull();
      const row = await stepRow(s, first.id);
      expect(row.startTime!.toISOString()).toBe(startTime);
      expect(row.updatedBy).toBe('PIL');
    });

    it('refuses a change based on a stale status with CONFLICT, naming the current status, and writes nothing', async () => {
      const first = stepAt(s, 0, 0, 0);
      await setStepStatus(s, first.id, 'IN_PROGRESS');
      const result = await s.call(ACCOUNTS.normalInTeam, 'steps/changeStatus', { stepId: first.id, expectedStatus: 'TODO', toStatus: 'IN_PROGRESS' });
      expect(codeOf(result)).toBe('CONFLICT');
      expect(result.ok ? '' : result.error.message).toMatch(/changed by someone else.*in progress/);
      expect(result.ok ? {} : result.error.details).toEqual({ currentStatus: 'IN_PROGRESS' });
      expect(await auditRows(s, first.id)).toHaveLength(0);
    });

    it('accepts a repeat of a move that already happened as a no-op, without an audit row', async () => {
      const first = stepAt(s, 0, 0, 0);
      await setStepStatus(s, first.id, 'IN_PROGRESS');
      const result = expectOk(await s.call(ACCOUNTS.normalInTeam, 'steps/changeStatus', { stepId: first.id, expectedStatus: 'IN_PROGRESS', toStatus: 'IN_PROGRESS' }));
      expect(result.changed).toBe(false);
      expect(result.step.status.name).toBe('IN_PROGRESS');
      expect(await auditRows(s, first.id)).toHaveLength(0);
    });
  });

  describe('steps/allowedTransitions', () => {
    it('offers a team member the moves of the status machine, with the block and no override on a gated start', async () => {
      const second = stepAt(s, 0, 0, 1);
      await setStepStatus(s, second.id, 'TODO');
      const result = expectOk(await s.call(ACCOUNTS.normalImpacted, 'steps/allowedTransitions', { stepId: second.id }));
      expect(result.status).toBe('TODO');
      expect(result.canExecute).toBe(true);
      expect(result.transitions.map((t) => t.status)).toEqual(['IN_PROGRESS', 'BLOCKED']);
      const startOption = result.transitions.find((t) => t.status === 'IN_PROGRESS')!;
      expect(startOption.blocked).toMatchObject({ overridable: false });
      expect(startOption.blocked!.message).toContain('TRT-010');
      expect(result.transitions.find((t) => t.status === 'BLOCKED')!.blocked).toBeNull();
      expect(startOption.color).toMatch(/^#[0-9A-F]{6}$/i);
    });

    it('offers pilots the reopening moves and overridable blocks', async () => {
      const first = stepAt(s, 0, 0, 0);
      await setStepStatus(s, first.id, 'COMPLETED');
      const pilotView = expectOk(await s.call(ACCOUNTS.pilot, 'steps/allowedTransitions', { stepId: first.id }));
      expect(pilotView.transitions.map((t) => t.status)).toEqual(['IN_PROGRESS']);
      const memberView = expectOk(await s.call(ACCOUNTS.normalInTeam, 'steps/allowedTransitions', { stepId: first.id }));
      expect(memberView.transitions).toEqual([]);

      const gated = stepAt(s, 0, 1, 0);
      await setStepStatus(s, gated.id, 'TODO');
      const gatedView = expectOk(await s.call(ACCOUNTS.pilot, 'steps/allowedTransitions', { stepId: gated.id }));
      expect(gatedView.transitions.find((t) => t.status === 'IN_PROGRESS')!.blocked).toMatchObject({ overridable: true });
    });

    it('offers nothing to users outside the step teams, refuses unknown users, and writes no audit', async () => {
      const first = stepAt(s, 0, 0, 0);
      await setStepStatus(s, first.id, 'TODO');
      const outside = expectOk(await s.call(ACCOUNTS.normalOutside, 'steps/allowedTransitions', { stepId: first.id }));
      expect(outside).toMatchObject({ canExecute: false, transitions: [], status: 'TODO' });
      expect(codeOf(await s.call(ACCOUNTS.unknown, 'steps/allowedTransitions', { stepId: first.id }))).toBe('UNKNOWN_USER');
      expect(codeOf(await s.call(ACCOUNTS.inactive, 'steps/allowedTransitions', { stepId: first.id }))).toBe('UNKNOWN_USER');
      expect(await auditRows(s, first.id)).toHaveLength(0);
    });
  });

  describe('reasons, cancelling and open instructions (issue 11)', () => {
    const raw = (account: string, stepId: string, expectedStatus: string, toStatus: string, extra: Record<string, unknown> = {}) =>
      s.callRaw(account, 'steps/changeStatus', { stepId, expectedStatus, toStatus, ...extra });

    it('asks a reason for Blocked and Failed, refuses a missing or over-long one without a change, and shows it in the runsheet', async () => {
      const step = stepAt(s, 0, 0, 0);
      await setStepStatus(s, step.id, 'IN_PROGRESS');
      const before = await executionFingerprint(s);
      const missing = await raw(ACCOUNTS.normalInTeam, step.id, 'IN_PROGRESS', 'BLOCKED');
      expect(codeOf(missing)).toBe('VALIDATION');
      expect(missing.ok ? '' : missing.error.message).toBe(`Give a reason for moving ${step.code} to Blocked; it is shown in the runsheet.`);
      expect(codeOf(await raw(ACCOUNTS.normalInTeam, step.id, 'IN_PROGRESS', 'FAILED', { reason: '   ' }))).toBe('VALIDATION');
      expect(codeOf(await raw(ACCOUNTS.normalInTeam, step.id, 'IN_PROGRESS', 'BLOCKED', { reason: 'x'.repeat(2001) }))).toBe('VALIDATION');
      expect(await executionFingerprint(s)).toBe(before);

      expectOk(await raw(ACCOUNTS.normalInTeam, step.id, 'IN_PROGRESS', 'BLOCKED', { reason: '  Waiting for the DBA  ' }));
      expect(await stepRow(s, step.id)).toMatchObject({ status: 'BLOCKED', statusReason: 'Waiting for the DBA' });
      const [audit] = await auditRows(s, step.id, 'STEP_STATUS_CHANGED');
      expect(audit!.details).toMatchObject({ reason: 'Waiting for the DBA' });
      const runsheet = decodeRunsheet(expectOk(await s.call(ACCOUNTS.normalOutside, 'runsheet/get', { iterationId: s.iterationId })));
      const row = runsheet.planInstances[0]!.sequences[0]!.phases[0]!.steps.find((candidate) => candidate.id === step.id)!;
      expect(row.statusReason).toBe('Waiting for the DBA');
      // Moving on clears the reason.
      expectOk(await raw(ACCOUNTS.normalInTeam, step.id, 'BLOCKED', 'IN_PROGRESS'));
      expect((await stepRow(s, step.id)).statusReason).toBeNull();
    });

    it('lets only a pilot or an administrator cancel, with a reason', async () => {
      const step = stepAt(s, 0, 0, 0);
      await setStepStatus(s, step.id, 'TODO');
      const before = await executionFingerprint(s);
      const member = await raw(ACCOUNTS.normalInTeam, step.id, 'TODO', 'CANCELLED', { reason: 'Not needed' });
      expect(codeOf(member)).toBe('FORBIDDEN');
      expect(codeOf(await raw(ACCOUNTS.pilot, step.id, 'TODO', 'CANCELLED'))).toBe('VALIDATION');
      expect(await executionFingerprint(s)).toBe(before);
      const transitions = expectOk(await s.call(ACCOUNTS.pilot, 'steps/allowedTransitions', { stepId: step.id }));
      expect(transitions.transitions.find((option) => option.status === 'CANCELLED')!.needs).toMatchObject({ ask: 'reason' });
      expectOk(await raw(ACCOUNTS.pilot, step.id, 'TODO', 'CANCELLED', { reason: 'Not part of this rehearsal' }));
      expect(await stepRow(s, step.id)).toMatchObject({ status: 'CANCELLED', statusReason: 'Not part of this rehearsal', updatedBy: s.users.pilot.code });
    });

    it('asks a team member to confirm completing with open instructions (named), a pilot for a reason; both audited', async () => {
      const step = stepAt(s, 0, 0, 0);
      await setStepStatus(s, step.id, 'IN_PROGRESS');
      const before = await executionFingerprint(s);
      const offered = expectOk(await s.call(ACCOUNTS.normalInTeam, 'steps/allowedTransitions', { stepId: step.id }));
      expect(offered.transitions.find((option) => option.status === 'COMPLETED')!.needs).toMatchObject({ ask: 'confirmation' });
      const unconfirmed = await raw(ACCOUNTS.normalInTeam, step.id, 'IN_PROGRESS', 'COMPLETED');
      expect(codeOf(unconfirmed)).toBe('CONFLICT');
      expect(unconfirmed.ok ? '' : unconfirmed.error.message).toMatch(new RegExp(`^${step.code} still has 2 of 2 instructions not ticked: 1\\. .+; 2\\. .+\\. Confirm that the step is complete anyway\\.$`));
      const pilotAsked = await raw(ACCOUNTS.pilot, step.id, 'IN_PROGRESS', 'COMPLETED', { confirmOpenInstructions: true });
      expect(codeOf(pilotAsked)).toBe('CONFLICT');
      expect(pilotAsked.ok ? '' : pilotAsked.error.message).toContain('Give a reason to complete it anyway.');
      expect(await executionFingerprint(s)).toBe(before);

      expectOk(await raw(ACCOUNTS.normalInTeam, step.id, 'IN_PROGRESS', 'COMPLETED', { confirmOpenInstructions: true }));
      const [audit] = await auditRows(s, step.id, 'STEP_STATUS_CHANGED');
      expect(audit!.details).toMatchObject({ confirmed: true, openInstructions: [expect.stringMatching(/^1\. /), expect.stringMatching(/^2\. /)] });

      const other = stepAt(s, 0, 0, 1);
      await setStepStatus(s, other.id, 'IN_PROGRESS');
      expectOk(await raw(ACCOUNTS.pilot, other.id, 'IN_PROGRESS', 'COMPLETED', { reason: 'Done off-line, see the bridge log' }));
      const [pilotAudit] = await auditRows(s, other.id, 'STEP_STATUS_CHANGED');
      expect(pilotAudit!.details).toMatchObject({ reason: 'Done off-line, see the bridge log', openInstructions: expect.any(Array) });
    });
  });
});
