import { and, asc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { controlInstances, instructionInstances, masterInstructions, masterSteps, phaseInstances, statuses, stepInstances } from '../../db/schema';
import { type Actor, type StepTeams, canExecuteStep } from '../../domain/access/permissions';
import { type ControlGate, type PhaseGate, phaseBlockers } from '../../domain/execution/controls';
import { formatStepCode } from '../../domain/execution/step-code';
import { type TransitionAsk, allowedTransitions, decideTransition } from '../../domain/execution/step-transitions';
import { domainError } from '../../domain/errors';
import {
  STEP_STATUSES,
  STEP_STATUS_ID,
  type StepStatus,
  controlStatusFromId,
  statusLabel,
  stepStatusFromId,
} from '../../domain/statuses';
import { readStepInstanceDependencies } from '../../db/repositories/dependencies';
import type { DependencyState } from '../../domain/execution/step-transitions';
import { recordAudit } from '../audit';
import { assertRunWritable } from '../planning/plan-lifecycle';
import { enqueueNotification } from '../notifications/enqueue';
import type { ServiceContext } from '../context';
import { type ContainerStatuses, type StatusView, readContainerStatuses, syncRollUps, toIso } from './rollup-sync';

const stepStatus = z.enum(STEP_STATUSES);

export const changeStepStatusInput = z.strictObject({
  stepId: z.uuid(),
  toStatus: stepStatus,
  /** The status the user saw; a different current status means someone else moved the step. */
  expectedStatus: stepStatus,
  /** Asks a pilot's override of a predecessor or phase-gate block; recorded in the audit log. */
  overrideReason: z.string().max(2000, 'The override reason is too long; keep it under 2,000 characters.').optional(),
  /** Why: needed for Blocked, Failed, Cancelled and a pilot's completion with open instructions; shown in the runsheet. */
  reason: z.string().max(2000, 'The reason is too long; keep it under 2,000 characters.').optional(),
  /** A team member confirms completing the step although instructions are not ticked. */
  confirmOpenInstructions: z.boolean().optional(),
});
export type ChangeStepStatusInput = z.output<typeof changeStepStatusInput>;

export const allowedStepTransitionsInput = z.strictObject({ stepId: z.uuid() });
export type AllowedStepTransitionsInput = z.output<typeof allowedStepTransitionsInput>;

const STEP_NOT_FOUND = 'That step does not exist (it may have been removed).';

/** Everything the step rules need to know about one step instance. */
interface StepFacts {
  id: string;
  code: string | null;
  statusId: number;
  hasStartTime: boolean;
  phaseId: string;
  sequenceId: string;
  teams: StepTeams;
  predecessorId: string | null;
  predecessorStatusId: number | null;
  predecessorCode: string | null;
}

/** TRT-010, or null when the master's type or number cannot make a code. */
export function stepCodeOf(typeCode: string | null, number: number | null): string | null {
  if (typeCode === null || number === null) return null;
  try {
    return formatStepCode(typeCode, number);
  } catch {
    return null;
  }
}

const predecessor = alias(stepInstances, 'predecessor');
const predecessorMaster = alias(masterSteps, 'predecessor_master');

/**
 * Loads a step with its teams and its predecessor. With `lock`, the step row is locked for the
 * rest of the transaction: concurrent changes of one step queue here and each then sees the
 * status the previous one committed, and instruction ticks (which hold the step FOR SHARE) wait.
 * NO KEY UPDATE rather than UPDATE: the step's key never changes, so comments and instructions
 * that merely reference the step (KEY SHARE for their foreign key) are not held up.
 */
async function loadStep(tx: DbOrTx, stepId: string, lock: boolean): Promise<StepFacts> {
  const query = tx
    .select({
      id: stepInstances.id,
      statusId: stepInstances.statusId,
      startTime: stepInstances.startTime,
      phaseId: stepInstances.phaseId,
      sequenceId: phaseInstances.sequenceId,
      predecessorId: stepInstances.predecessorId,
      typeCode: masterSteps.stepTypeCode,
      number: masterSteps.number,
      ownerTeamId: masterSteps.ownerTeamId,
      impactedTeamIds: sql<number[]>`coalesce((SELECT array_agg(t.tms_id ORDER BY t.tms_id) FROM steps_master_stm_x_teams_tms_impacted t WHERE t.stm_id = ${stepInstances.masterStepId}), '{}')`,
      predecessorStatusId: predecessor.statusId,
      predecessorTypeCode: predecessorMaster.stepTypeCode,
      predecessorNumber: predecessorMaster.number,
    })
    .from(stepInstances)
    .innerJoin(masterSteps, eq(masterSteps.id, stepInstances.masterStepId))
    .innerJoin(phaseInstances, eq(phaseInstances.id, stepInstances.phaseId))
    .leftJoin(predecessor, eq(predecessor.id, stepInstances.predecessorId))
    .leftJoin(predecessorMaster, eq(predecessorMaster.id, predecessor.masterStepId))
    .where(eq(stepInstances.id, stepId));
  const [row] = lock ? await query.for('no key update', { of: stepInstances }) : await query;
  if (!row) throw domainError('NOT_FOUND', STEP_NOT_FOUND);
  return {
    id: row.id,
    code: stepCodeOf(row.typeCode, row.number),
    statusId: row.statusId,
    hasStartTime: row.startTime !== null,
    phaseId: row.phaseId,
    sequenceId: row.sequenceId,
    teams: { ownerTeamId: row.ownerTeamId, impactedTeamIds: (row.impactedTeamIds ?? []).map(Number) },
    // A predecessor id pointing nowhere (the seed has no FK on it) is no predecessor.
    predecessorId: row.predecessorStatusId === null ? null : row.predecessorId,
    predecessorStatusId: row.predecessorStatusId,
    predecessorCode: stepCodeOf(row.predecessorTypeCode, row.predecessorNumber),
  };
}

/** The step's instructions, and those not ticked ("2. Verify the row counts"), in order. */
async function instructionChecklist(tx: DbOrTx, stepId: string): Promise<{ total: number; open: string[] }> {
  const rows = await tx
    .select({ order: instructionInstances.order, body: masterInstructions.body, done: instructionInstances.isCompleted })
    .from(instructionInstances)
    .innerJoin(masterInstructions, eq(masterInstructions.id, instructionInstances.masterInstructionId))
    .where(eq(instructionInstances.stepId, stepId))
    .orderBy(asc(instructionInstances.order), asc(instructionInstances.id));
  const open = rows.filter((row) => row.done !== true).map((row, index) => `${row.order ?? index + 1}. ${shorten(row.body ?? '')}`);
  return { total: rows.length, open };
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function currentStatusOf(step: StepFacts): StepStatus {
  const status = stepStatusFromId(step.statusId);
  if (!status) {
    throw domainError('CONFLICT', `${step.code ?? 'This step'} has a status UMIG cannot change from; ask an administrator.`);
  }
  return status;
}

/** The predecessor's status for the rules; an unreadable one counts as not started, so it still blocks. */
function predecessorStatusOf(step: StepFacts): StepStatus | null {
  if (step.predecessorId === null) return null;
  return stepStatusFromId(step.predecessorStatusId!) ?? 'PENDING';
}

/** The step's dependencies (FS/SS with lag) for the start rule; an unreadable status counts as not started. */
async function dependenciesOf(tx: DbOrTx, step: StepFacts): Promise<DependencyState[]> {
  const rows = await readStepInstanceDependencies(tx, step.id);
  return rows.map((row) => ({
    code: stepCodeOf(row.predecessorTypeCode, row.predecessorNumber),
    status: stepStatusFromId(row.predecessorStatusId) ?? 'PENDING',
    kind: row.kind,
    lagMinutes: row.lagMinutes,
    startedAt: row.predecessorStartedAt,
    endedAt: row.predecessorEndedAt,
  }));
}

/** Codes of the critical controls of the previous phase that keep the step's phase shut. */
async function phaseBlockedBy(tx: DbOrTx, step: StepFacts): Promise<string[]> {
  const rows = await tx
    .select({
      phaseId: phaseInstances.id,
      order: phaseInstances.order,
      predecessorId: phaseInstances.predecessorId,
      controlId: controlInstances.id,
      code: controlInstances.code,
      name: controlInstances.name,
      critical: controlInstances.isCritical,
      statusId: controlInstances.statusId,
    })
    .from(phaseInstances)
    .leftJoin(controlInstances, eq(controlInstances.phaseId, phaseInstances.id))
    .where(eq(phaseInstances.sequenceId, step.sequenceId));
  const phases = new Map<string, PhaseGate & { controls: ControlGate[] }>();
  for (const row of rows) {
    let phase = phases.get(row.phaseId);
    if (!phase) {
      phase = { id: row.phaseId, order: row.order ?? 0, predecessorId: row.predecessorId, controls: [] };
      phases.set(row.phaseId, phase);
    }
    if (row.controlId !== null) {
      phase.controls.push({
        code: row.code ?? row.name ?? 'unnamed control',
        critical: row.critical === true,
        status: controlStatusFromId(row.statusId!) ?? 'TODO',
      });
    }
  }
  return phaseBlockers([...phases.values()]).get(step.phaseId) ?? [];
}

export interface StepView {
  id: string;
  code: string | null;
  status: StatusView;
  startTime: string | null;
  endTime: string | null;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface StepStatusChanged extends ContainerStatuses {
  /** False when the step already had the requested status: nothing was written. */
  changed: boolean;
  /** True when a pilot overrode a predecessor or phase-gate block. */
  overridden: boolean;
  step: StepView;
}

async function readStepView(tx: DbOrTx, stepId: string, code: string | null): Promise<StepView> {
  const [row] = await tx
    .select({
      id: stepInstances.id,
      status: { id: statuses.id, name: statuses.name, color: statuses.color },
      startTime: stepInstances.startTime,
      endTime: stepInstances.endTime,
      updatedAt: stepInstances.updatedAt,
      updatedBy: stepInstances.updatedBy,
    })
    .from(stepInstances)
    .innerJoin(statuses, eq(statuses.id, stepInstances.statusId))
    .where(eq(stepInstances.id, stepId));
  if (!row) throw domainError('NOT_FOUND', STEP_NOT_FOUND);
  return { ...row, code, startTime: toIso(row.startTime), endTime: toIso(row.endTime), updatedAt: toIso(row.updatedAt) };
}

function changedBySomeoneElse(step: StepFacts, current: StepStatus): never {
  const subject = step.code ?? 'This step';
  throw domainError(
    'CONFLICT',
    `${subject} was changed by someone else; it is now ${statusLabel(current).toLowerCase()}. Reload and try again.`,
    { currentStatus: current },
  );
}

function assertMayExecute(actor: Actor, step: StepFacts): void {
  if (!canExecuteStep(actor, step.teams)) {
    throw domainError(
      'FORBIDDEN',
      `Only members of the teams that own or are impacted by ${step.code ?? 'this step'}, a pilot or an administrator can change its status.`,
    );
  }
}

/**
 * Moves one step to another status. Permission first, then the optimistic check against the
 * status the user saw, then the domain's transition rules; the write is conditional on the status
 * read under the row lock, and the phase, sequence, plan and iteration above are re-derived in the
 * same transaction.
 */
export async function changeStepStatus(ctx: ServiceContext, input: ChangeStepStatusInput): Promise<StepStatusChanged> {
  return ctx.db.transaction(async (tx) => {
    await assertRunWritable(tx, { step: input.stepId });
    const step = await loadStep(tx, input.stepId, true);
    // Read the clock once the row is ours, so stored times follow the order the changes were made in.
    const now = ctx.now();
    assertMayExecute(ctx.actor, step);
    const current = currentStatusOf(step);
    if (current !== input.expectedStatus) changedBySomeoneElse(step, current);

    const predecessorStatus = predecessorStatusOf(step);
    const blockedBy = input.toStatus === 'IN_PROGRESS' ? await phaseBlockedBy(tx, step) : [];
    const dependencies = input.toStatus === 'IN_PROGRESS' ? await dependenciesOf(tx, step) : [];
    const checklist = input.toStatus === 'COMPLETED' && current !== 'COMPLETED' ? await instructionChecklist(tx, step.id) : { total: 0, open: [] };
    const decision = decideTransition({
      from: current,
      to: input.toStatus,
      actor: ctx.actor,
      stepCode: step.code,
      predecessorStatus,
      predecessorCode: step.predecessorCode,
      dependencies,
      now,
      phaseBlockedBy: blockedBy,
      hasStartTime: step.hasStartTime,
      overrideReason: input.overrideReason,
      reason: input.reason,
      confirmOpenInstructions: input.confirmOpenInstructions,
      openInstructions: checklist.open,
      instructionCount: checklist.total,
    });
    if (!decision.ok) throw decision.error;
    if (!decision.changed) {
      return { changed: false, overridden: false, step: await readStepView(tx, step.id, step.code), ...(await readContainerStatuses(tx, step.phaseId)) };
    }

    const updated = await tx
      .update(stepInstances)
      .set({
        statusId: STEP_STATUS_ID[input.toStatus],
        ...(decision.setStartTime ? { startTime: now } : {}),
        ...(decision.setEndTime ? { endTime: now } : {}),
        ...(decision.clearEndTime ? { endTime: null } : {}),
        statusReason: decision.reason,
        updatedBy: ctx.actor.code,
        updatedAt: now,
      })
      .where(and(eq(stepInstances.id, step.id), eq(stepInstances.statusId, step.statusId)))
      .returning({ id: stepInstances.id });
    // Unreachable while the row lock holds; kept so the write can never overwrite a newer status.
    if (updated.length === 0) changedBySomeoneElse(step, current);

    const containers = await syncRollUps(tx, ctx, step.phaseId, now);
    const override = decision.override
      ? {
          overrideReason: decision.overrideReason,
          overridden: {
            predecessor:
              predecessorStatus !== null && predecessorStatus !== 'COMPLETED'
                ? { stepId: step.predecessorId, code: step.predecessorCode, status: predecessorStatus }
                : null,
            dependencies: (decision.overriddenDependencies ?? []).map((d) => ({ code: d.code, kind: d.kind, lagMinutes: d.lagMinutes, status: d.status })),
            phaseGate: blockedBy,
          },
        }
      : {};
    await recordAudit(tx, ctx.actor, {
      action: 'STEP_STATUS_CHANGED',
      entityType: 'step_instance',
      entityId: step.id,
      before: { status: current },
      after: { status: input.toStatus },
      extra: {
        stepCode: step.code,
        ...(decision.reason !== null ? { reason: decision.reason } : {}),
        ...(decision.completedWithOpen.length > 0
          ? { openInstructions: decision.completedWithOpen, ...(input.confirmOpenInstructions === true ? { confirmed: true } : {}) }
          : {}),
        ...override,
        ...(containers.length > 0 ? { rolledUp: containers } : {}),
      },
    });
    // Same transaction: the email exists exactly when the change does.
    await enqueueNotification(tx, { type: 'STEP_STATUS_CHANGED', stepId: step.id, from: current, to: input.toStatus, actor: ctx.actor }, { now });
    return {
      changed: true,
      overridden: decision.override,
      step: await readStepView(tx, step.id, step.code),
      ...(await readContainerStatuses(tx, step.phaseId)),
    };
  });
}

export interface TransitionOption {
  status: StepStatus;
  label: string;
  color: string | null;
  /** Set when the move is blocked now (predecessor or phase gate); `overridable` says a reason lets it through. */
  blocked: { message: string; overridable: boolean } | null;
  /**
   * Set when the move needs more than a click: a reason (Blocked, Failed, Cancelled; a pilot
   * completing with open instructions) or a confirmation (a team member completing with open
   * instructions). `message` says why and names what is left; send `reason` or `confirmOpenInstructions`.
   */
  needs: { ask: TransitionAsk; message: string } | null;
}

export interface StepTransitions {
  stepId: string;
  code: string | null;
  /** The status to send back as `expectedStatus`. */
  status: StepStatus;
  /** False when the actor is not in the step's teams (nor a pilot or administrator). */
  canExecute: boolean;
  transitions: TransitionOption[];
}

/**
 * The moves to offer this actor on a step now. Blocked starts stay in the list with the reason
 * (and whether the actor may override it), as the domain intends: the user learns why.
 */
export async function listAllowedTransitions(ctx: ServiceContext, input: AllowedStepTransitionsInput): Promise<StepTransitions> {
  const step = await loadStep(ctx.db, input.stepId, false);
  const current = currentStatusOf(step);
  const canExecute = canExecuteStep(ctx.actor, step.teams);
  if (!canExecute) return { stepId: step.id, code: step.code, status: current, canExecute, transitions: [] };

  const targets = allowedTransitions(current, ctx.actor);
  const blockedBy = targets.includes('IN_PROGRESS') ? await phaseBlockedBy(ctx.db, step) : [];
  const dependencies = targets.includes('IN_PROGRESS') ? await dependenciesOf(ctx.db, step) : [];
  const now = ctx.now();
  const checklist = targets.includes('COMPLETED') ? await instructionChecklist(ctx.db, step.id) : { total: 0, open: [] };
  const colors = new Map((await ctx.db.select({ id: statuses.id, color: statuses.color }).from(statuses).where(eq(statuses.type, 'Step'))).map((s) => [s.id, s.color]));
  const transitions = targets.map((to): TransitionOption => {
    const decision = decideTransition({
      from: current,
      to,
      actor: ctx.actor,
      stepCode: step.code,
      predecessorStatus: predecessorStatusOf(step),
      predecessorCode: step.predecessorCode,
      dependencies,
      now,
      phaseBlockedBy: blockedBy,
      hasStartTime: step.hasStartTime,
      openInstructions: checklist.open,
      instructionCount: checklist.total,
    });
    const ask = decision.ok ? undefined : (decision.error.details?.ask as TransitionAsk | undefined);
    const needs = !decision.ok && ask ? { ask, message: decision.error.message } : null;
    const blocked = decision.ok || needs ? null : { message: decision.error.message, overridable: decision.error.details?.overridable === true };
    return { status: to, label: statusLabel(to), color: colors.get(STEP_STATUS_ID[to]) ?? null, blocked, needs };
  });
  return { stepId: step.id, code: step.code, status: current, canExecute, transitions };
}
