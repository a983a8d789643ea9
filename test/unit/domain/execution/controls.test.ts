import {
  type ControlGate,
  type ControlVerdicts,
  type PhaseGate,
  type Verdict,
  VERDICTS,
  blockingCriticalControls,
  canCompletePhase,
  controlStatusFromVerdicts,
  decideVerdict,
  phaseBlockers,
} from '../../../../src/domain/execution/controls';
import type { ControlStatus } from '../../../../src/domain/statuses';
import { actor, admin, normal, pilot } from '../actors';

const IT = 101;
const BIZ = 102;
const V: (Verdict | null)[] = [null, ...VERDICTS];

function expectedStatus(c: ControlVerdicts): string {
  // Written from the rules, case by case, rather than mirroring the implementation.
  if (c.itVerdict === 'REJECTED' || c.bizVerdict === 'REJECTED') return 'FAILED';
  const itNeeded = c.itValidatorId !== null;
  const bizNeeded = c.bizValidatorId !== null;
  if (!itNeeded && !bizNeeded) return c.itVerdict === 'APPROVED' || c.bizVerdict === 'APPROVED' ? 'PASSED' : 'TODO';
  const itOk = !itNeeded || c.itVerdict === 'APPROVED';
  const bizOk = !bizNeeded || c.bizVerdict === 'APPROVED';
  return itOk && bizOk ? 'PASSED' : 'TODO';
}

describe('controlStatusFromVerdicts: every assignment x verdict combination', () => {
  const cases: ControlVerdicts[] = [];
  for (const itValidatorId of [IT, null]) {
    for (const bizValidatorId of [BIZ, null]) {
      for (const itVerdict of V) {
        for (const bizVerdict of V) cases.push({ itValidatorId, bizValidatorId, itVerdict, bizVerdict });
      }
    }
  }

  it('covers 36 combinations', () => expect(cases).toHaveLength(36));

  it.each(cases)('%o', (control) => {
    expect(controlStatusFromVerdicts(control)).toBe(expectedStatus(control));
  });
});

describe('controlStatusFromVerdicts: the rules in words', () => {
  it('passes when both assigned validators approved', () => {
    expect(controlStatusFromVerdicts({ itValidatorId: IT, bizValidatorId: BIZ, itVerdict: 'APPROVED', bizVerdict: 'APPROVED' })).toBe('PASSED');
  });

  it('waits for the second assigned validator', () => {
    expect(controlStatusFromVerdicts({ itValidatorId: IT, bizValidatorId: BIZ, itVerdict: 'APPROVED', bizVerdict: null })).toBe('TODO');
  });

  it('fails on the first rejection, even before the other validator signs', () => {
    expect(controlStatusFromVerdicts({ itValidatorId: IT, bizValidatorId: BIZ, itVerdict: null, bizVerdict: 'REJECTED' })).toBe('FAILED');
    expect(controlStatusFromVerdicts({ itValidatorId: IT, bizValidatorId: BIZ, itVerdict: 'REJECTED', bizVerdict: 'APPROVED' })).toBe('FAILED');
  });

  it('does not require an unassigned slot', () => {
    expect(controlStatusFromVerdicts({ itValidatorId: IT, bizValidatorId: null, itVerdict: 'APPROVED', bizVerdict: null })).toBe('PASSED');
  });

  it('does not let a verdict in an unassigned slot stand in for the assigned validator', () => {
    expect(controlStatusFromVerdicts({ itValidatorId: IT, bizValidatorId: null, itVerdict: null, bizVerdict: 'APPROVED' })).toBe('TODO');
  });

  it('passes a control without validators on a single approval', () => {
    expect(controlStatusFromVerdicts({ itValidatorId: null, bizValidatorId: null, itVerdict: null, bizVerdict: null })).toBe('TODO');
    expect(controlStatusFromVerdicts({ itValidatorId: null, bizValidatorId: null, itVerdict: null, bizVerdict: 'APPROVED' })).toBe('PASSED');
  });
});

describe('decideVerdict', () => {
  const control = {
    status: 'TODO' as ControlStatus,
    code: 'CTL-07',
    itValidatorId: normal.userId,
    bizValidatorId: BIZ,
    itVerdict: null,
    bizVerdict: null,
  };

  it('records the assigned validator verdict and derives the new status', () => {
    expect(decideVerdict({ actor: normal, control, slot: 'IT', verdict: 'APPROVED' })).toEqual({
      ok: true,
      changed: true,
      itVerdict: 'APPROVED',
      bizVerdict: null,
      status: 'TODO',
    });
    const biz = actor({ userId: BIZ });
    expect(decideVerdict({ actor: biz, control: { ...control, itVerdict: 'APPROVED' }, slot: 'BIZ', verdict: 'APPROVED' })).toMatchObject({
      ok: true,
      status: 'PASSED',
    });
  });

  it('refuses the other slot to a validator', () => {
    const decision = decideVerdict({ actor: normal, control, slot: 'BIZ', verdict: 'APPROVED' });
    if (decision.ok) throw new Error('expected a refusal');
    expect(decision.error.code).toBe('FORBIDDEN');
    expect(decision.error.message).toBe(
      'Only the assigned business validator, a pilot or an administrator can sign control CTL-07 as business validator.',
    );
  });

  it('refuses users who are not validators', () => {
    expect(decideVerdict({ actor: actor({ userId: 55 }), control, slot: 'IT', verdict: 'APPROVED' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('lets a pilot or admin sign either slot on behalf of the validator', () => {
    expect(decideVerdict({ actor: pilot, control, slot: 'BIZ', verdict: 'REJECTED' })).toMatchObject({ ok: true, status: 'FAILED' });
    expect(
      decideVerdict({ actor: admin, control: { ...control, itValidatorId: null, bizValidatorId: null }, slot: 'IT', verdict: 'APPROVED' }),
    ).toMatchObject({ ok: true, status: 'PASSED' });
  });

  it('lets a validator withdraw a rejection once the problem is fixed', () => {
    const failed = { ...control, status: 'FAILED' as ControlStatus, itVerdict: 'REJECTED' as Verdict, bizVerdict: 'APPROVED' as Verdict };
    expect(decideVerdict({ actor: normal, control: failed, slot: 'IT', verdict: 'APPROVED' })).toMatchObject({
      ok: true,
      changed: true,
      status: 'PASSED',
    });
  });

  it('treats a repeated verdict as a no-op', () => {
    const signed = { ...control, itVerdict: 'APPROVED' as Verdict };
    expect(decideVerdict({ actor: normal, control: signed, slot: 'IT', verdict: 'APPROVED' })).toMatchObject({ ok: true, changed: false });
  });

  it('refuses verdicts on a cancelled control', () => {
    const decision = decideVerdict({ actor: pilot, control: { ...control, status: 'CANCELLED' }, slot: 'IT', verdict: 'APPROVED' });
    if (decision.ok) throw new Error('expected a refusal');
    expect(decision.error.code).toBe('CONFLICT');
    expect(decision.error.message).toBe('Control CTL-07 was cancelled; it takes no more verdicts.');
    const unnamed = decideVerdict({ actor: pilot, control: { ...control, code: null, status: 'CANCELLED' }, slot: 'IT', verdict: 'APPROVED' });
    if (unnamed.ok) throw new Error('expected a refusal');
    expect(unnamed.error.message).toBe('This control was cancelled; it takes no more verdicts.');
  });
});

describe('critical controls and phase completion', () => {
  const gate = (code: string, critical: boolean, status: ControlStatus): ControlGate => ({ code, critical, status });

  it.each([
    ['no controls', [], true],
    ['a passed critical control', [gate('C1', true, 'PASSED')], true],
    ['a waived (cancelled) critical control', [gate('C1', true, 'CANCELLED')], true],
    ['a critical control to do', [gate('C1', true, 'TODO')], false],
    ['a failed critical control', [gate('C1', true, 'FAILED')], false],
    ['a failed non-critical control', [gate('C1', false, 'FAILED')], true],
    ['a mix', [gate('C1', true, 'PASSED'), gate('C2', false, 'TODO'), gate('C3', true, 'FAILED')], false],
  ] as [string, ControlGate[], boolean][])('%s', (_name, controls, completable) => {
    expect(canCompletePhase(controls)).toBe(completable);
  });

  it('lists the blocking codes in control order', () => {
    expect(
      blockingCriticalControls([gate('C3', true, 'TODO'), gate('C1', true, 'PASSED'), gate('C2', true, 'FAILED'), gate('C4', false, 'TODO')]),
    ).toEqual(['C3', 'C2']);
  });
});

describe('phaseBlockers', () => {
  const open = (code: string): ControlGate => ({ code, critical: true, status: 'TODO' });
  const passed = (code: string): ControlGate => ({ code, critical: true, status: 'PASSED' });
  const phase = (id: string, order: number, controls: ControlGate[] = [], predecessorId: string | null = null): PhaseGate => ({
    id,
    order,
    predecessorId,
    controls,
  });

  it('blocks the next phase in order with the critical controls not passed', () => {
    const result = phaseBlockers([phase('p1', 1, [open('C1'), passed('C2'), { code: 'C3', critical: false, status: 'FAILED' }]), phase('p2', 2), phase('p3', 3)]);
    expect(result).toEqual(
      new Map([
        ['p1', []],
        ['p2', ['C1']],
        ['p3', []],
      ]),
    );
  });

  it('uses the order, not the position in the list, and skips gaps in numbering', () => {
    const result = phaseBlockers([phase('p3', 30), phase('p1', 10, [open('C1')]), phase('p2', 20, [open('C2')])]);
    expect(result.get('p1')).toEqual([]);
    expect(result.get('p2')).toEqual(['C1']);
    expect(result.get('p3')).toEqual(['C2']);
  });

  it('follows an explicit predecessor instead of the order', () => {
    const result = phaseBlockers([phase('p1', 1, [open('C1')]), phase('p2', 2, [open('C2')]), phase('p3', 3, [], 'p1')]);
    expect(result.get('p2')).toEqual(['C1']);
    expect(result.get('p3')).toEqual(['C1']);
  });

  it('falls back to the order when the predecessor is missing from the list or is the phase itself', () => {
    const result = phaseBlockers([phase('p1', 1, [open('C1')]), phase('p2', 2, [], 'elsewhere'), phase('p3', 3, [], 'p3')]);
    expect(result.get('p2')).toEqual(['C1']);
    expect(result.get('p3')).toEqual([]);
  });

  it('is not transitive: a phase waits only for the gate right before it', () => {
    const result = phaseBlockers([phase('p1', 1, [open('C1')]), phase('p2', 2, [passed('C2')]), phase('p3', 3)]);
    expect(result.get('p3')).toEqual([]);
  });

  it('returns an empty map for no phases', () => {
    expect(phaseBlockers([])).toEqual(new Map());
  });
});
