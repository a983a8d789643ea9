import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { type ControlInstanceRow, activeUserIds, lockControl, lockPhaseControls, personName } from '../../db/repositories/controls';
import { controlInstances, statuses } from '../../db/schema';
import { type ValidatorSlot, canManageControls, canOverride, canValidateControl } from '../../domain/access/permissions';
import { type Verdict, controlStatusFromVerdicts, decideVerdict, fourEyesConflict, sameValidatorInBothSlots } from '../../domain/execution/controls';
import { domainError } from '../../domain/errors';
import { VERDICT_COMMENT_MAX } from '../../domain/text-limits';
import { CONTROL_STATUSES, CONTROL_STATUS_ID, type ControlStatus, controlStatusFromId, statusLabel } from '../../domain/statuses';
import { recordAudit } from '../audit';
import { assertRunWritable } from '../planning/plan-lifecycle';
import { enqueueNotification } from '../notifications/enqueue';
import type { ServiceContext } from '../context';
import { type ContainerChange, type ContainerStatuses, type StatusView, readContainerStatuses, syncRollUps, toIso } from './rollup-sync';

/**
 * Verdicts are PASSED/FAILED on the wire and in the database (the words the control statuses
 * use); the domain calls them APPROVED/REJECTED. The mapping lives here and nowhere else.
 */
export const VERDICT_VALUES = ['PASSED', 'FAILED'] as const;
export type VerdictValue = (typeof VERDICT_VALUES)[number];

const toDomain = (value: string | null): Verdict | null => (value === 'PASSED' ? 'APPROVED' : value === 'FAILED' ? 'REJECTED' : null);

const userId = z.number().int().positive().max(2_147_483_647);

export const recordVerdictInput = z.strictObject({
  controlId: z.uuid(),
  verdict: z.enum(VERDICT_VALUES),
  /** Which signature; may be left out when the actor is assigned to exactly one slot. */
  slot: z.enum(['IT', 'BIZ']).optional(),
  comment: z.string().trim().max(VERDICT_COMMENT_MAX).optional(),
  /** The control status the user saw; a different current status means someone else signed meanwhile. */
  expectedStatus: z.enum(CONTROL_STATUSES),
  /**
   * Four eyes: a pilot or administrator signing the second slot of a control whose other slot
   * they signed themselves says why (stored on the slot, shown on the card, audited).
   */
  overrideReason: z.string().max(2000).optional(),
});
export type RecordVerdictInput = z.output<typeof recordVerdictInput>;

export const assignValidatorsInput = z.strictObject({
  controlId: z.uuid(),
  /** null leaves the slot unassigned (not required). */
  itValidatorId: userId.nullable(),
  bizValidatorId: userId.nullable(),
});
export type AssignValidatorsInput = z.output<typeof assignValidatorsInput>;

export const assignPhaseValidatorsInput = z
  .strictObject({
    phaseId: z.uuid(),
    /** Given: every control of the phase gets it (null: the slot is not required); left out: each keeps its own. */
    itValidatorId: userId.nullable().optional(),
    bizValidatorId: userId.nullable().optional(),
  })
  .refine((input) => input.itValidatorId !== undefined || input.bizValidatorId !== undefined, {
    message: 'Give the IT validator, the business validator or both.',
  });
export type AssignPhaseValidatorsInput = z.output<typeof assignPhaseValidatorsInput>;

const CONTROL_NOT_FOUND = 'That control does not exist (it may have been removed).';

export interface SlotView {
  verdict: VerdictValue | null;
  byId: number | null;
  at: string | null;
  comment: string | null;
  /** Set when a pilot signed this slot after signing the other one (four eyes overridden): why. */
  override: string | null;
}

export interface ControlView {
  id: string;
  phaseId: string;
  code: string | null;
  name: string | null;
  isCritical: boolean;
  status: StatusView;
  itValidatorId: number | null;
  bizValidatorId: number | null;
  it: SlotView;
  biz: SlotView;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface ControlChanged extends ContainerStatuses {
  /** False when nothing differed from what was stored: nothing was written or audited. */
  changed: boolean;
  control: ControlView;
}

async function loadControlForUpdate(tx: DbOrTx, controlId: string): Promise<ControlInstanceRow> {
  const row = await lockControl(tx, controlId);
  if (!row) throw domainError('NOT_FOUND', CONTROL_NOT_FOUND);
  return row;
}

type ControlRow = ControlInstanceRow;

const SLOT_TEXT: Record<ValidatorSlot, string> = { IT: 'IT validator', BIZ: 'business validator' };

function nameOf(control: ControlRow): string {
  return control.code ? `Control ${control.code}` : 'This control';
}

function statusOf(control: ControlRow): ControlStatus {
  const status = controlStatusFromId(control.statusId);
  if (!status) throw domainError('CONFLICT', `${nameOf(control)} has a status UMIG does not know; ask an administrator.`);
  return status;
}

async function readControlView(tx: DbOrTx, controlId: string): Promise<ControlView> {
  const [row] = await tx
    .select({ control: controlInstances, status: { id: statuses.id, name: statuses.name, color: statuses.color } })
    .from(controlInstances)
    .innerJoin(statuses, eq(statuses.id, controlInstances.statusId))
    .where(eq(controlInstances.id, controlId));
  if (!row) throw domainError('NOT_FOUND', CONTROL_NOT_FOUND);
  const c = row.control;
  return {
    id: c.id,
    phaseId: c.phaseId,
    code: c.code,
    name: c.name,
    isCritical: c.isCritical === true,
    status: row.status,
    itValidatorId: c.itValidatorId,
    bizValidatorId: c.bizValidatorId,
    it: { verdict: c.itVerdict as VerdictValue | null, byId: c.itVerdictById, at: toIso(c.itVerdictAt), comment: c.itComment, override: c.itOverrideReason },
    biz: { verdict: c.bizVerdict as VerdictValue | null, byId: c.bizVerdictById, at: toIso(c.bizVerdictAt), comment: c.bizComment, override: c.bizOverrideReason },
    updatedAt: toIso(c.updatedAt),
    updatedBy: c.updatedBy,
  };
}

/**
 * The slot a verdict is for. An explicit slot wins; otherwise the slot the actor is assigned to,
 * when there is exactly one, or the only slot they may sign at all.
 */
function chooseSlot(requested: ValidatorSlot | undefined, allowed: ValidatorSlot[], control: ControlRow, actorId: number): ValidatorSlot {
  if (requested) return requested;
  const assigned: ValidatorSlot[] = [];
  if (control.itValidatorId === actorId) assigned.push('IT');
  if (control.bizValidatorId === actorId) assigned.push('BIZ');
  if (assigned.length === 1) return assigned[0]!;
  if (allowed.length === 1) return allowed[0]!;
  throw domainError('VALIDATION', 'Say whether you sign as IT or as business validator (slot IT or BIZ).');
}

/**
 * Records the IT or business verdict on a control and re-derives its status from both verdicts.
 * A status change re-derives the phase (a critical control passing lets it complete, and the next
 * phase's steps start: changeStatus reads the gates live) and the containers above it.
 */
export async function recordVerdict(ctx: ServiceContext, input: RecordVerdictInput): Promise<ControlChanged> {
  return ctx.db.transaction(async (tx) => {
    await assertRunWritable(tx, { control: input.controlId });
    const control = await loadControlForUpdate(tx, input.controlId);
    // Read the clock once the row is ours, so stored times follow the order the changes were made in.
    const now = ctx.now();
    const validators = { itValidatorId: control.itValidatorId, bizValidatorId: control.bizValidatorId };
    const allowed = canValidateControl(ctx.actor, validators);
    if (allowed.length === 0) {
      throw domainError('FORBIDDEN', `Only the assigned validators, a pilot or an administrator can sign ${nameOf(control).toLowerCase()}.`);
    }
    const slot = chooseSlot(input.slot, allowed, control, ctx.actor.userId);
    const status = statusOf(control);
    // Permission on the slot before anything about the control's state.
    const decision = decideVerdict({
      actor: ctx.actor,
      control: { ...validators, itVerdict: toDomain(control.itVerdict), bizVerdict: toDomain(control.bizVerdict), status, code: control.code },
      slot,
      verdict: toDomain(input.verdict)!,
    });
    if (!decision.ok && decision.error.code === 'FORBIDDEN') throw decision.error;
    if (status !== input.expectedStatus) {
      throw domainError(
        'CONFLICT',
        `${nameOf(control)} was changed by someone else; it is now ${statusLabel(status).toLowerCase()}. Reload and try again.`,
        { currentStatus: status },
      );
    }
    if (!decision.ok) throw decision.error;

    const comment = input.comment ? input.comment : null;
    const storedComment = slot === 'IT' ? control.itComment : control.bizComment;
    if (!decision.changed && comment === storedComment) {
      return { changed: false, control: await readControlView(tx, control.id), ...(await readContainerStatuses(tx, control.phaseId)) };
    }

    // Four eyes: the same person does not sign both slots, unless a pilot says why.
    let fourEyesOverride: string | null = null;
    const signedOther = fourEyesConflict({ itSignedById: control.itVerdictById, bizSignedById: control.bizVerdictById }, slot, ctx.actor.userId);
    if (signedOther !== null) {
      const who = await personName(tx, ctx.actor.userId);
      const sentence = `${who} already signed ${nameOf(control).toLowerCase()} as ${SLOT_TEXT[signedOther]}; the ${SLOT_TEXT[slot]} must be someone else (four eyes).`;
      const details = { slot, signedSlot: signedOther, fourEyes: true };
      if (!canOverride(ctx.actor)) throw domainError('FORBIDDEN', sentence, details);
      const reason = input.overrideReason?.trim() ?? '';
      if (reason === '') {
        throw domainError('CONFLICT', `${sentence} A pilot can sign both with a reason; it is shown on the control.`, { ...details, overridable: true, ask: 'reason' });
      }
      fourEyesOverride = reason;
    }

    const signature =
      slot === 'IT'
        ? { itVerdict: input.verdict, itVerdictById: ctx.actor.userId, itVerdictAt: now, itComment: comment, itOverrideReason: fourEyesOverride }
        : { bizVerdict: input.verdict, bizVerdictById: ctx.actor.userId, bizVerdictAt: now, bizComment: comment, bizOverrideReason: fourEyesOverride };
    await tx
      .update(controlInstances)
      .set({ ...signature, statusId: CONTROL_STATUS_ID[decision.status], updatedBy: ctx.actor.code, updatedAt: now })
      .where(and(eq(controlInstances.id, control.id), eq(controlInstances.statusId, control.statusId)));

    const containers: ContainerChange[] = decision.status !== status ? await syncRollUps(tx, ctx, control.phaseId, now) : [];
    await recordAudit(tx, ctx.actor, {
      action: 'CONTROL_VERDICT_RECORDED',
      entityType: 'control_instance',
      entityId: control.id,
      before: { status, verdict: slot === 'IT' ? control.itVerdict : control.bizVerdict },
      after: { status: decision.status, verdict: input.verdict },
      extra: {
        controlCode: control.code,
        slot,
        comment,
        ...(fourEyesOverride !== null ? { fourEyesOverride: { reason: fourEyesOverride, signedSlot: signedOther } } : {}),
        ...(containers.length > 0 ? { rolledUp: containers } : {}),
      },
    });
    await enqueueNotification(tx, { type: 'CONTROL_VERDICT', controlId: control.id, slot, verdict: input.verdict, comment, actor: ctx.actor }, { now });
    return { changed: true, control: await readControlView(tx, control.id), ...(await readContainerStatuses(tx, control.phaseId)) };
  });
}

/** Refuses ids that are not active users, naming them; nothing is written before this check. */
async function checkValidators(tx: DbOrTx, ids: ReadonlyArray<number | null | undefined>): Promise<void> {
  const wanted = [...new Set(ids.filter((id): id is number => typeof id === 'number'))];
  const found = await activeUserIds(tx, wanted);
  const missing = wanted.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw domainError('NOT_FOUND', `No active UMIG user has the id ${missing.join(' or ')}; pick validators among active users.`, { userIds: missing });
  }
}

async function refuseSamePerson(tx: DbOrTx, control: ControlRow, userId: number): Promise<never> {
  const who = await personName(tx, userId);
  throw domainError(
    'VALIDATION',
    `${who} cannot be both the IT and the business validator of ${nameOf(control).toLowerCase()} (four eyes): pick someone else for one slot, or leave it empty.`,
    { controlId: control.id, userId },
  );
}

/**
 * Writes one control's validators, re-derives its status and audits it. Recorded verdicts stay:
 * they say who signed and when. With `rollUp`, a status change re-derives the phase and the
 * containers above it, named in the same audit row.
 */
async function writeValidators(
  tx: DbOrTx,
  ctx: ServiceContext,
  control: ControlRow,
  validators: { it: number | null; biz: number | null },
  now: Date,
  options: { rollUp: boolean; extra?: Record<string, unknown> },
): Promise<{ statusMoved: boolean }> {
  const { it: itValidatorId, biz: bizValidatorId } = validators;
  const status = statusOf(control);
  const next: ControlStatus =
    status === 'CANCELLED'
      ? status
      : controlStatusFromVerdicts({ itValidatorId, bizValidatorId, itVerdict: toDomain(control.itVerdict), bizVerdict: toDomain(control.bizVerdict) });
  await tx
    .update(controlInstances)
    .set({ itValidatorId, bizValidatorId, statusId: CONTROL_STATUS_ID[next], updatedBy: ctx.actor.code, updatedAt: now })
    .where(eq(controlInstances.id, control.id));
  const containers = options.rollUp && next !== status ? await syncRollUps(tx, ctx, control.phaseId, now) : [];
  await recordAudit(tx, ctx.actor, {
    action: 'CONTROL_VALIDATORS_ASSIGNED',
    entityType: 'control_instance',
    entityId: control.id,
    before: { itValidatorId: control.itValidatorId, bizValidatorId: control.bizValidatorId, status },
    after: { itValidatorId, bizValidatorId, status: next },
    extra: { controlCode: control.code, ...options.extra, ...(containers.length > 0 ? { rolledUp: containers } : {}) },
  });
  return { statusMoved: next !== status };
}

/** Role-only check, run before the payload is parsed (resolver `authorize`) and again by the service. */
export function authorizeValidatorAssignment(actor: ServiceContext['actor']): void {
  if (!canManageControls(actor)) throw domainError('FORBIDDEN', 'Only a pilot or an administrator can assign the validators of a control.');
}

/**
 * Assigns (or clears) the IT and business validators of a control. The status is re-derived,
 * because which slots are required changed (e.g. a passed control whose new business validator
 * has not signed is TODO again). One person cannot hold both slots (four eyes).
 */
export async function assignValidators(ctx: ServiceContext, input: AssignValidatorsInput): Promise<ControlChanged> {
  authorizeValidatorAssignment(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    await assertRunWritable(tx, { control: input.controlId });
    const control = await loadControlForUpdate(tx, input.controlId);
    // Read the clock once the row is ours, so stored times follow the order the changes were made in.
    const now = ctx.now();
    await checkValidators(tx, [input.itValidatorId, input.bizValidatorId]);
    if (sameValidatorInBothSlots(input)) await refuseSamePerson(tx, control, input.itValidatorId!);
    if (input.itValidatorId === control.itValidatorId && input.bizValidatorId === control.bizValidatorId) {
      return { changed: false, control: await readControlView(tx, control.id), ...(await readContainerStatuses(tx, control.phaseId)) };
    }
    await writeValidators(tx, ctx, control, { it: input.itValidatorId, biz: input.bizValidatorId }, now, { rollUp: true });
    return { changed: true, control: await readControlView(tx, control.id), ...(await readContainerStatuses(tx, control.phaseId)) };
  });
}

export interface PhaseValidatorsAssigned extends ContainerStatuses {
  /** How many controls of the phase changed (0: every control already had these validators). */
  changedCount: number;
  controls: ControlView[];
}

/**
 * Assigns validators to every control of a phase at once: the slots given are set on each
 * control, the slots left out keep each control's own. All or nothing: an unknown user, or a
 * control that would end up with the same person in both slots, refuses the whole call.
 */
export async function assignPhaseValidators(ctx: ServiceContext, input: AssignPhaseValidatorsInput): Promise<PhaseValidatorsAssigned> {
  authorizeValidatorAssignment(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    await assertRunWritable(tx, { phase: input.phaseId });
    const controls = await lockPhaseControls(tx, input.phaseId);
    if (!controls) throw domainError('NOT_FOUND', 'That phase does not exist (it may have been removed).');
    const now = ctx.now();
    await checkValidators(tx, [input.itValidatorId, input.bizValidatorId]);
    const plans = controls.map((control) => ({
      control,
      it: input.itValidatorId === undefined ? control.itValidatorId : input.itValidatorId,
      biz: input.bizValidatorId === undefined ? control.bizValidatorId : input.bizValidatorId,
    }));
    const clash = plans.find((plan) => sameValidatorInBothSlots({ itValidatorId: plan.it, bizValidatorId: plan.biz }));
    if (clash) await refuseSamePerson(tx, clash.control, clash.it!);

    let changedCount = 0;
    let statusMoved = false;
    for (const plan of plans) {
      if (plan.it === plan.control.itValidatorId && plan.biz === plan.control.bizValidatorId) continue;
      const written = await writeValidators(tx, ctx, plan.control, { it: plan.it, biz: plan.biz }, now, { rollUp: false, extra: { wholePhase: input.phaseId } });
      changedCount++;
      if (written.statusMoved) statusMoved = true;
    }
    if (statusMoved) {
      const containers = await syncRollUps(tx, ctx, input.phaseId, now);
      if (containers.length > 0) {
        await recordAudit(tx, ctx.actor, {
          action: 'PHASE_VALIDATORS_ROLLED_UP',
          entityType: 'phase_instance',
          entityId: input.phaseId,
          extra: { rolledUp: containers },
        });
      }
    }
    const views: ControlView[] = [];
    for (const control of controls) views.push(await readControlView(tx, control.id));
    return { changedCount, controls: views, ...(await readContainerStatuses(tx, input.phaseId)) };
  });
}
