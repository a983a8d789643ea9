/**
 * The import use cases behind the 'imports/…' resolvers: upload (read, stage, validate), continue
 * (the next chunk), promote, rollback, get and list. Each one checks the actor first, then the
 * payload, and writes in short transactions that each leave the batch in a state it can resume from.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client';
import { migrationExists, planNamed, plannedPlanId } from '../../db/repositories/imports';
import {
  importBatches,
  importOrchestrations,
  importProgress,
  importQueue,
  importResourceLocks,
  masterPlans,
} from '../../db/schema';
import type { Actor } from '../../domain/access/permissions';
import { domainError } from '../../domain/errors';
import { recordAudit } from '../audit';
import type { ServiceContext } from '../context';
import { advanceBatch, beginPromotion, lockBatch, promoteChunkIn, readCursor, setStage, validateBatch, type ValidateCursor } from './batch-flow';
import { countCreations, createPlanned, explainInUse, type PlannedCreations, planNameTaken, refuseHiddenUse } from './create-missing';
import { IMPORT_TYPE, type ImportConfiguration, type NewPlan } from './configuration';
import { readCsvPair } from './csv-source';
import { readJsonDocument } from './json-source';
import { acquirePlanLock, releasePlanLock, runningImport, conflictWith, PLAN_RESOURCE } from './locks';
import { assertCanImport } from './permissions';
import type { PromoteCursor, PromotionStats } from './promotion';
import { insertedRowsInUse, replayUndoLog } from './rollback';
import { IMPORT_FORMATS, type ImportProblem, type UploadedFile } from './types';
import { sortProblems } from './validation';

/** Upper bound of one upload, all files together (UTF-8 bytes). */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
/** Steps per chunk (and five instructions per step) unless the upload asks for fewer. */
export const DEFAULT_CHUNK_SIZE = 2000;

const fileInput = z.strictObject({
  name: z.string().trim().min(1).max(255),
  content: z.string().max(MAX_UPLOAD_BYTES),
});

/** A master plan the import creates (with "create missing"): its name and owner team (by name, created too if missing). */
export const newPlanInput = z.strictObject({
  name: z.string().trim().min(1).max(255),
  ownerTeam: z.string().trim().min(1).max(64),
  description: z.string().trim().max(10_000).nullish(),
});
export type NewPlanInput = z.output<typeof newPlanInput>;

const ONE_TARGET = { message: 'Name the target: masterPlanId (an existing plan) or newPlan (a plan the import creates), not both.', path: ['masterPlanId'] };

export const uploadImportInput = z
  .strictObject({
    /** The plan to import into; or `newPlan`. */
    masterPlanId: z.uuid().optional(),
    /** A master plan the import creates at promotion (needs createMissing). */
    newPlan: newPlanInput.optional(),
    /** The migration whose labels the steps' `labels` name (and where "create missing" creates them). */
    labelMigrationId: z.uuid().optional(),
    format: z.enum(IMPORT_FORMATS),
    files: z.array(fileInput).min(1).max(2),
    /** Queue priority, 1 (lowest) to 20; 5 by default. */
    priority: z.int().min(1).max(20).optional(),
    /** Steps per chunk; a batch with more steps is staged and promoted over several calls. */
    chunkSize: z.int().min(1).max(5000).optional(),
    /** Create the sequences, phases, teams and step types the files name but the site lacks. */
    createMissing: z.boolean().optional(),
  })
  .refine((input) => input.files.reduce((total, file) => total + Buffer.byteLength(file.content, 'utf8'), 0) <= MAX_UPLOAD_BYTES, {
    message: `The files together are larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`,
    path: ['files'],
  })
  .refine((input) => (input.masterPlanId === undefined) !== (input.newPlan === undefined), ONE_TARGET);
export type UploadImportInput = z.output<typeof uploadImportInput>;

export const batchIdInput = z.strictObject({ batchId: z.uuid() });
export const listImportsInput = z.strictObject({ masterPlanId: z.uuid().optional() });

export interface ImportProgressView {
  entity: string;
  total: number;
  processed: number;
  failed: number;
  lastKey: string | null;
}

export interface ImportBatchSummary {
  batchId: string;
  masterPlanId: string | null;
  format: string;
  fileNames: string[];
  status: string;
  createdBy: string | null;
  createdAt: string | null;
  completedAt: string | null;
  rolledBackAt: string | null;
  rolledBackBy: string | null;
  counts: { steps: number; instructions: number; errors: number };
}

export interface ImportBatchView extends ImportBatchSummary {
  priority: number | null;
  queueStatus: string | null;
  stages: Array<{ stage: string; status: string; cursor: unknown; errorMessage: string | null }>;
  progress: ImportProgressView[];
  /** What the promotion changed (or has changed so far). */
  changes: PromotionStats | null;
  /** Whether the upload asked to create what it names but the site lacks. */
  createMissing: boolean;
  /** The master plan the import creates (masterPlanId is null until it is promoted, and again after a rollback). */
  newPlan: { name: string; ownerTeam: string } | null;
  /**
   * With "create missing": what the promotion creates (or created), as found by the last check;
   * null without it. Nothing is created before the promotion.
   */
  creates: PlannedCreations | null;
  /** Every problem found, sorted by file, line and column. */
  report: ImportProblem[];
  /** The call that moves this batch on: 'continue' while chunks remain, then 'promote', then 'rollback'. */
  next: 'continue' | 'promote' | 'rollback' | null;
}

const iso = (value: Date | null | undefined) => (value ? value.toISOString() : null);

function summaryOf(row: typeof importBatches.$inferSelect): ImportBatchSummary {
  return {
    batchId: row.id,
    masterPlanId: row.masterPlanId,
    format: row.sourceType,
    fileNames: row.sourceNames ? (JSON.parse(row.sourceNames) as string[]) : [],
    status: row.status,
    createdBy: row.createdBy,
    createdAt: iso(row.createdAt),
    completedAt: iso(row.completedAt),
    rolledBackAt: iso(row.rolledBackAt),
    rolledBackBy: row.rolledBackBy,
    counts: { steps: row.stepCount, instructions: row.instructionCount, errors: row.errorCount },
  };
}

async function latestPromoted(db: Db, planId: string): Promise<string | null> {
  const [row] = await db
    .select({ id: importBatches.id })
    .from(importBatches)
    .where(and(eq(importBatches.masterPlanId, planId), eq(importBatches.status, 'PROMOTED')))
    .orderBy(desc(importBatches.completedAt))
    .limit(1);
  return row?.id ?? null;
}

export async function batchView(db: Db, batchId: string): Promise<ImportBatchView> {
  const [row] = await db.select().from(importBatches).where(eq(importBatches.id, batchId));
  if (!row) throw domainError('NOT_FOUND', 'That import does not exist.');
  const [request] = row.queueRequestId
    ? await db
        .select({
          priority: importQueue.priority,
          status: importQueue.status,
          createMissing: sql<boolean | null>`(${importQueue.configuration}->>'createMissing')::boolean`,
          newPlan: sql<{ name: string; ownerTeam: string } | null>`${importQueue.configuration}->'newPlan'`,
        })
        .from(importQueue)
        .where(eq(importQueue.requestId, row.queueRequestId))
    : [];
  const stages = await db
    .select({ stage: importOrchestrations.stage, status: importOrchestrations.status, cursor: importOrchestrations.cursor, errorMessage: importOrchestrations.errorMessage })
    .from(importOrchestrations)
    .where(eq(importOrchestrations.batchId, batchId))
    .orderBy(importOrchestrations.createdAt);
  const order = ['STAGE', 'VALIDATE', 'PROMOTE', 'ROLLBACK'];
  stages.sort((a, b) => order.indexOf(a.stage) - order.indexOf(b.stage));
  const progress = await db
    .select({
      entity: importProgress.entityType,
      total: importProgress.total,
      processed: importProgress.processed,
      failed: importProgress.failed,
      lastKey: importProgress.lastKey,
    })
    .from(importProgress)
    .where(eq(importProgress.batchId, batchId))
    .orderBy(importProgress.id);
  const promote = stages.find((stage) => stage.stage === 'PROMOTE');
  const validate = stages.find((stage) => stage.stage === 'VALIDATE');
  let next: ImportBatchView['next'] = null;
  if (row.status === 'UPLOADED' || row.status === 'STAGED' || row.status === 'PROMOTING') next = 'continue';
  else if (row.status === 'VALIDATED') next = 'promote';
  else if (row.status === 'PROMOTED' && row.masterPlanId && (await latestPromoted(db, row.masterPlanId)) === row.id) next = 'rollback';
  return {
    ...summaryOf(row),
    priority: request?.priority ?? null,
    queueStatus: request?.status ?? null,
    stages,
    progress,
    changes: (promote?.cursor as PromoteCursor | null)?.stats ?? null,
    createMissing: request?.createMissing === true,
    newPlan: request?.newPlan ? { name: request.newPlan.name, ownerTeam: request.newPlan.ownerTeam } : null,
    creates: (validate?.cursor as ValidateCursor | null)?.creates ?? null,
    report: (row.validationReport as ImportProblem[] | null) ?? [],
    next,
  };
}

/**
 * Creates the batch and its queue request for an upload already read into a document, then does
 * the first unit of work. Shared by the resolver and by scheduled imports.
 */
export async function createBatch(
  db: Db,
  actor: Actor,
  now: Date,
  input: {
    masterPlanId?: string | null;
    newPlan?: NewPlanInput | null;
    labelMigrationId?: string | null;
    format: 'CSV' | 'JSON';
    files: UploadedFile[];
    priority?: number;
    chunkSize?: number;
    createMissing?: boolean;
  },
  extra: { autoPromote?: boolean; scheduleId?: string } = {},
): Promise<string> {
  const newPlan = input.newPlan ? await checkNewPlan(db, input.newPlan, input.createMissing === true) : null;
  if (input.labelMigrationId && !(await migrationExists(db, input.labelMigrationId))) throw domainError('NOT_FOUND', 'The migration chosen for the labels does not exist.');
  let plan: { id: string };
  if (newPlan) {
    // Nothing is created before the promotion: the batch is checked against the (empty) plan with this id.
    plan = { id: newPlan.id };
  } else {
    if (!input.masterPlanId) throw domainError('VALIDATION', 'Choose the master plan to import into, or a new one.');
    const [found] = await db.select({ id: masterPlans.id }).from(masterPlans).where(eq(masterPlans.id, input.masterPlanId));
    if (!found) throw domainError('NOT_FOUND', 'That master plan does not exist.');
    plan = found;
    const running = await runningImport(db, plan.id, now);
    if (running) throw conflictWith(running);
  }

  const document = input.format === 'CSV' ? readCsvPair(input.files) : readJsonDocument(input.files);
  const batchId = randomUUID();
  const requestId = randomUUID();
  const configuration: ImportConfiguration = {
    batchId,
    masterPlanId: plan.id,
    format: input.format,
    stepsFile: document.stepsFile,
    instructionsFile: document.instructionsFile,
    chunkSize: input.chunkSize ?? DEFAULT_CHUNK_SIZE,
    ...(extra.autoPromote ? { autoPromote: true } : {}),
    ...(extra.scheduleId ? { scheduleId: extra.scheduleId } : {}),
    ...(input.createMissing ? { createMissing: true, structure: document.structure } : {}),
    ...(newPlan ? { newPlan } : {}),
    ...(input.labelMigrationId ? { labelMigrationId: input.labelMigrationId } : {}),
    source: { steps: document.steps, instructions: document.instructions, problems: document.problems },
  };
  const fileNames = input.files.map((file) => file.name);
  const readingProblems = sortProblems(document.problems);

  await db.transaction(async (tx) => {
    await tx.insert(importQueue).values({
      requestId,
      priority: input.priority ?? 5,
      status: 'QUEUED',
      importType: IMPORT_TYPE,
      requestedBy: actor.code,
      requestedAt: now,
      configuration,
      resourceRequirements: { resource: PLAN_RESOURCE, id: plan.id, lock: 'EXCLUSIVE' },
      createdDate: now,
      lastModifiedDate: now,
    });
    await tx.insert(importBatches).values({
      id: batchId,
      sourceType: input.format,
      sourceNames: JSON.stringify(fileNames),
      masterPlanId: newPlan ? null : plan.id,
      queueRequestId: requestId,
      status: 'UPLOADED',
      stepCount: document.steps.length,
      instructionCount: document.instructions.length,
      errorCount: readingProblems.length,
      validationReport: readingProblems,
      startedAt: now,
      createdBy: actor.code,
      createdAt: now,
      updatedBy: actor.code,
      updatedAt: now,
    });
    await setStage(tx, batchId, 'STAGE', { status: 'PENDING', cursor: { steps: 0, instructions: 0 }, now, by: actor.code });
    await tx.insert(importProgress).values([
      { batchId, entityType: 'STEP', total: document.steps.length, createdAt: now, updatedAt: now },
      { batchId, entityType: 'INSTRUCTION', total: document.instructions.length, createdAt: now, updatedAt: now },
    ]);
    await recordAudit(tx, actor, {
      action: 'IMPORT_UPLOADED',
      entityType: 'import_batch',
      entityId: batchId,
      after: { masterPlanId: plan.id, ...(newPlan ? { newPlan } : {}), format: input.format, files: fileNames, steps: document.steps.length, instructions: document.instructions.length },
    });
  });
  await advanceBatch(db, actor, batchId, now);
  return batchId;
}

/**
 * A new plan is refused before anything is stored when it cannot be made: without "create
 * missing" (an empty plan has no phase for the steps), under a name another plan has, or with an
 * owner team that does not exist and is not to be created.
 */
export async function checkNewPlan(db: DbOrTx, input: NewPlanInput, createMissing: boolean): Promise<NewPlan> {
  if (!createMissing) {
    throw domainError('VALIDATION', 'A new master plan starts empty: tick "Create what is missing" so that its sequences, phases and owner team are created.');
  }
  const taken = await planNamed(db, input.name);
  if (taken) throw planNameTaken(taken.name);
  return { id: randomUUID(), name: input.name, ownerTeam: input.ownerTeam, description: input.description ?? null };
}

export async function uploadImport(ctx: ServiceContext, input: UploadImportInput): Promise<ImportBatchView> {
  assertCanImport(ctx.actor);
  const batchId = await createBatch(ctx.db, ctx.actor, ctx.now(), input);
  return batchView(ctx.db, batchId);
}

export async function continueImport(ctx: ServiceContext, input: z.output<typeof batchIdInput>): Promise<ImportBatchView> {
  assertCanImport(ctx.actor);
  await advanceBatch(ctx.db, ctx.actor, input.batchId, ctx.now());
  return batchView(ctx.db, input.batchId);
}

/** Starts promoting a validated batch under the plan's lock; the first chunk runs in this call. */
export async function startPromotion(db: Db, actor: Actor, batchId: string, now: Date): Promise<void> {
  const [row] = await db
    .select({ status: importBatches.status, planId: importBatches.masterPlanId, requestId: importBatches.queueRequestId, errors: importBatches.errorCount })
    .from(importBatches)
    .where(eq(importBatches.id, batchId));
  if (!row) throw domainError('NOT_FOUND', 'That import does not exist.');
  if (row.status === 'PROMOTING') return advanceBatch(db, actor, batchId, now);
  if (row.status === 'INVALID') {
    throw domainError('VALIDATION', `This import has ${row.errors} problem(s); correct the file and upload it again.`);
  }
  if (row.status === 'UPLOADED' || row.status === 'STAGED') {
    throw domainError('CONFLICT', 'This import is still being read; continue it until it is validated.');
  }
  if (row.status !== 'VALIDATED') throw domainError('CONFLICT', `This import is ${row.status.toLowerCase().replace('_', ' ')}; upload the file again.`);
  if (!row.requestId) throw domainError('CONFLICT', 'The queue request of this import is missing; upload the file again.');
  const requestId = row.requestId;
  // A new plan has no row yet: the batch works against the id it will get.
  const plannedId = row.planId ? null : await plannedPlanId(db, requestId);
  const planId = row.planId ?? plannedId;
  if (!planId) throw domainError('CONFLICT', 'The master plan of this import was deleted.');

  await acquirePlanLock(db, planId, requestId, now, { planned: plannedId !== null });
  let problems: ImportProblem[];
  try {
    // Checks again (the plan may have changed since the upload) and promotes the first chunk in
    // one transaction: a batch of one chunk is promoted all at once or not at all.
    problems = await db.transaction(async (tx) => {
      const batch = await lockBatch(tx, batchId);
      if (batch.status !== 'VALIDATED') throw domainError('CONFLICT', 'This import changed state meanwhile; reload it.');
      const found = await validateBatch(tx, batch, actor.code, now);
      if (found.length > 0) {
        await releasePlanLock(tx, planId, requestId);
        return found;
      }
      await beginPromotion(tx, batch, actor.code, now);
      // "Create missing": the sequences, phases, teams and step types first (logged, so a rollback
      // removes them), then the steps, resolved again against what now exists.
      const creates = batch.configuration.createMissing ? (await readCursor<ValidateCursor>(tx, batchId, 'VALIDATE'))?.creates : undefined;
      if (creates && countCreations(creates) > 0) await createPlanned(tx, batchId, planId, actor.code, creates, {
          ...(batch.configuration.newPlan ? { newPlan: batch.configuration.newPlan } : {}),
          ...(batch.configuration.labelMigrationId ? { labelMigrationId: batch.configuration.labelMigrationId } : {}),
          userId: actor.userId,
        });
      await promoteChunkIn(tx, actor, { ...batch, status: 'PROMOTING' }, now, !creates || countCreations(creates) === 0);
      return found;
    });
  } catch (error) {
    // Nothing of the transaction was kept: the batch is still VALIDATED and may be promoted again.
    await db.transaction((tx) => releasePlanLock(tx, planId, requestId));
    throw error;
  }
  if (problems.length > 0) {
    throw domainError('VALIDATION', `The plan changed since this import was checked: ${problems.length} problem(s) now; see the report.`, {
      batchId,
    });
  }
}

export async function promoteImport(ctx: ServiceContext, input: z.output<typeof batchIdInput>): Promise<ImportBatchView> {
  assertCanImport(ctx.actor);
  await startPromotion(ctx.db, ctx.actor, input.batchId, ctx.now());
  return batchView(ctx.db, input.batchId);
}

/**
 * Restores the master exactly as it was before the batch's promotion, in one transaction. Only
 * the plan's latest promoted import can be rolled back (an earlier one would undo on top of later
 * changes), and not once an iteration has copied steps or instructions it created.
 */
export async function rollbackImport(ctx: ServiceContext, input: z.output<typeof batchIdInput>): Promise<ImportBatchView> {
  assertCanImport(ctx.actor);
  const db = ctx.db;
  const now = ctx.now();
  const [row] = await db.select().from(importBatches).where(eq(importBatches.id, input.batchId));
  if (!row) throw domainError('NOT_FOUND', 'That import does not exist.');
  if (row.status === 'ROLLED_BACK') throw domainError('CONFLICT', 'This import was already rolled back.');
  if (row.status !== 'PROMOTED') throw domainError('CONFLICT', 'Only a promoted import can be rolled back; this one changed nothing.');
  if (!row.masterPlanId || !row.queueRequestId) throw domainError('CONFLICT', 'The master plan of this import was deleted.');
  const planId = row.masterPlanId;
  const requestId = row.queueRequestId;
  const [later] = await db
    .select({ id: importBatches.id, by: importBatches.createdBy })
    .from(importBatches)
    .where(and(eq(importBatches.masterPlanId, planId), eq(importBatches.status, 'PROMOTED'), gt(importBatches.completedAt, row.completedAt ?? new Date(0))))
    .limit(1);
  if (later) {
    throw domainError('CONFLICT', `Import ${later.id} (by ${later.by}) was promoted into this plan later; roll that one back first.`, {
      batchId: later.id,
    });
  }

  await acquirePlanLock(db, planId, requestId, now);
  try {
    await db.transaction(async (tx) => {
      const batch = await lockBatch(tx, input.batchId);
      if (batch.status !== 'PROMOTED') throw domainError('CONFLICT', 'This import changed state meanwhile; reload it.');
      const inUse = await insertedRowsInUse(tx, input.batchId);
      if (inUse.steps + inUse.instructions > 0) {
        throw domainError(
          'CONFLICT',
          `Iteration runs already use ${inUse.steps} step(s) and ${inUse.instructions} instruction(s) this import created, so it cannot be rolled back yet. ` +
            'Delete those plan instances first (UMIG administration, Iterations, Plan instances; possible while a run has not started), then roll back again. ' +
            'A run that has started keeps its steps, so the import stays; archive that run instead to hide it.',
        );
      }
      await setStage(tx, input.batchId, 'ROLLBACK', { status: 'IN_PROGRESS', now, by: ctx.actor.code, started: true });
      await refuseHiddenUse(tx, input.batchId);
      let undone: number;
      try {
        // In a savepoint, so a row that is now used elsewhere can still be named before giving up.
        undone = await tx.transaction((savepoint) => replayUndoLog(savepoint, input.batchId));
      } catch (error) {
        throw (await explainInUse(tx, error)) ?? error;
      }
      await setStage(tx, input.batchId, 'ROLLBACK', { status: 'COMPLETED', cursor: { undone }, now, by: ctx.actor.code, completed: true });
      await tx
        .update(importBatches)
        .set({ status: 'ROLLED_BACK', rolledBackAt: now, rolledBackBy: ctx.actor.code, updatedAt: now, updatedBy: ctx.actor.code })
        .where(eq(importBatches.id, input.batchId));
      await releasePlanLock(tx, planId, requestId);
      await recordAudit(tx, ctx.actor, { action: 'IMPORT_ROLLED_BACK', entityType: 'import_batch', entityId: input.batchId, after: { undone } });
    });
  } catch (error) {
    await db.transaction((tx) => releasePlanLock(tx, planId, requestId));
    throw error;
  }
  return batchView(db, input.batchId);
}

export async function getImport(ctx: ServiceContext, input: z.output<typeof batchIdInput>): Promise<ImportBatchView> {
  assertCanImport(ctx.actor);
  return batchView(ctx.db, input.batchId);
}

/** The 100 most recent imports, newest first, optionally of one plan; with the plan's current lock. */
export async function listImports(
  ctx: ServiceContext,
  input: z.output<typeof listImportsInput>,
): Promise<{ imports: ImportBatchSummary[]; runningLocks: Array<{ masterPlanId: string; requestId: string; expiresAt: string }> }> {
  assertCanImport(ctx.actor);
  const rows = await ctx.db
    .select()
    .from(importBatches)
    .where(input.masterPlanId ? eq(importBatches.masterPlanId, input.masterPlanId) : undefined)
    .orderBy(desc(importBatches.createdAt), desc(importBatches.id))
    .limit(100);
  const locks = await ctx.db
    .select({ masterPlanId: importResourceLocks.resourceId, requestId: importResourceLocks.lockedByRequest, expiresAt: importResourceLocks.expiresAt })
    .from(importResourceLocks)
    .where(
      and(
        eq(importResourceLocks.resourceType, PLAN_RESOURCE),
        eq(importResourceLocks.isActive, true),
        input.masterPlanId ? eq(importResourceLocks.resourceId, input.masterPlanId) : undefined,
        gt(importResourceLocks.expiresAt, ctx.now()),
      ),
    );
  return {
    imports: rows.map(summaryOf),
    runningLocks: locks.map((lock) => ({ ...lock, expiresAt: lock.expiresAt.toISOString() })),
  };
}


