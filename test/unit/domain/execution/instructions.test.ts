import { checkInstructionToggle } from '../../../../src/domain/execution/instructions';
import { STEP_STATUSES } from '../../../../src/domain/statuses';

describe('checkInstructionToggle', () => {
  it('ticks and unticks while the step is in progress', () => {
    expect(checkInstructionToggle({ stepStatus: 'IN_PROGRESS', isCompleted: false, complete: true })).toEqual({ ok: true, changed: true });
    expect(checkInstructionToggle({ stepStatus: 'IN_PROGRESS', isCompleted: true, complete: false })).toEqual({ ok: true, changed: true });
  });

  it.each(STEP_STATUSES)('accepts a repeat as a no-op while the step is %s', (stepStatus) => {
    expect(checkInstructionToggle({ stepStatus, isCompleted: true, complete: true })).toEqual({ ok: true, changed: false });
    expect(checkInstructionToggle({ stepStatus, isCompleted: false, complete: false })).toEqual({ ok: true, changed: false });
  });

  it.each(STEP_STATUSES.filter((status) => status !== 'IN_PROGRESS'))('refuses a change while the step is %s', (stepStatus) => {
    for (const complete of [true, false]) {
      const decision = checkInstructionToggle({ stepStatus, isCompleted: !complete, complete });
      if (decision.ok) throw new Error('expected a refusal');
      expect(decision.error.code).toBe('CONFLICT');
      expect(decision.error.details).toEqual({ stepStatus });
    }
  });

  it('says why, naming the step (pilots may amend a completed step)', () => {
    const done = checkInstructionToggle({ stepStatus: 'COMPLETED', isCompleted: false, complete: true, stepCode: 'TRT-010' });
    const todo = checkInstructionToggle({ stepStatus: 'TODO', isCompleted: true, complete: false });
    if (done.ok || todo.ok) throw new Error('expected refusals');
    expect(done.error.message).toBe('Instructions can only be completed while the step is in progress (after completion, by a pilot or an administrator); TRT-010 is completed.');
    expect(checkInstructionToggle({ stepStatus: 'COMPLETED', isCompleted: false, complete: true, mayAmendCompleted: true })).toEqual({ ok: true, changed: true, afterCompletion: true });
    expect(checkInstructionToggle({ stepStatus: 'CANCELLED', isCompleted: false, complete: true, mayAmendCompleted: true }).ok).toBe(false);
    expect(todo.error.message).toBe('Instructions can only be reopened while the step is in progress; this step is to do.');
  });

  it('lets 200 concurrent completions of one instruction end with exactly one change', () => {
    // The service re-reads the row under lock for each request; only the first one sees it open.
    let isCompleted = false;
    let changes = 0;
    for (let request = 0; request < 200; request++) {
      const decision = checkInstructionToggle({ stepStatus: 'IN_PROGRESS', isCompleted, complete: true });
      expect(decision.ok).toBe(true);
      if (decision.ok && decision.changed) {
        changes += 1;
        isCompleted = true;
      }
    }
    expect(changes).toBe(1);
  });
});
