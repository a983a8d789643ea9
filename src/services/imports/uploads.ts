/**
 * Uploads in parts: how files of up to 20 MB reach an import through calls that each stay far
 * below the UMIG service's body limit (1 MiB) and Forge's invocation payload limit (5 MB).
 *
 *   imports/uploads/start  { masterPlanId, format, files: [{ name, bytes }], … } -> { uploadId, partBytes }
 *   imports/uploads/part   { uploadId, file, index, content }                   -> what has arrived
 *   imports/uploads/get    { uploadId }                                          -> what has arrived (to resume)
 *   imports/uploads/finish { uploadId }                                          -> the batch view
 *
 * A part sent again replaces itself, so a client that lost an answer resends that part; finishing
 * twice returns the same batch. Finishing joins each file's parts and creates the batch exactly as
 * `imports/upload` does with inline files.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import {
  assembleFile,
  claimForFinishing,
  deleteExpiredUploads,
  findUpload,
  insertUpload,
  markFinished,
  partSummaries,
  releaseFinishingClaim,
  upsertPart,
  type ImportUploadRow,
  type PartSummary,
} from '../../db/repositories/import-uploads';
import type { Db } from '../../db/client';
import { masterPlans } from '../../db/schema';
import { domainError } from '../../domain/errors';
import { recordAudit } from '../audit';
import type { ServiceContext } from '../context';
import { batchView, checkNewPlan, createBatch, MAX_UPLOAD_BYTES, newPlanInput, type ImportBatchView } from './batches';
import { conflictWith, runningImport } from './locks';
import { assertCanImport } from './permissions';
import { IMPORT_FORMATS } from './types';

/** Largest part (UTF-8 bytes of its text): with JSON escaping it stays inside the 1 MiB body limit. */
export const UPLOAD_PART_MAX_BYTES = 512 * 1024;
/** An unfinished upload is deleted this long after it was started. */
export const UPLOAD_EXPIRY_HOURS = 24;
/** A finishing call that has not answered after this long is taken as dead; finishing may be retried. */
const FINISH_CLAIM_MINUTES = 2;

const MAX_PARTS_PER_FILE = Math.ceil(MAX_UPLOAD_BYTES / 1024) + 1;

export const startUploadInput = z
  .strictObject({
    masterPlanId: z.uuid().optional(),
    /** A master plan the import creates at promotion (needs createMissing); instead of masterPlanId. */
    newPlan: newPlanInput.optional(),
    /** The migration whose labels the steps name (and where "create missing" creates them). */
    labelMigrationId: z.uuid().optional(),
    format: z.enum(IMPORT_FORMATS),
    files: z
      .array(z.strictObject({ name: z.string().trim().min(1).max(255), bytes: z.int().min(0).max(MAX_UPLOAD_BYTES) }))
      .min(1)
      .max(2),
    priority: z.int().min(1).max(20).optional(),
    chunkSize: z.int().min(1).max(5000).optional(),
    createMissing: z.boolean().optional(),
  })
  .refine((input) => input.files.reduce((total, file) => total + file.bytes, 0) <= MAX_UPLOAD_BYTES, {
    message: `The files together are larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`,
    path: ['files'],
  })
  .refine((input) => (input.masterPlanId === undefined) !== (input.newPlan === undefined), {
    message: 'Name the target: masterPlanId (an existing plan) or newPlan (a plan the import creates), not both.',
    path: ['masterPlanId'],
  });

export const uploadPartInput = z.strictObject({
  uploadId: z.uuid(),
  /** Position of the file in the start call's `files`. */
  file: z.int().min(0).max(1),
  /** Position of the part in its file, from 0. */
  index: z.int().min(0).max(MAX_PARTS_PER_FILE),
  content: z.string().max(UPLOAD_PART_MAX_BYTES),
});

export const uploadIdInput = z.strictObject({ uploadId: z.uuid() });

export interface UploadFileProgress {
  name: string;
  bytes: number;
  receivedBytes: number;
  /** Indexes of the parts received, in order. */
  parts: number[];
}

export interface UploadView {
  uploadId: string;
  /** Null when the upload names a new plan (`newPlan`). */
  masterPlanId: string | null;
  newPlan: { name: string; ownerTeam: string } | null;
  format: 'CSV' | 'JSON';
  status: 'RECEIVING' | 'FINISHED';
  /** Largest part accepted, in UTF-8 bytes. */
  partBytes: number;
  expiresAt: string;
  files: UploadFileProgress[];
  /** The batch the finished upload became. */
  batchId: string | null;
}

function viewOf(row: ImportUploadRow, parts: PartSummary[]): UploadView {
  return {
    uploadId: row.id,
    masterPlanId: row.masterPlanId,
    newPlan: row.options.newPlan ? { name: row.options.newPlan.name, ownerTeam: row.options.newPlan.ownerTeam } : null,
    format: row.format as 'CSV' | 'JSON',
    status: row.status as 'RECEIVING' | 'FINISHED',
    partBytes: UPLOAD_PART_MAX_BYTES,
    expiresAt: row.expiresAt.toISOString(),
    files: row.files.map((file, index) => {
      const mine = parts.filter((part) => part.file === index);
      return { name: file.name, bytes: file.bytes, receivedBytes: mine.reduce((sum, part) => sum + part.bytes, 0), parts: mine.map((part) => part.index) };
    }),
    batchId: row.batchId,
  };
}

/** The upload, if it is the actor's and still open for parts. */
async function ownUpload(ctx: ServiceContext, uploadId: string): Promise<ImportUploadRow> {
  const row = await findUpload(ctx.db, uploadId);
  // Another administrator's upload is not found either: its parts are not theirs to add to or finish.
  if (!row || row.createdBy !== ctx.actor.code) throw domainError('NOT_FOUND', 'That upload does not exist (or it expired); start the upload again.');
  if (row.status === 'RECEIVING' && row.expiresAt <= ctx.now()) {
    throw domainError('NOT_FOUND', `That upload expired ${UPLOAD_EXPIRY_HOURS} hours after it was started; start the upload again.`);
  }
  return row;
}

export async function startUpload(ctx: ServiceContext, input: z.output<typeof startUploadInput>): Promise<UploadView> {
  assertCanImport(ctx.actor);
  const now = ctx.now();
  if (input.format === 'JSON' && input.files.length !== 1) throw domainError('VALIDATION', 'A JSON import is one file.');
  if (input.format === 'CSV' && input.files.length !== 2) throw domainError('VALIDATION', 'A CSV import is two files: the steps and the instructions.');
  let plan: { id: string } | null = null;
  if (input.newPlan) {
    // Refused before megabytes are sent (checked again when the upload is finished).
    await checkNewPlan(ctx.db, input.newPlan, input.createMissing === true);
  } else {
    const [found] = await ctx.db.select({ id: masterPlans.id }).from(masterPlans).where(eq(masterPlans.id, input.masterPlanId ?? ''));
    if (!found) throw domainError('NOT_FOUND', 'That master plan does not exist.');
    plan = found;
    // Refused before megabytes are sent, not after.
    const running = await runningImport(ctx.db, plan.id, now);
    if (running) throw conflictWith(running);
  }
  const options = {
    ...(input.labelMigrationId ? { labelMigrationId: input.labelMigrationId } : {}),
    ...(input.newPlan ? { newPlan: { name: input.newPlan.name, ownerTeam: input.newPlan.ownerTeam, description: input.newPlan.description ?? null } } : {}),
    ...(input.priority === undefined ? {} : { priority: input.priority }),
    ...(input.chunkSize === undefined ? {} : { chunkSize: input.chunkSize }),
    ...(input.createMissing ? { createMissing: true } : {}),
  };
  const row = await ctx.db.transaction(async (tx) => {
    const created = await insertUpload(tx, {
      masterPlanId: plan?.id ?? null,
      format: input.format,
      files: input.files.map((file) => ({ name: file.name, bytes: file.bytes })),
      options,
      expiresAt: new Date(now.getTime() + UPLOAD_EXPIRY_HOURS * 3_600_000),
      createdBy: ctx.actor.code,
      createdAt: now,
      updatedBy: ctx.actor.code,
      updatedAt: now,
    });
    await recordAudit(tx, ctx.actor, {
      action: 'IMPORT_UPLOAD_STARTED',
      entityType: 'import_upload',
      entityId: created.id,
      after: { masterPlanId: plan?.id ?? null, format: input.format, files: created.files, options },
    });
    return created;
  });
  return viewOf(row, []);
}

export async function uploadPart(ctx: ServiceContext, input: z.output<typeof uploadPartInput>): Promise<UploadView> {
  assertCanImport(ctx.actor);
  const row = await ownUpload(ctx, input.uploadId);
  if (row.status !== 'RECEIVING') throw domainError('CONFLICT', 'This upload is finished; its parts can no longer change.');
  const file = row.files[input.file];
  if (!file) throw domainError('VALIDATION', `This upload has ${row.files.length} file(s); there is no file ${input.file}.`);
  const bytes = Buffer.byteLength(input.content, 'utf8');
  if (bytes > UPLOAD_PART_MAX_BYTES) {
    throw domainError('VALIDATION', `A part may hold at most ${UPLOAD_PART_MAX_BYTES / 1024} KB; this one holds ${Math.ceil(bytes / 1024)} KB.`);
  }
  const before = await partSummaries(ctx.db, row.id);
  const others = before.filter((part) => part.file === input.file && part.index !== input.index).reduce((sum, part) => sum + part.bytes, 0);
  if (others + bytes > file.bytes) {
    throw domainError('VALIDATION', `${file.name} was announced with ${file.bytes} bytes; with this part it would hold ${others + bytes}. Start the upload again with the right size.`);
  }
  await upsertPart(ctx.db, { uploadId: row.id, file: input.file, index: input.index, content: input.content, bytes, now: ctx.now() });
  return viewOf(row, await partSummaries(ctx.db, row.id));
}

export async function getUpload(ctx: ServiceContext, input: z.output<typeof uploadIdInput>): Promise<UploadView> {
  assertCanImport(ctx.actor);
  const row = await ownUpload(ctx, input.uploadId);
  return viewOf(row, await partSummaries(ctx.db, row.id));
}

/** What is still missing before the upload can be finished, as sentences; empty when complete. */
function missingParts(view: UploadView): string[] {
  return view.files.flatMap((file) => {
    const gaps = file.parts.length > 0 && file.parts[file.parts.length - 1] !== file.parts.length - 1;
    if (file.receivedBytes === file.bytes && !gaps) return [];
    const missing: number[] = [];
    const last = file.parts.length > 0 ? file.parts[file.parts.length - 1]! : -1;
    for (let index = 0; index <= last; index++) if (!file.parts.includes(index)) missing.push(index);
    const which = missing.length > 0 ? ` (parts ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''} are missing)` : '';
    return [`${file.name}: ${file.receivedBytes} of ${file.bytes} bytes received${which}`];
  });
}

export async function finishUpload(ctx: ServiceContext, input: z.output<typeof uploadIdInput>): Promise<ImportBatchView> {
  assertCanImport(ctx.actor);
  const now = ctx.now();
  const row = await ownUpload(ctx, input.uploadId);
  // Finishing again (an answer that was lost) returns the batch it already became.
  if (row.status === 'FINISHED' && row.batchId) return batchView(ctx.db, row.batchId);
  const view = viewOf(row, await partSummaries(ctx.db, row.id));
  const missing = missingParts(view);
  if (missing.length > 0) throw domainError('VALIDATION', `The upload is not complete: ${missing.join('; ')}. Send the missing parts, then finish again.`);
  const claimed = await claimForFinishing(ctx.db, row.id, now, new Date(now.getTime() - FINISH_CLAIM_MINUTES * 60_000));
  if (!claimed) throw domainError('CONFLICT', 'This upload is being finished by another call; open it from the recent imports in a moment.');
  try {
    const files = await Promise.all(row.files.map(async (file, index) => ({ name: file.name, content: await assembleFile(ctx.db, row.id, index) })));
    const batchId = await createBatch(ctx.db, ctx.actor, now, {
      masterPlanId: row.masterPlanId,
      ...(row.options.newPlan ? { newPlan: row.options.newPlan } : {}),
      ...(row.options.labelMigrationId ? { labelMigrationId: row.options.labelMigrationId } : {}),
      format: view.format,
      files,
      ...(row.options.priority === undefined ? {} : { priority: row.options.priority }),
      ...(row.options.chunkSize === undefined ? {} : { chunkSize: row.options.chunkSize }),
      ...(row.options.createMissing ? { createMissing: true } : {}),
    });
    await ctx.db.transaction((tx) => markFinished(tx, row.id, batchId, ctx.actor.code, now));
    return batchView(ctx.db, batchId);
  } catch (error) {
    await releaseFinishingClaim(ctx.db, row.id);
    throw error;
  }
}

/** Housekeeping: uploads nobody finished are deleted with their parts once expired. */
export async function purgeExpiredUploads(db: Db, now: Date): Promise<number> {
  return deleteExpiredUploads(db, now);
}
