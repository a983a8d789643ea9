/**
 * Moves one batch one step forward: UPLOADED (staging, chunk by chunk) -> STAGED -> VALIDATED |
 * INVALID, and PROMOTING (chunk by chunk) -> PROMOTED | FAILED. Each call does at most one chunk,
 * so every invocation stays far inside Forge's 25-second limit; the cursor of the stage's
 * orchestration row (stg_import_orchestrations_ior) says where the next call resumes. Every chunk
 * locks the batch row first, so two workers never run the same chunk.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client';
import { importBatches, importOrchestrations, importProgress, importQueue, stagedInstructions, stagedSteps } from '../../db/schema';
import type { Actor } from '../../domain/access/permissions';
import { domainError, isDomainError } from '../../domain/errors';
import { recordAudit } from '../audit';
import type { ImportConfiguration } from './configuration';
import { NOTHING_TO_CREATE, type PlannedCreations, planCreations } from './create-missing';
import { releasePlanLock, renewPlanLock } from './locks';
import { EMPTY_STATS, type PromoteCursor, promoteChunk, syncStepLabels } from './promotion';
import { checkLabels } from './labels';
import { replayUndoLog } from './rollback';
import { type StageCursor, stageChunk } from './staging';
import type { ImportProblem } from './types';
import { sortProblems, validateStagedBatch } from './validation';

export type Stage = 'STAGE' | 'VALIDATE' | 'PROMOTE' | 'ROLLBACK';

/** The VALIDATE stage's cursor: how many problems, and (with "create missing") what a promotion would create. */
export interface ValidateCursor {
  problems: number;
  creates?: PlannedCreations;
}

export interface LockedBatch {
  id: string;
  status: string;
  masterPlanId: string;
  requestId: string;
  configuration: ImportConfiguration;
  stepCount: number;
  instructionCount: number;
}

/** The batch row, locked for the rest of the transaction, with its request's configuration. */
export async function lockBatch(tx: DbOrTx, batchId: string): Promise<LockedBatch> {
  const [row] = await tx
    .select({
      id: importBatches.id,
      status: importBatches.status,
      masterPlanId: importBatches.masterPlanId,
      requestId: importBatches.queueRequestId,
      stepCount: importBatches.stepCount,
      instructionCount: importBatches.instructionCount,
    })
    .from(importBatches)
    .where(eq(importBatches.id, batchId))
    .for('update');
  if (!row) throw domainError('NOT_FOUND', 'That import does not exist.');
  if (!row.requestId) throw domainError('CONFLICT', 'The queue request of this import is missing; upload the file again.');
  // The configuration minus the (possibly large) source document.
  const [request] = await tx
    .select({ configuration: sql<ImportConfiguration>`${importQueue.configuration} - 'source'` })
    .from(importQueue)
    .where(eq(importQueue.requestId, row.requestId));
  if (!request) throw domainError('CONFLICT', 'The queue request of this import is missing; upload the file again.');
  // A batch into a new plan works against the id the plan gets at promotion (plm_id is null until then).
  const masterPlanId = row.masterPlanId ?? request.configuration.newPlan?.id;
  if (!masterPlanId) throw domainError('CONFLICT', 'The master plan of this import was deleted; upload the file again for another plan.');
  return { ...row, masterPlanId, requestId: row.requestId, configuration: request.configuration };
}

export async function readCursor<T>(tx: DbOrTx, batchId: string, stage: Stage): Promise<T | null> {
  const [row] = await tx
    .select({ cursor: importOrchestrations.cursor })
    .from(importOrchestrations)
    .where(and(eq(importOrchestrations.batchId, batchId), eq(importOrchestrations.stage, stage)));
  return (row?.cursor as T | undefined) ?? null;
}

/** Creates or updates the stage's orchestration row. */
export async function setStage(
  tx: DbOrTx,
  batchId: string,
  stage: Stage,
  values: { status: string; cursor?: unknown; errorMessage?: string | null; now: Date; by: string; started?: boolean; completed?: boolean },
): Promise<string> {
  const set = {
    status: values.status,
    ...(values.cursor === undefined ? {} : { cursor: values.cursor }),
    ...(values.errorMessage === undefined ? {} : { errorMessage: values.errorMessage }),
    heartbeatAt: values.now,
    worker: 'umig-service',
    updatedAt: values.now,
    updatedBy: values.by,
    ...(values.started ? { startedAt: values.now } : {}),
    ...(values.completed ? { completedAt: values.now } : {}),
  };
  const [row] = await tx
    .insert(importOrchestrations)
    .values({ batchId, stage, createdBy: values.by, createdAt: values.now, ...set })
    .onConflictDoUpdate({ target: [importOrchestrations.batchId, importOrchestrations.stage], set })
    .returning({ id: importOrchestrations.id });
  return row!.id;
}

async function addProgress(
  tx: DbOrTx,
  batchId: string,
  entity: 'STEP' | 'INSTRUCTION' | 'IMPACTED_TEAM' | 'ITERATION_TYPE',
  values: { processed: number; total?: number; lastKey?: string | null; orchestrationId?: string; reset?: boolean; now: Date },
): Promise<void> {
  const processed = values.reset ? sql`${values.processed}` : sql`${importProgress.processed} + ${values.processed}`;
  const total = values.total === undefined ? sql`${importProgress.total}` : sql`${values.total}`;
  await tx
    .insert(importProgress)
    .values({
      batchId,
      entityType: entity,
      total: values.total ?? 0,
      processed: values.processed,
      lastKey: values.lastKey ?? null,
      orchestrationId: values.orchestrationId ?? null,
      createdAt: values.now,
      updatedAt: values.now,
    })
    .onConflictDoUpdate({
      target: [importProgress.batchId, importProgress.entityType],
      set: {
        processed,
        total,
        ...(values.lastKey === undefined ? {} : { lastKey: values.lastKey }),
        ...(values.orchestrationId === undefined ? {} : { orchestrationId: values.orchestrationId }),
        updatedAt: values.now,
      },
    });
}

/**
 * Drops what only the checks and the promotion read (the source document and the staged rows)
 * once the batch is finished; its report, undo log and dependency edges stay.
 */
async function forgetSource(tx: DbOrTx, batch: { id: string; requestId: string }, status: 'COMPLETED' | 'FAILED' | null, now: Date): Promise<void> {
  await tx.delete(stagedSteps).where(eq(stagedSteps.batchId, batch.id));
  await tx.delete(stagedInstructions).where(eq(stagedInstructions.batchId, batch.id));
  await tx
    .update(importQueue)
    .set({
      configuration: sql`${importQueue.configuration} - 'source'`,
      lastModifiedDate: now,
      ...(status ? { status } : {}),
    })
    .where(eq(importQueue.requestId, batch.requestId));
}

/** Stages the next chunk; returns true when staging is complete. */
async function stageNext(db: Db, batchId: string, by: string, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const batch = await lockBatch(tx, batchId);
    if (batch.status !== 'UPLOADED') return batch.status !== 'UPLOADED';
    const cursor = (await readCursor<StageCursor>(tx, batchId, 'STAGE')) ?? { steps: 0, instructions: 0 };
    const chunk = await stageChunk(tx, batchId, batch.requestId, cursor, batch.configuration.chunkSize, {
      steps: batch.stepCount,
      instructions: batch.instructionCount,
    });
    const orchestrationId = await setStage(tx, batchId, 'STAGE', {
      status: chunk.done ? 'COMPLETED' : 'IN_PROGRESS',
      cursor: chunk.cursor,
      now,
      by,
      started: cursor.steps === 0 && cursor.instructions === 0,
      completed: chunk.done,
    });
    await addProgress(tx, batchId, 'STEP', { processed: chunk.steps, orchestrationId, now });
    await addProgress(tx, batchId, 'INSTRUCTION', { processed: chunk.instructions, orchestrationId, now });
    if (chunk.done) {
      await tx.update(importBatches).set({ status: 'STAGED', updatedAt: now, updatedBy: by }).where(eq(importBatches.id, batchId));
    }
    return chunk.done;
  });
}

async function parseProblems(tx: DbOrTx, requestId: string): Promise<ImportProblem[]> {
  const [row] = await tx
    .select({ problems: sql<ImportProblem[] | null>`${importQueue.configuration}->'source'->'problems'` })
    .from(importQueue)
    .where(eq(importQueue.requestId, requestId));
  return row?.problems ?? [];
}

/**
 * With "create missing": what the promotion would create (null without it), labels included when
 * the files name any; and the problems of the labels the steps name (these hold with or without it).
 */
export async function plannedCreations(tx: DbOrTx, batch: LockedBatch): Promise<{ creates: PlannedCreations | null; labelProblems: ImportProblem[] }> {
  const config = batch.configuration;
  const base = config.createMissing ? await planCreations(tx, batch.id, batch.masterPlanId, config.structure ?? [], config.newPlan) : null;
  const labels = await checkLabels(tx, batch.id, config);
  const creates = base && labels.named ? { ...base, labels: labels.missing } : base;
  return { creates, labelProblems: labels.problems };
}

/**
 * Checks the staged batch and stores the report. From STAGED this finishes the upload
 * (VALIDATED or INVALID); from VALIDATED (`revalidate`) it repeats the checks before a promotion,
 * since the plan may have changed in between. Returns the problems.
 */
export async function validateBatch(tx: DbOrTx, batch: LockedBatch, by: string, now: Date): Promise<ImportProblem[]> {
  const config = batch.configuration;
  // "Create missing": what the plan and the reference data lack is resolved as if it existed,
  // and listed (in the stage's cursor) as what a promotion would create.
  const { creates, labelProblems } = await plannedCreations(tx, batch);
  const problems = sortProblems([
    ...(await parseProblems(tx, batch.requestId)),
    ...(await validateStagedBatch(tx, batch.id, batch.masterPlanId, config, creates ?? NOTHING_TO_CREATE)),
    ...labelProblems,
  ]);
  const valid = problems.length === 0;
  await tx
    .update(importBatches)
    .set({
      status: valid ? 'VALIDATED' : 'INVALID',
      errorCount: problems.length,
      validationReport: problems,
      updatedAt: now,
      updatedBy: by,
      ...(valid ? {} : { completedAt: now }),
    })
    .where(eq(importBatches.id, batch.id));
  const cursor: ValidateCursor = { problems: problems.length, ...(creates ? { creates } : {}) };
  await setStage(tx, batch.id, 'VALIDATE', { status: 'COMPLETED', cursor, now, by, started: true, completed: true });
  if (!valid) await forgetSource(tx, batch, 'FAILED', now);
  return problems;
}

async function validateNext(db: Db, batchId: string, by: string, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const batch = await lockBatch(tx, batchId);
    if (batch.status !== 'STAGED') return;
    await validateBatch(tx, batch, by, now);
  });
}

/** Starts a promotion (status PROMOTING); the caller holds the plan lock. */
export async function beginPromotion(tx: DbOrTx, batch: LockedBatch, by: string, now: Date): Promise<void> {
  await tx.update(importBatches).set({ status: 'PROMOTING', updatedAt: now, updatedBy: by }).where(eq(importBatches.id, batch.id));
  await tx
    .update(importQueue)
    .set({ status: 'PROCESSING', startedAt: now, assignedWorker: 'umig-service', lastModifiedDate: now })
    .where(eq(importQueue.requestId, batch.requestId));
  const cursor: PromoteCursor = { afterSeq: 0, stats: EMPTY_STATS };
  const orchestrationId = await setStage(tx, batch.id, 'PROMOTE', { status: 'IN_PROGRESS', cursor, now, by, started: true, errorMessage: null });
  for (const entity of ['STEP', 'INSTRUCTION', 'IMPACTED_TEAM', 'ITERATION_TYPE'] as const) {
    await addProgress(tx, batch.id, entity, { processed: 0, reset: true, orchestrationId, lastKey: null, now });
  }
}

/**
 * Promotes the next chunk inside the caller's transaction; the last chunk also sets predecessors,
 * finishes the batch and frees the plan. `resolved`: the resolution tables of this transaction
 * are current (validation just built them), so they are not built again.
 */
export async function promoteChunkIn(tx: DbOrTx, actor: Actor, batch: LockedBatch, now: Date, resolved: boolean): Promise<void> {
  const by = actor.code;
  const batchId = batch.id;
  await renewPlanLock(tx, batch.masterPlanId, batch.requestId, now);
  const cursor = (await readCursor<PromoteCursor>(tx, batchId, 'PROMOTE')) ?? { afterSeq: 0, stats: EMPTY_STATS };
  const chunk = await promoteChunk(tx, batchId, batch.masterPlanId, by, cursor, batch.configuration.chunkSize, resolved);
  await syncStepLabels(tx, batchId, by, batch.configuration.labelMigrationId ?? null);
  const orchestrationId = await setStage(tx, batchId, 'PROMOTE', {
    status: chunk.done ? 'COMPLETED' : 'IN_PROGRESS',
    cursor: chunk.cursor,
    now,
    by,
    completed: chunk.done,
  });
  await addProgress(tx, batchId, 'STEP', { processed: chunk.steps, lastKey: chunk.lastCode, orchestrationId, now });
  await addProgress(tx, batchId, 'INSTRUCTION', { processed: chunk.instructions, orchestrationId, now });
  await addProgress(tx, batchId, 'IMPACTED_TEAM', { processed: chunk.impactedTeams, orchestrationId, now });
  await addProgress(tx, batchId, 'ITERATION_TYPE', { processed: chunk.iterationTypes, orchestrationId, now });
  if (!chunk.done) return;
  // Link totals are only known once every chunk is counted.
  await tx.execute(sql`UPDATE stg_import_progress_tracking_ipt SET ipt_total = ipt_processed
                        WHERE imb_id = ${batchId} AND ipt_entity_type IN ('IMPACTED_TEAM', 'ITERATION_TYPE')`);
  await tx.update(importBatches).set({ status: 'PROMOTED', completedAt: now, updatedAt: now, updatedBy: by }).where(eq(importBatches.id, batchId));
  await forgetSource(tx, batch, 'COMPLETED', now);
  await releasePlanLock(tx, batch.masterPlanId, batch.requestId);
  await recordAudit(tx, actor, {
    action: 'IMPORT_PROMOTED',
    entityType: 'import_batch',
    entityId: batchId,
    after: { masterPlanId: batch.masterPlanId, changes: chunk.cursor.stats },
  });
}

/** The next chunk of a promotion already under way (a call after the one that started it). */
async function promoteNext(db: Db, actor: Actor, batchId: string, now: Date): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      const batch = await lockBatch(tx, batchId);
      if (batch.status !== 'PROMOTING') return;
      await promoteChunkIn(tx, actor, batch, now, false);
    });
  } catch (error) {
    const lockLost = isDomainError(error) && error.code === 'CONFLICT';
    if (!lockLost) await failPromotion(db, batchId, error, actor.code, now);
    throw error;
  }
}

/** A chunk failed: undo the chunks already written, mark the batch FAILED and free the plan. */
async function failPromotion(db: Db, batchId: string, error: unknown, by: string, now: Date): Promise<void> {
  const reason = isDomainError(error) ? error.message : 'The promotion failed on the server; nothing of it was kept.';
  await db.transaction(async (tx) => {
    const batch = await lockBatch(tx, batchId);
    if (batch.status !== 'PROMOTING') return;
    await replayUndoLog(tx, batchId);
    await tx.update(importBatches).set({ status: 'FAILED', completedAt: now, updatedAt: now, updatedBy: by }).where(eq(importBatches.id, batchId));
    await setStage(tx, batchId, 'PROMOTE', { status: 'FAILED', errorMessage: reason, now, by, completed: true });
    await forgetSource(tx, batch, 'FAILED', now);
    await releasePlanLock(tx, batch.masterPlanId, batch.requestId);
  });
}

/**
 * One unit of work on the batch, whatever its state: a staging chunk (then validation once
 * staging is complete), or a promotion chunk. Returns without doing anything in other states.
 */
export async function advanceBatch(db: Db, actor: Actor, batchId: string, now: Date): Promise<void> {
  const [row] = await db.select({ status: importBatches.status }).from(importBatches).where(eq(importBatches.id, batchId));
  if (!row) throw domainError('NOT_FOUND', 'That import does not exist.');
  if (row.status === 'UPLOADED') {
    const staged = await stageNext(db, batchId, actor.code, now);
    if (staged) await validateNext(db, batchId, actor.code, now);
  } else if (row.status === 'STAGED') {
    await validateNext(db, batchId, actor.code, now);
  } else if (row.status === 'PROMOTING') {
    await promoteNext(db, actor, batchId, now);
  }
}
