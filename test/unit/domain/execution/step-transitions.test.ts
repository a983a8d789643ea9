import type { Actor } from '../../../../src/domain/access/permissions';
import {
  type TransitionRequest,
  allowedTransitions,
  decideTransition,
  REASON_REQUIRED,
  isPilotOnlyTransition,
  isTransitionDefined,
} from '../../../../src/domain/execution/step-transitions';
import { STEP_STATUSES, type StepStatus } from '../../../../src/domain/statuses';
import { admin, flaggedAdmin, normal, pilot } from '../actors';

/**
 * The status machine written out by hand, independent of the implementation's tables.
 * Columns follow STEP_STATUSES: PENDING TODO IN_PROGRESS COMPLETED FAILED BLOCKED CANCELLED.
 * '=' same status, 'A' anyone allowed on the step, 'P' pilots and admins only, '.' no such move.
 */
const MACHINE: Record<StepStatus, string> = {
  PENDING: '=A....P',
  TODO: '.=A..AP',
  IN_PROGRESS: '..=AAA.',
  COMPLETED: '..P=...',
  FAILED: '..A.=.P',
  BLOCKED: '.AA..=P',
  CANCELLED: '.P....=',
};

function cell(from: StepStatus, to: StepStatus): string {
  return MACHINE[from][STEP_STATUSES.indexOf(to)]!;
}

function request(from: StepStatus, to: StepStatus, who: Actor, extra: Partial<TransitionRequest> = {}): TransitionRequest {
  // Blocked, Failed and Cancelled need a reason; the reason rules have their own tests below.
  const reason = REASON_REQUIRED.has(to) ? 'Because.' : undefined;
  return { from, to, actor: who, predecessorStatus: null, phaseBlockedBy: [], hasStartTime: false, reason, ...extra };
}

const ROLES: [string, Actor, boolean][] = [
  ['NORMAL (in the step team)', normal, false],
  ['PILOT', pilot, true],
  ['ADMIN', admin, true],
  ['usr_is_admin', flaggedAdmin, true],
];

const PAIRS = STEP_STATUSES.flatMap((from) => STEP_STATUSES.map((to) => [from, to] as const));

describe('the hand-written machine', () => {
  it('is the one in the rules', () => {
    const defined = PAIRS.filter(([from, to]) => ['A', 'P'].includes(cell(from, to)));
    expect(defined).toHaveLength(15);
  });
});

describe.each(ROLES)('every from/to pair for %s', (_name, who, isPilot) => {
  it.each(PAIRS)('%s -> %s', (from, to) => {
    const expected = cell(from, to);
    const decision = decideTransition(request(from, to, who));
    if (expected === '=') {
      expect(decision).toEqual({
        ok: true,
        changed: false,
        override: false,
        overrideReason: null,
        setStartTime: false,
        setEndTime: false,
        clearEndTime: false,
        reason: null,
        completedWithOpen: [],
      });
    } else if (expected === '.') {
      expect(decision.ok).toBe(false);
      if (decision.ok) return;
      expect(decision.error.code).toBe('VALIDATION');
      expect(decision.error.details).toEqual({ from, to });
    } else if (expected === 'P' && !isPilot) {
      expect(decision.ok).toBe(false);
      if (decision.ok) return;
      expect(decision.error.code).toBe('FORBIDDEN');
      expect(decision.error.message).toMatch(/^Only a pilot or an administrator/);
    } else {
      expect(decision).toEqual({
        ok: true,
        changed: true,
        override: false,
        overrideReason: null,
        setStartTime: to === 'IN_PROGRESS',
        setEndTime: to === 'COMPLETED' || to === 'FAILED',
        clearEndTime: to === 'IN_PROGRESS' && (from === 'COMPLETED' || from === 'FAILED'),
        reason: REASON_REQUIRED.has(to) ? 'Because.' : null,
        completedWithOpen: [],
      });
    }
  });

  it('offers exactly the allowed moves', () => {
    for (const from of STEP_STATUSES) {
      const expected = STEP_STATUSES.filter((to) => cell(from, to) === 'A' || (isPilot && cell(from, to) === 'P'));
      expect(allowedTransitions(from, who)).toEqual(expected);
    }
  });
});

describe('machine helpers', () => {
  it.each(PAIRS)('%s -> %s', (from, to) => {
    expect(isTransitionDefined(from, to)).toBe(['A', 'P'].includes(cell(from, to)));
    expect(isPilotOnlyTransition(from, to)).toBe(cell(from, to) === 'P');
  });
});

describe('messages', () => {
  it('names both statuses and the step when a move does not exist', () => {
    const decision = decideTransition(request('COMPLETED', 'PENDING', pilot, { stepCode: 'TRT-010' }));
    expect(decision.ok).toBe(false);
    if (decision.ok) return;
    expect(decision.error.message).toBe('TRT-010 cannot move from Completed to Pending. From Completed it can go to: In progress.');
  });

  it('speaks of "this step" without a code', () => {
    const decision = decideTransition(request('PENDING', 'COMPLETED', normal));
    if (decision.ok) throw new Error('expected a refusal');
    expect(decision.error.message).toBe('This step cannot move from Pending to Completed. From Pending it can go to: To do, Cancelled.');
  });

  it('explains who may reopen', () => {
    const decision = decideTransition(request('CANCELLED', 'TODO', normal, { stepCode: 'PRE-002' }));
    if (decision.ok) throw new Error('expected a refusal');
    expect(decision.error.message).toBe('Only a pilot or an administrator can move PRE-002 from Cancelled to To do.');
  });
});

describe('start and end times', () => {
  it('sets the start time only on the first start', () => {
    const first = decideTransition(request('TODO', 'IN_PROGRESS', normal, { hasStartTime: false }));
    const again = decideTransition(request('BLOCKED', 'IN_PROGRESS', normal, { hasStartTime: true }));
    expect(first).toMatchObject({ ok: true, setStartTime: true });
    expect(again).toMatchObject({ ok: true, setStartTime: false, clearEndTime: false });
  });

  it('clears the end time when a finished step is resumed, keeping the first start', () => {
    expect(decideTransition(request('COMPLETED', 'IN_PROGRESS', pilot, { hasStartTime: true }))).toMatchObject({
      ok: true,
      setStartTime: false,
      setEndTime: false,
      clearEndTime: true,
    });
    expect(decideTransition(request('FAILED', 'IN_PROGRESS', normal, { hasStartTime: true }))).toMatchObject({
      ok: true,
      clearEndTime: true,
    });
  });

  it('sets the end time on completion and on failure, never on cancellation', () => {
    expect(decideTransition(request('IN_PROGRESS', 'COMPLETED', normal, { hasStartTime: true }))).toMatchObject({ setEndTime: true });
    expect(decideTransition(request('IN_PROGRESS', 'FAILED', normal, { hasStartTime: true }))).toMatchObject({ setEndTime: true });
    expect(decideTransition(request('BLOCKED', 'CANCELLED', pilot, { hasStartTime: true }))).toMatchObject({
      ok: true,
      setEndTime: false,
      clearEndTime: false,
    });
  });
});

/** Every way into IN_PROGRESS, so the start rules are checked on each of them. */
const STARTS: [StepStatus, Actor][] = [
  ['TODO', normal],
  ['BLOCKED', normal],
  ['FAILED', normal],
  ['COMPLETED', pilot],
];

describe('predecessor rule', () => {
  it.each(STARTS)('lets %s -> In progress through when there is no predecessor or it is completed', (from, who) => {
    expect(decideTransition(request(from, 'IN_PROGRESS', who, { predecessorStatus: null }))).toMatchObject({ ok: true, override: false });
    expect(decideTransition(request(from, 'IN_PROGRESS', who, { predecessorStatus: 'COMPLETED' }))).toMatchObject({
      ok: true,
      override: false,
    });
  });

  const unfinished = STEP_STATUSES.filter((status) => status !== 'COMPLETED');

  it.each(unfinished)('refuses a NORMAL start while the predecessor is %s, naming it', (predecessorStatus) => {
    for (const [from] of STARTS.filter(([, who]) => who === normal)) {
      const decision = decideTransition(
        request(from, 'IN_PROGRESS', normal, { stepCode: 'TRT-020', predecessorStatus, predecessorCode: 'TRT-010' }),
      );
      if (decision.ok) throw new Error('expected a refusal');
      expect(decision.error.code).toBe('CONFLICT');
      expect(decision.error.message).toContain('TRT-020 cannot start until its predecessor TRT-010 is completed');
      expect(decision.error.message).toContain('A pilot can override this.');
      expect(decision.error.details).toMatchObject({ predecessorCode: 'TRT-010', predecessorStatus, overridable: false });
    }
  });

  it('says which status the predecessor is in, and copes without its code', () => {
    const decision = decideTransition(request('TODO', 'IN_PROGRESS', normal, { predecessorStatus: 'IN_PROGRESS' }));
    if (decision.ok) throw new Error('expected a refusal');
    expect(decision.error.message).toBe(
      'This step cannot start until its predecessor step is completed (it is in progress). A pilot can override this.',
    );
  });

  it('does not apply to moves other than starting', () => {
    for (const [from, to] of [
      ['PENDING', 'TODO'],
      ['TODO', 'BLOCKED'],
      ['TODO', 'CANCELLED'],
      ['IN_PROGRESS', 'COMPLETED'],
    ] as const) {
      expect(decideTransition(request(from, to, pilot, { predecessorStatus: 'PENDING', phaseBlockedBy: ['CTL-1'] }))).toMatchObject({
        ok: true,
        override: false,
      });
    }
  });

  it.each([pilot, admin, flaggedAdmin])('tells a pilot or admin (%#) they may override, without overriding', (who) => {
    const decision = decideTransition(request('TODO', 'IN_PROGRESS', who, { predecessorStatus: 'TODO', predecessorCode: 'TRT-010' }));
    if (decision.ok) throw new Error('expected a refusal');
    expect(decision.error.code).toBe('CONFLICT');
    expect(decision.error.message).toContain('You can override this with a reason.');
    expect(decision.error.details).toMatchObject({ overridable: true });
  });

  it.each(STARTS.map(([from]) => from))('lets a pilot override from %s with a reason, trimmed for the audit log', (from) => {
    const decision = decideTransition(
      request(from, 'IN_PROGRESS', pilot, { predecessorStatus: 'FAILED', overrideReason: '  Vendor confirmed by phone ' }),
    );
    expect(decision).toMatchObject({ ok: true, changed: true, override: true, overrideReason: 'Vendor confirmed by phone' });
  });

  it.each(['', '   ', '\n\t'])('refuses an override with the empty reason %j', (overrideReason) => {
    const decision = decideTransition(request('TODO', 'IN_PROGRESS', admin, { predecessorStatus: 'TODO', overrideReason }));
    if (decision.ok) throw new Error('expected a refusal');
    expect(decision.error.code).toBe('VALIDATION');
    expect(decision.error.message).toBe('Give a reason for the override; it is recorded in the audit log.');
  });

  it('refuses an override asked by a NORMAL user', () => {
    const decision = decideTransition(request('TODO', 'IN_PROGRESS', normal, { predecessorStatus: 'TODO', overrideReason: 'Trust me' }));
    if (decision.ok) throw new Error('expected a refusal');
    expect(decision.error.code).toBe('FORBIDDEN');
    expect(decision.error.message).toMatch(/^Only a pilot or an administrator can override this\. This step cannot start/);
  });

  it('ignores a reason when nothing blocks the start', () => {
    expect(decideTransition(request('TODO', 'IN_PROGRESS', pilot, { overrideReason: 'Just in case' }))).toMatchObject({
      ok: true,
      override: false,
      overrideReason: null,
    });
    expect(decideTransition(request('TODO', 'IN_PROGRESS', normal, { overrideReason: 'Just in case' }))).toMatchObject({
      ok: true,
      override: false,
    });
  });

  it('treats a null reason as "no override asked"', () => {
    const decision = decideTransition(request('TODO', 'IN_PROGRESS', pilot, { predecessorStatus: 'TODO', overrideReason: null }));
    if (decision.ok) throw new Error('expected a refusal');
    expect(decision.error.code).toBe('CONFLICT');
  });
});

describe('blocked phase rule', () => {
  it('refuses a start while a critical control of the previous phase has not passed', () => {
    const decision = decideTransition(request('TODO', 'IN_PROGRESS', normal, { stepCode: 'TRT-030', phaseBlockedBy: ['CTL-07'] }));
    if (decision.ok) throw new Error('expected a refusal');
    expect(decision.error.code).toBe('CONFLICT');
    expect(decision.error.message).toBe(
      'TRT-030 cannot start until critical control CTL-07 of the previous phase has passed. A pilot can override this.',
    );
    expect(decision.error.details).toMatchObject({ blockingControls: ['CTL-07'], overridable: false });
  });

  it('names every blocking control', () => {
    const decision = decideTransition(request('BLOCKED', 'IN_PROGRESS', normal, { phaseBlockedBy: ['CTL-07', 'CTL-08'] }));
    if (decision.ok) throw new Error('expected a refusal');
    expect(decision.error.message).toContain('critical controls CTL-07, CTL-08 of the previous phase have passed');
  });

  it('names the predecessor and the controls together', () => {
    const decision = decideTransition(
      request('TODO', 'IN_PROGRESS', normal, {
        stepCode: 'TRT-030',
        predecessorStatus: 'BLOCKED',
        predecessorCode: 'TRT-020',
        phaseBlockedBy: ['CTL-07'],
      }),
    );
    if (decision.ok) throw new Error('expected a refusal');
    expect(decision.error.message).toBe(
      'TRT-030 cannot start until its predecessor TRT-020 is completed (it is blocked) and critical control CTL-07 of the previous phase has passed. A pilot can override this.',
    );
  });

  it.each([pilot, admin])('lets a pilot or admin (%#) override it with a reason', (who) => {
    expect(decideTransition(request('TODO', 'IN_PROGRESS', who, { phaseBlockedBy: ['CTL-07'] }))).toMatchObject({
      ok: false,
    });
    expect(decideTransition(request('TODO', 'IN_PROGRESS', who, { phaseBlockedBy: ['CTL-07'], overrideReason: '' }))).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(
      decideTransition(
        request('TODO', 'IN_PROGRESS', who, { phaseBlockedBy: ['CTL-07'], predecessorStatus: 'TODO', overrideReason: 'Go/No-Go call' }),
      ),
    ).toMatchObject({ ok: true, override: true, overrideReason: 'Go/No-Go call', setStartTime: true });
  });

  it('refuses a NORMAL user even with a reason', () => {
    expect(
      decideTransition(request('TODO', 'IN_PROGRESS', normal, { phaseBlockedBy: ['CTL-07'], overrideReason: 'Please' })),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('order of checks', () => {
  it('reports a non-existent move before any block', () => {
    expect(
      decideTransition(request('PENDING', 'IN_PROGRESS', pilot, { predecessorStatus: 'TODO', phaseBlockedBy: ['C'], overrideReason: 'x' })),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { from: 'PENDING', to: 'IN_PROGRESS' } } });
  });

  it('reports a pilot-only move before the predecessor', () => {
    expect(decideTransition(request('COMPLETED', 'IN_PROGRESS', normal, { predecessorStatus: 'TODO' }))).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('treats a repeat as a no-op even when the step would now be blocked', () => {
    expect(
      decideTransition(request('IN_PROGRESS', 'IN_PROGRESS', normal, { predecessorStatus: 'TODO', phaseBlockedBy: ['C'] })),
    ).toMatchObject({ ok: true, changed: false, override: false });
  });
});

describe('reasons and the instruction checklist (issue 11)', () => {
  it.each(['BLOCKED', 'FAILED'] as const)('asks anyone moving a step to %s for a reason, and keeps it trimmed', (to) => {
    for (const reason of [undefined, '', '   ']) {
      const decision = decideTransition(request('IN_PROGRESS', to, normal, { stepCode: 'TRT-010', reason }));
      if (decision.ok) throw new Error('expected a refusal');
      expect(decision.error.code).toBe('VALIDATION');
      expect(decision.error.message).toBe(`Give a reason for moving TRT-010 to ${to === 'BLOCKED' ? 'Blocked' : 'Failed'}; it is shown in the runsheet.`);
      expect(decision.error.details).toMatchObject({ ask: 'reason' });
    }
    expect(decideTransition(request('IN_PROGRESS', to, normal, { reason: '  Database down  ' }))).toMatchObject({ ok: true, reason: 'Database down' });
  });

  it('lets only a pilot or an administrator cancel, with a reason', () => {
    const member = decideTransition(request('TODO', 'CANCELLED', normal, { stepCode: 'TRT-010' }));
    if (member.ok) throw new Error('expected a refusal');
    expect(member.error.code).toBe('FORBIDDEN');
    expect(member.error.message).toBe('Only a pilot or an administrator can move TRT-010 from To do to Cancelled.');
    expect(allowedTransitions('TODO', normal)).not.toContain('CANCELLED');
    const noReason = decideTransition(request('TODO', 'CANCELLED', pilot, { reason: undefined }));
    expect(noReason).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(decideTransition(request('TODO', 'CANCELLED', pilot, { reason: 'Not needed this run' }))).toMatchObject({ ok: true, reason: 'Not needed this run' });
  });

  const open = ['2. Verify row counts', '3. Tell the bridge'];

  it('asks a team member to confirm completing with open instructions, naming them', () => {
    const decision = decideTransition(request('IN_PROGRESS', 'COMPLETED', normal, { stepCode: 'TRT-010', openInstructions: open, instructionCount: 3 }));
    if (decision.ok) throw new Error('expected a refusal');
    expect(decision.error.code).toBe('CONFLICT');
    expect(decision.error.message).toBe(
      'TRT-010 still has 2 of 3 instructions not ticked: 2. Verify row counts; 3. Tell the bridge. Confirm that the step is complete anyway.',
    );
    expect(decision.error.details).toMatchObject({ ask: 'confirmation', openInstructions: open });
    expect(decideTransition(request('IN_PROGRESS', 'COMPLETED', normal, { openInstructions: open, instructionCount: 3, confirmOpenInstructions: true }))).toMatchObject({
      ok: true,
      completedWithOpen: open,
    });
  });

  it('asks a pilot for a reason instead of a confirmation', () => {
    const asked = decideTransition(request('IN_PROGRESS', 'COMPLETED', pilot, { openInstructions: open, instructionCount: 3, confirmOpenInstructions: true }));
    if (asked.ok) throw new Error('expected a refusal');
    expect(asked.error.details).toMatchObject({ ask: 'reason' });
    expect(asked.error.message).toContain('Give a reason to complete it anyway.');
    expect(decideTransition(request('IN_PROGRESS', 'COMPLETED', pilot, { openInstructions: open, instructionCount: 3, reason: 'Done off-line' }))).toMatchObject({
      ok: true,
      reason: 'Done off-line',
      completedWithOpen: open,
    });
  });

  it('completes without asking when every instruction is ticked', () => {
    expect(decideTransition(request('IN_PROGRESS', 'COMPLETED', normal, { openInstructions: [], instructionCount: 3 }))).toMatchObject({ ok: true, reason: null, completedWithOpen: [] });
  });
});
