/**
 * The step status machine of a runsheet, and the execution rules checked when a step is started.
 * Permission to touch the step at all (team membership) is `canExecuteStep`, checked by the
 * service first; this module decides whether the move itself is allowed and what it changes.
 */

import { type Actor, canOverride } from '../access/permissions';
import { type Decision, refuse } from '../errors';
import { STEP_STATUSES, type StepStatus, statusLabel } from '../statuses';

/** Moves any user allowed on the step may make. */
export const STEP_TRANSITIONS: Readonly<Record<StepStatus, readonly StepStatus[]>> = {
  PENDING: ['TODO'],
  TODO: ['IN_PROGRESS', 'BLOCKED'],
  IN_PROGRESS: ['COMPLETED', 'FAILED', 'BLOCKED'],
  BLOCKED: ['TODO', 'IN_PROGRESS'],
  FAILED: ['IN_PROGRESS'],
  COMPLETED: [],
  CANCELLED: [],
};

/**
 * Moves for pilots and admins only: cancelling (it takes a step out of the run, which the team
 * cannot undo; a team member marks the step Blocked with the reason instead) and undoing a
 * finished outcome (reopen, restore).
 */
export const PILOT_ONLY_STEP_TRANSITIONS: Readonly<Record<StepStatus, readonly StepStatus[]>> = {
  PENDING: ['CANCELLED'],
  TODO: ['CANCELLED'],
  IN_PROGRESS: [],
  BLOCKED: ['CANCELLED'],
  FAILED: ['CANCELLED'],
  COMPLETED: ['IN_PROGRESS'],
  CANCELLED: ['TODO'],
};

/** Moves that need a reason, shown in the runsheet: why a step is blocked, failed or cancelled. */
export const REASON_REQUIRED: ReadonlySet<StepStatus> = new Set<StepStatus>(['BLOCKED', 'FAILED', 'CANCELLED']);

/** What the service needs before it makes a move: nothing, a reason, or a confirmation. */
export type TransitionAsk = 'reason' | 'confirmation';

/** True when the move exists in the status machine for somebody. */
export function isTransitionDefined(from: StepStatus, to: StepStatus): boolean {
  return STEP_TRANSITIONS[from].includes(to) || PILOT_ONLY_STEP_TRANSITIONS[from].includes(to);
}

/** True when only a pilot or an admin may make the move. */
export function isPilotOnlyTransition(from: StepStatus, to: StepStatus): boolean {
  return PILOT_ONLY_STEP_TRANSITIONS[from].includes(to);
}

/**
 * The moves to offer this actor, in status order. Predecessor and phase blocks are left out on
 * purpose: they depend on other rows and pilots may override them, so the UI offers the move and
 * shows the refusal (with its override option) from decideTransition.
 */
export function allowedTransitions(from: StepStatus, actor: Actor): StepStatus[] {
  const pilot = canOverride(actor);
  return STEP_STATUSES.filter(
    (to) => STEP_TRANSITIONS[from].includes(to) || (pilot && PILOT_ONLY_STEP_TRANSITIONS[from].includes(to)),
  );
}

export interface TransitionRequest {
  from: StepStatus;
  to: StepStatus;
  actor: Actor;
  /** Used in messages, e.g. TRT-010; "This step" when absent. */
  stepCode?: string | null;
  /**
   * Status of `sti_id_predecessor`; null when the step has no predecessor. Ignored when
   * `dependencies` is given (the full graph, which includes that predecessor).
   */
  predecessorStatus: StepStatus | null;
  /** The step's dependencies (FS/SS with lag); when given they replace `predecessorStatus`. */
  dependencies?: readonly DependencyState[];
  /** The time the lags are measured against; required when a dependency has a lag. */
  now?: Date;
  /** Code of the predecessor, named in the refusal. */
  predecessorCode?: string | null;
  /** Codes of the critical controls that block the step's phase (see phaseBlockers). */
  phaseBlockedBy: readonly string[];
  /** Whether `sti_start_time` is already set. */
  hasStartTime: boolean;
  /**
   * Present when the actor asks to override a block. Undefined means "no override asked": a
   * blocked start is then refused with CONFLICT (details.overridable tells the UI to offer one).
   */
  overrideReason?: string | null;
  /** The instructions of the step not ticked yet, as shown ("2. Verify the row counts"). */
  openInstructions?: readonly string[];
  /** Total instructions of the step, for "2 of 3". */
  instructionCount?: number;
  /** Why the step moves: required for BLOCKED, FAILED, CANCELLED and a pilot's completion with open instructions. */
  reason?: string | null;
  /** A team member's confirmation that the step is complete although instructions are open. */
  confirmOpenInstructions?: boolean;
}

export interface TransitionEffects {
  /** False when the step already has the requested status: nothing to write or audit. */
  changed: boolean;
  /** True when a block was overridden: the caller records `overrideReason` in the audit log. */
  override: boolean;
  /** The trimmed reason when override is true, otherwise null. */
  overrideReason: string | null;
  /** Set `sti_start_time` to now: the first time the step enters IN_PROGRESS. */
  setStartTime: boolean;
  /** Set `sti_end_time` to now: on COMPLETED and FAILED. */
  setEndTime: boolean;
  /** Clear `sti_end_time`: when a COMPLETED or FAILED step goes back to IN_PROGRESS. */
  clearEndTime: boolean;
  /** The dependencies an override let the step past, for the audit log. */
  overriddenDependencies?: DependencyState[];
  /** The trimmed reason of the move (stored on the step and audited), or null. */
  reason: string | null;
  /** Instructions left open when the step was completed (audited), empty otherwise. */
  completedWithOpen: readonly string[];
}

const NO_CHANGE: TransitionEffects = {
  changed: false,
  override: false,
  overrideReason: null,
  setStartTime: false,
  setEndTime: false,
  clearEndTime: false,
  reason: null,
  completedWithOpen: [],
};

function listLabels(statuses: readonly StepStatus[]): string {
  return statuses.map((status) => statusLabel(status)).join(', ');
}

/** One dependency of a step, as the start rule sees it. */
export interface DependencyState {
  code: string | null;
  status: StepStatus;
  kind: 'FS' | 'SS';
  lagMinutes: number;
  startedAt: Date | null;
  endedAt: Date | null;
}

/**
 * Why one dependency still holds the step back, or null when it is met. Finish-to-start: the
 * predecessor is completed (a cancelled one still blocks) and the lag has passed since its end;
 * start-to-start: the predecessor has started and the lag has passed since its start.
 */
export function unmetDependencyReason(dependency: DependencyState, now: Date): string | null {
  const name = dependency.code ? `its predecessor ${dependency.code}` : 'its predecessor step';
  const lag = dependency.lagMinutes;
  const since = (time: Date | null) => (time === null ? 0 : time.getTime() + lag * 60_000);
  if (dependency.kind === 'SS') {
    const started = dependency.startedAt !== null || dependency.status === 'COMPLETED';
    if (!started) return `${name} has started (it is ${statusLabel(dependency.status).toLowerCase()})`;
    if (lag > 0 && dependency.startedAt !== null && since(dependency.startedAt) > now.getTime()) return `${lag} minutes have passed since ${name} started`;
    return null;
  }
  if (dependency.status !== 'COMPLETED') return `${name} is completed (it is ${statusLabel(dependency.status).toLowerCase()})`;
  if (lag > 0 && dependency.endedAt !== null && since(dependency.endedAt) > now.getTime()) return `${lag} minutes have passed since ${name} finished`;
  return null;
}

/** Why a start is blocked, as one sentence, or null when nothing blocks it. */
function describeStartBlock(subject: string, request: TransitionRequest): string | null {
  const reasons: string[] = [];
  if (request.dependencies) {
    const now = request.now ?? new Date();
    for (const dependency of request.dependencies) {
      const reason = unmetDependencyReason(dependency, now);
      if (reason !== null) reasons.push(reason);
    }
  } else if (request.predecessorStatus !== null && request.predecessorStatus !== 'COMPLETED') {
    const predecessor = request.predecessorCode ? `its predecessor ${request.predecessorCode}` : 'its predecessor step';
    reasons.push(`${predecessor} is completed (it is ${statusLabel(request.predecessorStatus).toLowerCase()})`);
  }
  if (request.phaseBlockedBy.length > 0) {
    const plural = request.phaseBlockedBy.length > 1;
    reasons.push(
      `critical control${plural ? 's' : ''} ${request.phaseBlockedBy.join(', ')} of the previous phase ${plural ? 'have' : 'has'} passed`,
    );
  }
  return reasons.length === 0 ? null : `${subject} cannot start until ${reasons.join(' and ')}.`;
}

/**
 * Decides one step status change. Order of checks: no-op, unknown move (VALIDATION), pilot-only
 * move (FORBIDDEN), then, when entering IN_PROGRESS, the predecessor and previous-phase blocks
 * (CONFLICT, or an audited override by a pilot with a reason).
 */
export function decideTransition(request: TransitionRequest): Decision<TransitionEffects> {
  const { from, to, actor } = request;
  const subject = request.stepCode ? request.stepCode : 'This step';

  // A repeat of a move that already happened (double click, two people at once) changes nothing.
  if (from === to) return { ok: true, ...NO_CHANGE };

  if (!isTransitionDefined(from, to)) {
    const options = [...STEP_TRANSITIONS[from], ...PILOT_ONLY_STEP_TRANSITIONS[from]];
    const hint = options.length > 0 ? ` From ${statusLabel(from)} it can go to: ${listLabels(options)}.` : '';
    return refuse(
      'VALIDATION',
      `${subject} cannot move from ${statusLabel(from)} to ${statusLabel(to)}.${hint}`,
      { from, to },
    );
  }

  const pilot = canOverride(actor);
  if (isPilotOnlyTransition(from, to) && !pilot) {
    return refuse(
      'FORBIDDEN',
      `Only a pilot or an administrator can move ${subject === 'This step' ? 'a step' : subject} from ${statusLabel(from)} to ${statusLabel(to)}.`,
      { from, to },
    );
  }

  let override = false;
  let overrideReason: string | null = null;
  let overriddenDependencies: DependencyState[] = [];
  if (to === 'IN_PROGRESS') {
    const block = describeStartBlock(subject, request);
    if (block !== null) {
      const now = request.now ?? new Date();
      const unmet = (request.dependencies ?? []).filter((dependency) => unmetDependencyReason(dependency, now) !== null);
      const details = {
        from,
        to,
        predecessorCode: request.dependencies ? (unmet[0]?.code ?? null) : (request.predecessorCode ?? null),
        predecessorStatus: request.dependencies ? (unmet[0]?.status ?? null) : request.predecessorStatus,
        dependencies: unmet.map((dependency) => ({ code: dependency.code, status: dependency.status, kind: dependency.kind, lagMinutes: dependency.lagMinutes })),
        blockingControls: [...request.phaseBlockedBy],
        overridable: pilot,
      };
      const asked = request.overrideReason !== undefined && request.overrideReason !== null;
      if (!pilot) {
        return asked
          ? refuse('FORBIDDEN', `Only a pilot or an administrator can override this. ${block}`, details)
          : refuse('CONFLICT', `${block} A pilot can override this.`, details);
      }
      if (!asked) return refuse('CONFLICT', `${block} You can override this with a reason.`, details);
      const reason = request.overrideReason!.trim();
      if (reason === '') {
        return refuse('VALIDATION', 'Give a reason for the override; it is recorded in the audit log.', details);
      }
      override = true;
      overrideReason = reason;
      overriddenDependencies = unmet;
    }
  }

  const reason = request.reason?.trim() ? request.reason.trim() : null;
  if (REASON_REQUIRED.has(to) && reason === null) {
    return refuse('VALIDATION', `Give a reason for moving ${subject === 'This step' ? 'this step' : subject} to ${statusLabel(to)}; it is shown in the runsheet.`, {
      from,
      to,
      ask: 'reason' satisfies TransitionAsk,
    });
  }
  const open = request.openInstructions ?? [];
  const completingWithOpen = to === 'COMPLETED' && open.length > 0;
  if (completingWithOpen) {
    const total = request.instructionCount ?? open.length;
    const left = `${subject} still has ${open.length} of ${total} instruction${total === 1 ? '' : 's'} not ticked: ${open.join('; ').replace(/\.$/, '')}.`;
    if (pilot) {
      if (reason === null) return refuse('CONFLICT', `${left} Give a reason to complete it anyway.`, { from, to, ask: 'reason' satisfies TransitionAsk, openInstructions: [...open] });
    } else if (request.confirmOpenInstructions !== true) {
      return refuse('CONFLICT', `${left} Confirm that the step is complete anyway.`, { from, to, ask: 'confirmation' satisfies TransitionAsk, openInstructions: [...open] });
    }
  }

  return {
    ok: true,
    changed: true,
    override,
    overrideReason,
    // Kept only where a reason is asked for, so a stray one never shows as "why" in the runsheet.
    reason: REASON_REQUIRED.has(to) || (completingWithOpen && pilot) ? reason : null,
    completedWithOpen: to === 'COMPLETED' ? open : [],
    setStartTime: to === 'IN_PROGRESS' && !request.hasStartTime,
    setEndTime: to === 'COMPLETED' || to === 'FAILED',
    clearEndTime: to === 'IN_PROGRESS' && (from === 'COMPLETED' || from === 'FAILED'),
    ...(overriddenDependencies.length > 0 ? { overriddenDependencies } : {}),
  };
}
