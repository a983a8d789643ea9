import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { controlInstances, statuses, users } from '../../db/schema';
import { type ValidatorSlot, canManageControls, canValidateControl } from '../../domain/access/permissions';
import { type Verdict, controlStatusFromVerdicts, decideVerdict } from '../../domain/execution/controls';
import { domainError } from '../../domain/errors';
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
  comment: z.string().trim().max(4000).optional(),
  /** The control status the user saw; a different current status means someone else signed meanwhile. */
  expectedStatus: z.enum(CONTROL_STATUSES),
});
export type RecordVerdictInput = z.output<typeof recordVerdictInput>;

export const assignValidatorsInput = z.strictObject({
  controlId: z.uuid(),
  /** null leaves the slot unassigned (not required). */
  itValidatorId: userId.nullable(),
  bizValidatorId: userId.nullable(),
});
export type AssignValidatorsInput = z.output<typeof assignValidatorsInput>;

const CONTROL_NOT_FOUND = 'That control does not exist (it may have been removed).';

export interface SlotView {
  verdict: VerdictValue | null;
  byId: number | null;
  at: string | null;
  comment: string | null;
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

async function loadControlForUpdate(tx: DbOrTx, controlId: string) {
  const [row] = await tx.select().from(controlInstances).where(eq(controlInstances.id, controlId)).for('no key update');
  if (!row) throw domainError('NOT_FOUND', CONTROL_NOT_FOUND);
  return row;
}

type ControlRow = Awaited<ReturnType<typeof loadControlForUpdate>>;

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
    it: { verdict: c.itVerdict as VerdictValue | null, byId: c.itVerdictById, at: toIso(c.itVerdictAt), comment: c.itComment },
    biz: { verdict: c.bizVerdict as VerdictValue | null, byId: c.bizVerdictById, at: toIso(c.bizVerdictAt), comment: c.bizComment },
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

    const signature =
      slot === 'IT'
        ? { itVerdict: input.verdict, itVerdictById: ctx.actor.userId, itVerdictAt: now, itComment: comment }
        : { bizVerdict: input.verdict, bizVerdictById: ctx.actor.userId, bizVerdictAt: now, bizComment: comment };
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
      extra: { controlCode: control.code, slot, comment, ...(containers.length > 0 ? { rolledUp: containers } : {}) },
    });
    await enqueueNotification(tx, { type: 'CONTROL_VERDICT', controlId: control.id, slot, verdict: input.verdict, comment, actor: ctx.actor }, { now });
    return { changed: true, control: await readControlView(tx, control.id), ...(await readContainerStatuses(tx, control.phaseId)) };
  });
}

/**
 * Assigns (or clears) the IT and business validators of a control. Recorded verdicts stay: they
 * say who signed and when. The status is re-derived, because which slots are required changed
 * (e.g. a passed control whose new business validator has not signed is TODO again).
 */
export async function assignValidators(ctx: ServiceContext, input: AssignValidatorsInput): Promise<ControlChanged> {
  if (!canManageControls(ctx.actor)) throw domainError('FORBIDDEN', 'Only a pilot or an administrator can assign the validators of a control.');
  return ctx.db.transaction(async (tx) => {
    await assertRunWritable(tx, { control: input.controlId });
    const control = await loadControlForUpdate(tx, input.controlId);
    // Read the clock once the row is ours, so stored times follow the order the changes were made in.
    const now = ctx.now();
    const wanted = [input.itValidatorId, input.bizValidatorId].filter((id): id is number => id !== null);
    if (wanted.length > 0) {
      const found = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(inArray(users.id, wanted), eq(users.active, true)));
      const missing = wanted.filter((id) => !found.some((user) => user.id === id));
      if (missing.length > 0) {
        throw domainError('NOT_FOUND', `No active UMIG user has the id ${missing.join(' or ')}; pick validators among active users.`, { userIds: missing });
      }
    }
    if (input.itValidatorId === control.itValidatorId && input.bizValidatorId === control.bizValidatorId) {
      return { changed: false, control: await readControlView(tx, control.id), ...(await readContainerStatuses(tx, control.phaseId)) };
    }

    const status = statusOf(control);
    const next: ControlStatus =
      status === 'CANCELLED'
        ? status
        : controlStatusFromVerdicts({
            itValidatorId: input.itValidatorId,
            bizValidatorId: input.bizValidatorId,
            itVerdict: toDomain(control.itVerdict),
            bizVerdict: toDomain(control.bizVerdict),
          });
    await tx
      .update(controlInstances)
      .set({
        itValidatorId: input.itValidatorId,
        bizValidatorId: input.bizValidatorId,
        statusId: CONTROL_STATUS_ID[next],
        updatedBy: ctx.actor.code,
        updatedAt: now,
      })
      .where(eq(controlInstances.id, control.id));
    const containers = next !== status ? await syncRollUps(tx, ctx, control.phaseId, now) : [];
    await recordAudit(tx, ctx.actor, {
      action: 'CONTROL_VALIDATORS_ASSIGNED',
      entityType: 'control_instance',
      entityId: control.id,
      before: { itValidatorId: control.itValidatorId, bizValidatorId: control.bizValidatorId, status },
      after: { itValidatorId: input.itValidatorId, bizValidatorId: input.bizValidatorId, status: next },
      extra: { controlCode: control.code, ...(containers.length > 0 ? { rolledUp: containers } : {}) },
    });
    return { changed: true, control: await readControlView(tx, control.id), ...(await readContainerStatuses(tx, control.phaseId)) };
  });
}
