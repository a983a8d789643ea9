/**
 * The exclusive lock that keeps two imports (or an import and a rollback) off one master plan:
 * a row of stg_import_resource_locks_irl on ('MASTER_PLAN', plm_id), owned by a queue request,
 * with an expiry. Taking it is a short transaction serialised on the plan row, so two requests
 * racing for one plan never both win. A lock past its expiry belongs to a crashed worker and is
 * taken over; if that worker was half-way through a chunked promotion, its changes are undone first.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client';
import { importBatches, importOrchestrations, importQueue, importResourceLocks, masterPlans, stagedInstructions, stagedSteps } from '../../db/schema';
import { domainError } from '../../domain/errors';
import { replayUndoLog } from './rollback';

export const PLAN_RESOURCE = 'MASTER_PLAN';
export const LOCK_MINUTES = 10;

export interface LockHolder {
  requestId: string;
  batchId: string | null;
  by: string | null;
  since: Date | null;
  expiresAt: Date;
}

function expiry(now: Date): Date {
  return new Date(now.getTime() + LOCK_MINUTES * 60_000);
}

async function holders(tx: DbOrTx, planId: string, forUpdate = false): Promise<Array<LockHolder & { lockId: number }>> {
  const query = tx
    .select({
      lockId: importResourceLocks.id,
      requestId: importResourceLocks.lockedByRequest,
      since: importResourceLocks.lockedAt,
      expiresAt: importResourceLocks.expiresAt,
      batchId: importBatches.id,
      by: importBatches.createdBy,
    })
    .from(importResourceLocks)
    .leftJoin(importBatches, eq(importBatches.queueRequestId, importResourceLocks.lockedByRequest))
    .where(
      and(
        eq(importResourceLocks.resourceType, PLAN_RESOURCE),
        eq(importResourceLocks.resourceId, planId),
        eq(importResourceLocks.isActive, true),
      ),
    );
  // Locking the rows makes a live worker's renewal wait for (and then lose to) a takeover.
  return forUpdate ? query.for('update', { of: importResourceLocks }) : query;
}

export function conflictWith(holder: LockHolder): Error {
  const who = holder.by ? ` by ${holder.by}` : '';
  const since = holder.since ? ` since ${holder.since.toISOString()}` : '';
  const what = holder.batchId ? `import ${holder.batchId}` : `import request ${holder.requestId}`;
  return domainError(
    'CONFLICT',
    `Another import is running on this plan: ${what}, started${who}${since}. Try again when it has finished.`,
    {
      batchId: holder.batchId,
      requestId: holder.requestId,
      by: holder.by,
      since: holder.since?.toISOString() ?? null,
      expiresAt: holder.expiresAt.toISOString(),
    },
  );
}

/** The unexpired lock on the plan held by another request, if any (for a refusal before any work). */
export async function runningImport(db: DbOrTx, planId: string, now: Date, exceptRequestId?: string): Promise<LockHolder | null> {
  const current = await holders(db, planId);
  return current.find((holder) => holder.requestId !== exceptRequestId && holder.expiresAt > now) ?? null;
}

/**
 * Takes (or renews) the plan's lock for `requestId`. Throws CONFLICT naming the import that
 * holds it. Expired locks are released; a chunked promotion they left half-done is undone.
 */
export async function acquirePlanLock(db: Db, planId: string, requestId: string, now: Date, options: { planned?: boolean } = {}): Promise<void> {
  await db.transaction(async (tx) => {
    const [plan] = await tx.select({ id: masterPlans.id }).from(masterPlans).where(eq(masterPlans.id, planId)).for('no key update');
    // A new plan (created by this batch's promotion) has no row to serialise on yet: its id is
    // known to this batch only, so the lock row on that id is serialised by the id instead.
    if (!plan && options.planned) await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`umig.imports.plan.${planId}`}))`);
    else if (!plan) throw domainError('NOT_FOUND', 'That master plan does not exist.');
    const current = await holders(tx, planId, true);
    const live = current.find((holder) => holder.requestId !== requestId && holder.expiresAt > now);
    if (live) throw conflictWith(live);
    for (const stale of current.filter((holder) => holder.requestId !== requestId)) {
      await abandon(tx, stale, now);
      await tx.delete(importResourceLocks).where(eq(importResourceLocks.id, stale.lockId));
    }
    const mine = current.find((holder) => holder.requestId === requestId);
    if (mine) {
      await tx.update(importResourceLocks).set({ expiresAt: expiry(now) }).where(eq(importResourceLocks.id, mine.lockId));
    } else {
      await tx.insert(importResourceLocks).values({
        resourceType: PLAN_RESOURCE,
        resourceId: planId,
        lockType: 'EXCLUSIVE',
        lockedByRequest: requestId,
        lockedAt: now,
        expiresAt: expiry(now),
        createdDate: now,
        isActive: true,
      });
    }
  });
}

/** A crashed worker's batch: undo what its promotion wrote so far and mark it FAILED. */
async function abandon(tx: DbOrTx, stale: LockHolder, now: Date): Promise<void> {
  if (!stale.batchId) return;
  const [batch] = await tx.select({ status: importBatches.status }).from(importBatches).where(eq(importBatches.id, stale.batchId)).for('update');
  if (batch?.status !== 'PROMOTING') return;
  await replayUndoLog(tx, stale.batchId);
  const reason = 'The import stopped half-way (its worker went silent) and another import took over the plan; its changes were undone.';
  await tx
    .update(importBatches)
    .set({ status: 'FAILED', completedAt: now, updatedAt: now, updatedBy: 'system' })
    .where(eq(importBatches.id, stale.batchId));
  await tx
    .update(importOrchestrations)
    .set({ status: 'FAILED', errorMessage: reason, completedAt: now, updatedAt: now })
    .where(and(eq(importOrchestrations.batchId, stale.batchId), eq(importOrchestrations.stage, 'PROMOTE')));
  await tx
    .update(importQueue)
    .set({ status: 'FAILED', configuration: sql`${importQueue.configuration} - 'source'`, lastModifiedDate: now })
    .where(eq(importQueue.requestId, stale.requestId));
  await tx.delete(stagedSteps).where(eq(stagedSteps.batchId, stale.batchId));
  await tx.delete(stagedInstructions).where(eq(stagedInstructions.batchId, stale.batchId));
}

/**
 * Inside a chunk's transaction: extends the lock, or throws CONFLICT when it is no longer ours
 * (it expired and another import took the plan over).
 */
export async function renewPlanLock(tx: DbOrTx, planId: string, requestId: string, now: Date): Promise<void> {
  const renewed = await tx
    .update(importResourceLocks)
    .set({ expiresAt: expiry(now) })
    .where(
      and(
        eq(importResourceLocks.resourceType, PLAN_RESOURCE),
        eq(importResourceLocks.resourceId, planId),
        eq(importResourceLocks.lockedByRequest, requestId),
        eq(importResourceLocks.isActive, true),
      ),
    )
    .returning({ id: importResourceLocks.id });
  if (renewed.length === 0) {
    throw domainError('CONFLICT', 'This import lost its lock on the plan (it was idle too long and another import took over).');
  }
}

export async function releasePlanLock(tx: DbOrTx, planId: string, requestId: string): Promise<void> {
  await tx
    .delete(importResourceLocks)
    .where(
      and(
        eq(importResourceLocks.resourceType, PLAN_RESOURCE),
        eq(importResourceLocks.resourceId, planId),
        eq(importResourceLocks.lockedByRequest, requestId),
      ),
    );
}


/**
 * The import writing the plan's master, if any: one holding its lock, or one whose promotion is
 * under way even if its lock has lapsed (a crashed worker; housekeeping resumes it). Its master is
 * half-written until it finishes or is rolled back.
 */
export async function importWritingPlan(tx: DbOrTx, planId: string, now: Date): Promise<LockHolder | null> {
  const held = await runningImport(tx, planId, now);
  if (held) return held;
  const [promoting] = await tx
    .select({ batchId: importBatches.id, requestId: importBatches.queueRequestId, by: importBatches.createdBy, since: importBatches.startedAt })
    .from(importBatches)
    .where(and(eq(importBatches.masterPlanId, planId), eq(importBatches.status, 'PROMOTING')))
    .limit(1);
  if (!promoting) return null;
  return { batchId: promoting.batchId, requestId: promoting.requestId ?? promoting.batchId, by: promoting.by, since: promoting.since, expiresAt: now };
}

/**
 * Refuses `doing` ("This master plan cannot be instantiated now") while an import writes the plan.
 * Instantiation and master edits call it inside their transaction.
 */
export async function refuseWhileImporting(tx: DbOrTx, planId: string, now: Date, doing: string): Promise<void> {
  const holder = await importWritingPlan(tx, planId, now);
  if (!holder) return;
  const who = holder.by ? `, started by ${holder.by}` : '';
  const since = holder.since ? ` at ${holder.since.toISOString()}` : '';
  throw domainError(
    'CONFLICT',
    `${doing}: import ${holder.batchId ?? holder.requestId}${who}${since}, is writing it. Try again when that import has finished or was rolled back.`,
    { batchId: holder.batchId, by: holder.by, since: holder.since?.toISOString() ?? null },
  );
}
