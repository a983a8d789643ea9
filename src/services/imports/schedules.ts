/**
 * Scheduled imports (stg_scheduled_import_schedules_sis): an administrator stores an import source
 * (the files themselves, inline) with a schedule expression (schedule-expression.ts); the
 * housekeeping trigger and `npm start`'s timer call runDueSchedules, which runs every due schedule
 * as its creator, records each run in stg_schedule_execution_history_seh and plans the next one.
 */
import { randomUUID } from 'node:crypto';
import { desc, eq, inArray, sql } from 'drizzle-orm';
import { LIST_PAGE_MAX } from '../../domain/paging';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { queryRows } from '../../db/query';
import { importBatches, importSchedules, masterPlans, scheduleExecutions } from '../../db/schema';
import { domainError, isDomainError } from '../../domain/errors';
import { recordAudit } from '../audit';
import type { ServiceContext } from '../context';
import { advanceBatch } from './batch-flow';
import { createBatch, MAX_UPLOAD_BYTES, startPromotion } from './batches';
import { IMPORT_TYPE } from './configuration';
import { readCsvPair } from './csv-source';
import { readJsonDocument } from './json-source';
import { assertCanImport } from './permissions';
import { actorByCode, advanceImportQueue } from './queue';
import { purgeExpiredUploads } from './uploads';
import { firstExecution, isRecurring, nextExecution, parseScheduleExpression } from './schedule-expression';
import { IMPORT_FORMATS, type UploadedFile } from './types';

/** How long one scheduled run may keep working before it leaves the rest to the next call. */
const RUN_BUDGET_MS = 15_000;

export const createScheduleInput = z
  .strictObject({
    name: z.string().trim().min(1).max(255),
    masterPlanId: z.uuid(),
    /** "every 15 minutes", "hourly", "daily 02:30", "once 2026-12-05T22:00Z" (UTC). */
    expression: z.string().trim().min(1).max(100),
    priority: z.int().min(1).max(20).optional(),
    /** Promote as soon as the import validates (default); false stops at VALIDATED for a person to check. */
    autoPromote: z.boolean().optional(),
    /** Each run creates the sequences, phases, teams and step types the files name but the site lacks. */
    createMissing: z.boolean().optional(),
    source: z.strictObject({
      format: z.enum(IMPORT_FORMATS),
      files: z
        .array(z.strictObject({ name: z.string().trim().min(1).max(255), content: z.string().max(MAX_UPLOAD_BYTES) }))
        .min(1)
        .max(2),
    }),
  })
  .refine((input) => input.source.files.reduce((total, file) => total + Buffer.byteLength(file.content, 'utf8'), 0) <= MAX_UPLOAD_BYTES, {
    message: 'The files together are too large',
    path: ['source', 'files'],
  });
export const scheduleIdInput = z.strictObject({ scheduleId: z.uuid() });
export const listSchedulesInput = z.strictObject({});

/** What sis_import_configuration holds. */
interface ScheduleConfiguration {
  masterPlanId: string;
  autoPromote: boolean;
  createMissing?: boolean;
  source: { kind: 'INLINE'; format: 'CSV' | 'JSON'; files: UploadedFile[] };
}

export interface ScheduleRunView {
  executionId: string;
  startedAt: string;
  completedAt: string | null;
  status: string;
  recordsProcessed: number;
  errorMessage: string | null;
  batchId: string | null;
}

export interface ScheduleView {
  scheduleId: string;
  name: string;
  masterPlanId: string;
  expression: string;
  recurring: boolean;
  priority: number;
  autoPromote: boolean;
  createMissing: boolean;
  status: string;
  nextExecution: string;
  lastExecution: string | null;
  executionCount: number;
  successCount: number;
  failureCount: number;
  createdBy: string;
  history: ScheduleRunView[];
}

function expressionOf(text: string) {
  const expression = parseScheduleExpression(text);
  if (!expression) {
    throw domainError(
      'VALIDATION',
      `"${text}" is not a schedule; write "every 15 minutes", "every 2 hours", "hourly", "daily 02:30" or "once 2026-12-05T22:00Z" (times in UTC).`,
    );
  }
  return expression;
}

async function scheduleViews(db: Db, where?: ReturnType<typeof eq>): Promise<ScheduleView[]> {
  // The newest LIST_PAGE_MAX schedules at most (src/domain/paging.ts).
  const rows = await db.select().from(importSchedules).where(where).orderBy(desc(importSchedules.createdDate), desc(importSchedules.id)).limit(LIST_PAGE_MAX);
  if (rows.length === 0) return [];
  const runs = await db
    .select()
    .from(scheduleExecutions)
    .where(inArray(scheduleExecutions.scheduleId, rows.map((row) => row.id)))
    .orderBy(desc(scheduleExecutions.startedAt), desc(scheduleExecutions.id));
  return rows.map((row) => {
    const configuration = row.importConfiguration as ScheduleConfiguration;
    return {
      scheduleId: row.scheduleUuid,
      name: row.scheduleName,
      masterPlanId: configuration.masterPlanId,
      expression: row.scheduleExpression,
      recurring: row.recurring === true,
      priority: row.priority ?? 5,
      autoPromote: configuration.autoPromote,
      createMissing: configuration.createMissing === true,
      status: row.status ?? 'SCHEDULED',
      nextExecution: row.nextExecution.toISOString(),
      lastExecution: row.lastExecution?.toISOString() ?? null,
      executionCount: row.executionCount ?? 0,
      successCount: row.successCount ?? 0,
      failureCount: row.failureCount ?? 0,
      createdBy: row.createdBy,
      history: runs
        .filter((run) => run.scheduleId === row.id)
        .slice(0, 20)
        .map((run) => ({
          executionId: run.executionId,
          startedAt: run.startedAt.toISOString(),
          completedAt: run.completedAt?.toISOString() ?? null,
          status: run.status,
          recordsProcessed: run.recordsProcessed ?? 0,
          errorMessage: run.errorMessage,
          batchId: (run.executionDetails as { batchId?: string } | null)?.batchId ?? null,
        })),
    };
  });
}

async function oneSchedule(db: Db, scheduleId: string): Promise<ScheduleView> {
  const [view] = await scheduleViews(db, eq(importSchedules.scheduleUuid, scheduleId));
  if (!view) throw domainError('NOT_FOUND', 'That import schedule does not exist.');
  return view;
}

export async function createSchedule(ctx: ServiceContext, input: z.output<typeof createScheduleInput>): Promise<ScheduleView> {
  assertCanImport(ctx.actor);
  const expression = expressionOf(input.expression);
  const now = ctx.now();
  if (expression.kind === 'once' && expression.at.getTime() < now.getTime() - 60_000) {
    throw domainError('VALIDATION', 'That moment has passed; give a time in the future.');
  }
  const [plan] = await ctx.db.select({ id: masterPlans.id }).from(masterPlans).where(eq(masterPlans.id, input.masterPlanId));
  if (!plan) throw domainError('NOT_FOUND', 'That master plan does not exist.');
  // A file that cannot be read would fail every run: refuse it now, with its problems.
  const document = input.source.format === 'CSV' ? readCsvPair(input.source.files) : readJsonDocument(input.source.files);
  if (document.problems.length > 0) {
    throw domainError('VALIDATION', `The file has ${document.problems.length} problem(s); correct it before scheduling it.`, {
      problems: document.problems.slice(0, 50),
    });
  }
  const configuration: ScheduleConfiguration = {
    masterPlanId: plan.id,
    autoPromote: input.autoPromote ?? true,
    ...(input.createMissing ? { createMissing: true } : {}),
    source: { kind: 'INLINE', format: input.source.format, files: input.source.files },
  };
  const scheduleId = randomUUID();
  await ctx.db.transaction(async (tx) => {
    await tx.insert(importSchedules).values({
      scheduleUuid: scheduleId,
      scheduleName: input.name,
      importType: IMPORT_TYPE,
      scheduleExpression: input.expression,
      recurring: isRecurring(expression),
      priority: input.priority ?? 5,
      createdBy: ctx.actor.code,
      status: 'SCHEDULED',
      nextExecution: firstExecution(expression, now),
      importConfiguration: configuration,
      createdDate: now,
      lastModifiedDate: now,
      isActive: true,
    });
    await recordAudit(tx, ctx.actor, {
      action: 'IMPORT_SCHEDULE_CREATED',
      entityType: 'import_schedule',
      entityId: scheduleId,
      after: { name: input.name, masterPlanId: plan.id, expression: input.expression },
    });
  });
  return oneSchedule(ctx.db, scheduleId);
}

async function changeStatus(ctx: ServiceContext, scheduleId: string, to: 'PAUSED' | 'SCHEDULED'): Promise<ScheduleView> {
  assertCanImport(ctx.actor);
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(importSchedules).where(eq(importSchedules.scheduleUuid, scheduleId)).for('update');
    if (!row) throw domainError('NOT_FOUND', 'That import schedule does not exist.');
    const from = row.status ?? 'SCHEDULED';
    if (from === to) return;
    if (to === 'PAUSED' && from !== 'SCHEDULED') {
      throw domainError('CONFLICT', from === 'EXECUTING' ? 'The schedule is running right now; pause it when the run ends.' : `A ${from.toLowerCase()} schedule cannot be paused.`);
    }
    if (to === 'SCHEDULED' && from !== 'PAUSED') throw domainError('CONFLICT', `A ${from.toLowerCase()} schedule cannot be resumed.`);
    let next = row.nextExecution;
    if (to === 'SCHEDULED' && next.getTime() < now.getTime()) {
      // Slots missed while paused are skipped; a one-off that came due while paused runs now.
      const expression = parseScheduleExpression(row.scheduleExpression);
      next = expression && expression.kind !== 'once' ? firstExecution(expression, now) : now;
    }
    await tx
      .update(importSchedules)
      .set({ status: to, nextExecution: next, isActive: true, lastModifiedDate: now })
      .where(eq(importSchedules.id, row.id));
    await recordAudit(tx, ctx.actor, {
      action: to === 'PAUSED' ? 'IMPORT_SCHEDULE_PAUSED' : 'IMPORT_SCHEDULE_RESUMED',
      entityType: 'import_schedule',
      entityId: scheduleId,
      before: { status: from },
      after: { status: to, nextExecution: next.toISOString() },
    });
  });
  return oneSchedule(ctx.db, scheduleId);
}

export function pauseSchedule(ctx: ServiceContext, input: z.output<typeof scheduleIdInput>): Promise<ScheduleView> {
  return changeStatus(ctx, input.scheduleId, 'PAUSED');
}

export function resumeSchedule(ctx: ServiceContext, input: z.output<typeof scheduleIdInput>): Promise<ScheduleView> {
  return changeStatus(ctx, input.scheduleId, 'SCHEDULED');
}

export async function listSchedules(ctx: ServiceContext, _input: z.output<typeof listSchedulesInput>): Promise<ScheduleView[]> {
  assertCanImport(ctx.actor);
  return scheduleViews(ctx.db);
}

export interface ScheduleRunResult {
  scheduleId: string;
  name: string;
  executionId: string;
  status: 'COMPLETED' | 'FAILED' | 'IN_PROGRESS';
  batchId: string | null;
  batchStatus: string | null;
  message: string | null;
}

/** Runs one claimed schedule's import as far as the time budget allows. */
async function runImport(db: Db, row: typeof importSchedules.$inferSelect, now: Date): Promise<{ batchId: string | null; batchStatus: string | null; records: number }> {
  const configuration = row.importConfiguration as ScheduleConfiguration;
  const actor = await actorByCode(db, row.createdBy);
  assertCanImport(actor);
  const batchId = await createBatch(
    db,
    actor,
    now,
    {
      masterPlanId: configuration.masterPlanId,
      format: configuration.source.format,
      files: configuration.source.files,
      priority: row.priority ?? 5,
      ...(configuration.createMissing ? { createMissing: true } : {}),
    },
    { autoPromote: configuration.autoPromote, scheduleId: row.scheduleUuid },
  );
  const started = Date.now();
  const statusOf = async () => {
    const [batch] = await db.select({ status: importBatches.status, steps: importBatches.stepCount }).from(importBatches).where(eq(importBatches.id, batchId));
    return batch!;
  };
  let batch = await statusOf();
  while ((batch.status === 'UPLOADED' || batch.status === 'STAGED') && Date.now() - started < RUN_BUDGET_MS) {
    await advanceBatch(db, actor, batchId, now);
    batch = await statusOf();
  }
  if (batch.status === 'VALIDATED' && configuration.autoPromote) {
    await startPromotion(db, actor, batchId, now);
    batch = await statusOf();
  }
  while (batch.status === 'PROMOTING' && Date.now() - started < RUN_BUDGET_MS) {
    await advanceBatch(db, actor, batchId, now);
    batch = await statusOf();
  }
  return { batchId, batchStatus: batch.status, records: batch.steps };
}

/**
 * Runs every schedule that is due at `now` (highest priority first), each as the administrator
 * who created it, then moves on any import left half-way in the queue. Safe to call from several
 * service instances at once: a schedule is claimed (EXECUTING) before it runs, and a claim older
 * than the schedule's timeout is considered abandoned and claimed again.
 */
export async function runDueSchedules(db: Db, now: Date): Promise<ScheduleRunResult[]> {
  const claimed = await db.transaction(async (tx) => {
    const due = await queryRows<{ sis_id: number }>(
      tx,
      sql`SELECT sis_id FROM stg_scheduled_import_schedules_sis
           WHERE sis_is_active
             AND ((sis_status = 'SCHEDULED' AND sis_next_execution <= ${now})
                  OR (sis_status = 'EXECUTING' AND sis_last_execution <= ${now}::timestamptz - make_interval(mins => coalesce(sis_timeout_minutes, 60))))
           ORDER BY sis_priority DESC NULLS LAST, sis_next_execution, sis_id
           LIMIT 20
           FOR UPDATE SKIP LOCKED`,
    );
    if (due.length === 0) return [];
    return tx
      .update(importSchedules)
      .set({ status: 'EXECUTING', lastExecution: now, lastModifiedDate: now })
      .where(inArray(importSchedules.id, due.map((row) => row.sis_id)))
      .returning();
  });
  claimed.sort((a, b) => (b.priority ?? 5) - (a.priority ?? 5) || a.nextExecution.getTime() - b.nextExecution.getTime() || a.id - b.id);

  const results: ScheduleRunResult[] = [];
  for (const row of claimed) {
    const executionId = randomUUID();
    await db.insert(scheduleExecutions).values({ scheduleId: row.id, executionId, startedAt: now, status: 'STARTED', createdDate: now });
    let outcome: ScheduleRunResult;
    let records = 0;
    try {
      const run = await runImport(db, row, now);
      records = run.records;
      const done = run.batchStatus === 'PROMOTED' || (run.batchStatus === 'VALIDATED' && !(row.importConfiguration as ScheduleConfiguration).autoPromote);
      const failed = run.batchStatus === 'INVALID' || run.batchStatus === 'FAILED';
      outcome = {
        scheduleId: row.scheduleUuid,
        name: row.scheduleName,
        executionId,
        status: done ? 'COMPLETED' : failed ? 'FAILED' : 'IN_PROGRESS',
        batchId: run.batchId,
        batchStatus: run.batchStatus,
        message: failed ? `The import ended ${run.batchStatus}; see its report.` : null,
      };
    } catch (error) {
      outcome = {
        scheduleId: row.scheduleUuid,
        name: row.scheduleName,
        executionId,
        status: 'FAILED',
        batchId: null,
        batchStatus: null,
        message: isDomainError(error) ? error.message : 'The import failed on the server.',
      };
    }
    const expression = parseScheduleExpression(row.scheduleExpression);
    const next = expression ? nextExecution(expression, row.nextExecution, now) : null;
    const succeeded = outcome.status !== 'FAILED';
    await db.transaction(async (tx) => {
      await tx
        .update(scheduleExecutions)
        .set({
          status: outcome.status,
          completedAt: outcome.status === 'IN_PROGRESS' ? null : now,
          recordsProcessed: records,
          errorMessage: outcome.message,
          executionDetails: { batchId: outcome.batchId, batchStatus: outcome.batchStatus },
        })
        .where(eq(scheduleExecutions.executionId, executionId));
      await tx
        .update(importSchedules)
        .set({
          status: next ? 'SCHEDULED' : succeeded ? 'COMPLETED' : 'FAILED',
          isActive: next !== null,
          ...(next ? { nextExecution: next } : {}),
          executionCount: sql`coalesce(${importSchedules.executionCount}, 0) + 1`,
          successCount: sql`coalesce(${importSchedules.successCount}, 0) + ${succeeded ? 1 : 0}`,
          failureCount: sql`coalesce(${importSchedules.failureCount}, 0) + ${succeeded ? 0 : 1}`,
          lastModifiedDate: now,
        })
        .where(eq(importSchedules.id, row.id));
    });
    results.push(outcome);
  }
  await advanceImportQueue(db, now);
  await purgeExpiredUploads(db, now);
  return results;
}
