import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import {
  type InstanceTarget,
  deletePlanInstanceTree,
  lockPlanInstance,
  lockWritablePlan,
  readPlanInstanceActivity,
  setPlanInstanceArchived,
  type DeletedPlanTree,
  type LockedPlanInstance,
} from '../../db/repositories/plan-instances';
import { type Actor, canManagePlans } from '../../domain/access/permissions';
import { domainError } from '../../domain/errors';
import { INITIAL_STATUS_ID } from '../../domain/planning/instantiation';
import { archivedRunMessage, decideRunDeletion, staleRunMessage } from '../../domain/planning/plan-lifecycle';
import { recordAudit } from '../audit';
import type { ServiceContext } from '../context';

/**
 * Deleting, archiving and restoring a plan instance (a run), administrators only. Delete only
 * while nothing has happened in the run (domain/planning/plan-lifecycle); archive at any time;
 * an archived run is read-only (assertRunWritable) and hidden from the pickers until restored.
 */

const expectedUpdatedAt = z.iso.datetime({ offset: true, message: 'Send the updatedAt you loaded, as an ISO date-time.' }).nullable();

export const planInstanceChangeInput = z.strictObject({
  planInstanceId: z.uuid(),
  /** The `updatedAt` of the run as listed: a run changed since then is refused (CONFLICT). */
  expectedUpdatedAt,
});
export type PlanInstanceChangeInput = z.output<typeof planInstanceChangeInput>;

const FORBIDDEN_MESSAGE = 'Only UMIG administrators can delete, archive or restore a plan instance.';

/** The role check, run by the resolver before the payload is read, and again by each use case. */
export function assertCanManageRuns(actor: Actor): void {
  if (!canManagePlans(actor)) throw domainError('FORBIDDEN', FORBIDDEN_MESSAGE);
}

async function lockExpected(tx: DbOrTx, input: PlanInstanceChangeInput): Promise<LockedPlanInstance> {
  const run = await lockPlanInstance(tx, input.planInstanceId);
  if (!run) throw domainError('NOT_FOUND', 'That plan instance does not exist (it may have been deleted).');
  const current = run.updatedAt?.getTime() ?? null;
  const expected = input.expectedUpdatedAt === null ? null : Date.parse(input.expectedUpdatedAt);
  if (current !== expected) throw domainError('CONFLICT', staleRunMessage(run.name), { planInstanceId: run.id });
  return run;
}

export interface DeletedPlanInstance {
  planInstanceId: string;
  name: string;
  deleted: DeletedPlanTree;
}

export async function deletePlanInstance(ctx: ServiceContext, input: PlanInstanceChangeInput): Promise<DeletedPlanInstance> {
  assertCanManageRuns(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const run = await lockExpected(tx, input);
    const activity = await readPlanInstanceActivity(tx, run.id, { stepStatusId: INITIAL_STATUS_ID.Step, controlStatusId: INITIAL_STATUS_ID.Control });
    const decision = decideRunDeletion(run.name, activity);
    if (!decision.ok) throw decision.error;
    const deleted = await deletePlanInstanceTree(tx, run.id);
    await recordAudit(tx, ctx.actor, {
      action: 'PLAN_INSTANCE_DELETED',
      entityType: 'plan_instance',
      entityId: run.id,
      before: { name: run.name, iterationId: run.iterationId, masterPlanId: run.masterPlanId, archivedAt: run.archivedAt?.toISOString() ?? null },
      extra: { alsoDeleted: deleted },
    });
    return { planInstanceId: run.id, name: run.name, deleted };
  });
}

export interface ArchivedState {
  planInstanceId: string;
  name: string;
  archivedAt: string | null;
  archivedBy: string | null;
  updatedAt: string | null;
}

export async function archivePlanInstance(ctx: ServiceContext, input: PlanInstanceChangeInput): Promise<ArchivedState> {
  assertCanManageRuns(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const run = await lockExpected(tx, input);
    if (run.archivedAt) throw domainError('CONFLICT', `Plan instance "${run.name}" is already archived.`, { planInstanceId: run.id });
    const now = ctx.now();
    const updatedAt = await setPlanInstanceArchived(tx, run.id, { at: now, by: ctx.actor.code }, ctx.actor.code, now);
    await recordAudit(tx, ctx.actor, {
      action: 'PLAN_INSTANCE_ARCHIVED',
      entityType: 'plan_instance',
      entityId: run.id,
      before: { archivedAt: null },
      after: { archivedAt: now.toISOString(), archivedBy: ctx.actor.code },
    });
    return { planInstanceId: run.id, name: run.name, archivedAt: now.toISOString(), archivedBy: ctx.actor.code, updatedAt: updatedAt?.toISOString() ?? null };
  });
}

export async function restorePlanInstance(ctx: ServiceContext, input: PlanInstanceChangeInput): Promise<ArchivedState> {
  assertCanManageRuns(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const run = await lockExpected(tx, input);
    if (!run.archivedAt) throw domainError('CONFLICT', `Plan instance "${run.name}" is not archived.`, { planInstanceId: run.id });
    const updatedAt = await setPlanInstanceArchived(tx, run.id, null, ctx.actor.code, ctx.now());
    await recordAudit(tx, ctx.actor, {
      action: 'PLAN_INSTANCE_RESTORED',
      entityType: 'plan_instance',
      entityId: run.id,
      before: { archivedAt: run.archivedAt.toISOString(), archivedBy: run.archivedBy },
      after: { archivedAt: null },
    });
    return { planInstanceId: run.id, name: run.name, archivedAt: null, archivedBy: null, updatedAt: updatedAt?.toISOString() ?? null };
  });
}

/**
 * Every execution change (step status, instruction tick, control verdict or validators, a phase's
 * validators, step comment) calls this first in its transaction: an archived run is read-only. It also holds the
 * run FOR KEY SHARE until the change commits, so archiving or deleting the run cannot slip in
 * between. A target that does not exist passes: the caller answers NOT_FOUND in its own words.
 */
export async function assertRunWritable(tx: DbOrTx, target: InstanceTarget): Promise<void> {
  const run = await lockWritablePlan(tx, target);
  if (run?.archivedAt) throw domainError('CONFLICT', archivedRunMessage(run.name), { planInstanceId: run.planInstanceId, archived: true });
}
