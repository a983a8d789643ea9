/**
 * Controls are the quality gates of a phase, signed off by an IT and a business validator.
 * Their status is derived from the verdicts, never set by hand (except cancelling, a pilot's waiver).
 */

import {
  type Actor,
  type ControlValidators,
  type ValidatorSlot,
  canValidateControl,
} from '../access/permissions';
import { type Decision, refuse } from '../errors';
import { type ControlStatus } from '../statuses';

export const VERDICTS = ['APPROVED', 'REJECTED'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface ControlVerdicts extends ControlValidators {
  itVerdict: Verdict | null;
  bizVerdict: Verdict | null;
}

/**
 * One rejection fails the control at once, so the pilot sees the problem before the other
 * validator signs. Otherwise it passes when every assigned slot approved; unassigned slots are
 * not required. With no validator assigned, any approval (only a pilot or admin can record one)
 * passes it. A verdict in an unassigned slot never stands in for an assigned validator.
 */
export function controlStatusFromVerdicts(control: ControlVerdicts): Exclude<ControlStatus, 'CANCELLED'> {
  const { itValidatorId, bizValidatorId, itVerdict, bizVerdict } = control;
  if (itVerdict === 'REJECTED' || bizVerdict === 'REJECTED') return 'FAILED';
  const assigned: (Verdict | null)[] = [];
  if (itValidatorId !== null) assigned.push(itVerdict);
  if (bizValidatorId !== null) assigned.push(bizVerdict);
  if (assigned.length === 0) return itVerdict === 'APPROVED' || bizVerdict === 'APPROVED' ? 'PASSED' : 'TODO';
  return assigned.every((verdict) => verdict === 'APPROVED') ? 'PASSED' : 'TODO';
}

export interface VerdictRequest {
  actor: Actor;
  control: ControlVerdicts & { status: ControlStatus; code?: string | null };
  slot: ValidatorSlot;
  verdict: Verdict;
}

export interface VerdictEffects {
  /** False when the slot already holds this verdict: nothing to write or audit. */
  changed: boolean;
  itVerdict: Verdict | null;
  bizVerdict: Verdict | null;
  /** The control status to store. */
  status: Exclude<ControlStatus, 'CANCELLED'>;
}

/**
 * Records one verdict. A validator may change their verdict later (a rejection is withdrawn
 * once the problem is fixed), so only a cancelled control refuses new verdicts.
 */
export function decideVerdict(request: VerdictRequest): Decision<VerdictEffects> {
  const { actor, control, slot, verdict } = request;
  const name = control.code ? `control ${control.code}` : 'this control';
  const slotName = slot === 'IT' ? 'IT' : 'business';
  if (!canValidateControl(actor, control).includes(slot)) {
    return refuse('FORBIDDEN', `Only the assigned ${slotName} validator, a pilot or an administrator can sign ${name} as ${slotName} validator.`, {
      slot,
    });
  }
  if (control.status === 'CANCELLED') {
    return refuse('CONFLICT', `${name.charAt(0).toUpperCase()}${name.slice(1)} was cancelled; it takes no more verdicts.`, { slot });
  }
  const next: ControlVerdicts = {
    itValidatorId: control.itValidatorId,
    bizValidatorId: control.bizValidatorId,
    itVerdict: slot === 'IT' ? verdict : control.itVerdict,
    bizVerdict: slot === 'BIZ' ? verdict : control.bizVerdict,
  };
  const previous = slot === 'IT' ? control.itVerdict : control.bizVerdict;
  return {
    ok: true,
    changed: previous !== verdict,
    itVerdict: next.itVerdict,
    bizVerdict: next.bizVerdict,
    status: controlStatusFromVerdicts(next),
  };
}

/** Who signed each slot (`cti_it_verdict_by`, `cti_biz_verdict_by`); null when nobody did. */
export interface ControlSigners {
  itSignedById: number | null;
  bizSignedById: number | null;
}

export const otherSlot = (slot: ValidatorSlot): ValidatorSlot => (slot === 'IT' ? 'BIZ' : 'IT');

/**
 * Four eyes: the slot the user already signed on the other side, when signing `slot` would make
 * them the signer of both; null when the other slot is unsigned or signed by someone else. A
 * pilot or administrator may still sign it with a reason (the service asks and stores it).
 */
export function fourEyesConflict(signers: ControlSigners, slot: ValidatorSlot, userId: number): ValidatorSlot | null {
  const other = otherSlot(slot);
  const otherSigner = other === 'IT' ? signers.itSignedById : signers.bizSignedById;
  return otherSigner !== null && otherSigner === userId ? other : null;
}

/** Four eyes at assignment: one person may not be assigned to both slots of a control. */
export function sameValidatorInBothSlots(validators: ControlValidators): boolean {
  return validators.itValidatorId !== null && validators.itValidatorId === validators.bizValidatorId;
}

/** What the phase rules need to know about a control. */
export interface ControlGate {
  /** `cti_code` (or the name when there is no code): named in refusals. */
  code: string;
  critical: boolean;
  status: ControlStatus;
}

/**
 * The critical controls still holding a gate shut. A cancelled control is a waiver decided by a
 * pilot, so it no longer blocks; otherwise a gate nobody can pass could stop a cutover for good.
 */
export function blockingCriticalControls(controls: readonly ControlGate[]): string[] {
  return controls
    .filter((control) => control.critical && control.status !== 'PASSED' && control.status !== 'CANCELLED')
    .map((control) => control.code);
}

/** A phase may only be COMPLETED once its critical controls passed (or were waived). */
export function canCompletePhase(controls: readonly ControlGate[]): boolean {
  return blockingCriticalControls(controls).length === 0;
}

export interface PhaseGate {
  id: string;
  /** `phi_order`; phases without an explicit predecessor follow the previous one in this order. */
  order: number;
  /** `predecessor_phi_id`. */
  predecessorId: string | null;
  controls: readonly ControlGate[];
}

/**
 * For each phase of ONE sequence, the critical controls of its previous phase that stop its
 * steps from starting. The previous phase is the explicit predecessor when set (and present in
 * the list and not the phase itself), otherwise the phase with the nearest lower order. Blocks are not transitive: a phase
 * only waits for the gate right before it, which itself cannot open before earlier gates do
 * (without a pilot override). Every phase id is a key; unblocked phases map to [].
 */
export function phaseBlockers(phases: readonly PhaseGate[]): Map<string, string[]> {
  const byId = new Map(phases.map((phase) => [phase.id, phase]));
  const byOrder = [...phases].sort((a, b) => a.order - b.order);
  const result = new Map<string, string[]>();
  for (const phase of phases) {
    const explicit = phase.predecessorId !== null && phase.predecessorId !== phase.id ? byId.get(phase.predecessorId) : undefined;
    const previous = explicit ?? byOrder.filter((candidate) => candidate.order < phase.order).at(-1);
    result.set(phase.id, previous ? blockingCriticalControls(previous.controls) : []);
  }
  return result;
}
