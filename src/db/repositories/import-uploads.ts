/**
 * Import uploads sent in parts (import_uploads_iup, import_upload_parts_iupp): the SQL behind
 * src/services/imports/uploads.ts. Every function takes the database or a transaction first.
 */
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { queryRows } from '../query';
import { importUploadParts, importUploads } from '../schema';

export type ImportUploadRow = typeof importUploads.$inferSelect;
export type NewImportUpload = typeof importUploads.$inferInsert;

export async function insertUpload(db: DbOrTx, values: NewImportUpload): Promise<ImportUploadRow> {
  const [row] = await db.insert(importUploads).values(values).returning();
  return row!;
}

export async function findUpload(db: DbOrTx, uploadId: string): Promise<ImportUploadRow | undefined> {
  const [row] = await db.select().from(importUploads).where(eq(importUploads.id, uploadId));
  return row;
}

/** Stores one part; sending the same part again replaces it (a retry after a lost answer). */
export async function upsertPart(db: DbOrTx, part: { uploadId: string; file: number; index: number; content: string; bytes: number; now: Date }): Promise<void> {
  await db
    .insert(importUploadParts)
    .values({ uploadId: part.uploadId, file: part.file, index: part.index, content: part.content, bytes: part.bytes, createdAt: part.now })
    .onConflictDoUpdate({
      target: [importUploadParts.uploadId, importUploadParts.file, importUploadParts.index],
      set: { content: part.content, bytes: part.bytes, createdAt: part.now },
    });
}

export interface PartSummary {
  file: number;
  index: number;
  bytes: number;
}

/** Which parts arrived (without their content), in file and index order. */
export async function partSummaries(db: DbOrTx, uploadId: string): Promise<PartSummary[]> {
  return db
    .select({ file: importUploadParts.file, index: importUploadParts.index, bytes: importUploadParts.bytes })
    .from(importUploadParts)
    .where(eq(importUploadParts.uploadId, uploadId))
    .orderBy(asc(importUploadParts.file), asc(importUploadParts.index));
}

/** The text of one file: its parts joined in index order. */
export async function assembleFile(db: DbOrTx, uploadId: string, file: number): Promise<string> {
  const [row] = await queryRows<{ content: string | null }>(
    db,
    sql`SELECT string_agg(iupp_content, '' ORDER BY iupp_index) AS content
          FROM import_upload_parts_iupp WHERE iup_id = ${uploadId} AND iupp_file = ${file}`,
  );
  return row?.content ?? '';
}

/**
 * Claims an upload for finishing, so two finishing calls cannot make two batches from it. A claim
 * older than `staleBefore` belongs to a call that died and may be taken again.
 */
export async function claimForFinishing(db: DbOrTx, uploadId: string, now: Date, staleBefore: Date): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`UPDATE import_uploads_iup
           SET iup_options = iup_options || jsonb_build_object('finishingAt', ${now.toISOString()}::text)
         WHERE iup_id = ${uploadId} AND iup_status = 'RECEIVING'
           AND (iup_options->>'finishingAt' IS NULL OR (iup_options->>'finishingAt')::timestamptz < ${staleBefore.toISOString()}::timestamptz)
         RETURNING iup_id AS id`,
  );
  return rows.length > 0;
}

export async function releaseFinishingClaim(db: DbOrTx, uploadId: string): Promise<void> {
  await db
    .update(importUploads)
    .set({ options: sql`${importUploads.options} - 'finishingAt'` })
    .where(and(eq(importUploads.id, uploadId), eq(importUploads.status, 'RECEIVING')));
}

/** The upload became a batch: remember which, and drop the parts. */
export async function markFinished(db: DbOrTx, uploadId: string, batchId: string, by: string, now: Date): Promise<void> {
  await db
    .update(importUploads)
    .set({ status: 'FINISHED', batchId, options: sql`${importUploads.options} - 'finishingAt'`, updatedBy: by, updatedAt: now })
    .where(eq(importUploads.id, uploadId));
  await db.delete(importUploadParts).where(eq(importUploadParts.uploadId, uploadId));
}

/** Uploads past their expiry are deleted with their parts (a finished one only pointed at its batch). */
export async function deleteExpiredUploads(db: DbOrTx, now: Date): Promise<number> {
  const expired = await db
    .select({ id: importUploads.id })
    .from(importUploads)
    .where(lt(importUploads.expiresAt, now))
    .limit(500);
  if (expired.length === 0) return 0;
  await db.delete(importUploads).where(inArray(importUploads.id, expired.map((row) => row.id)));
  return expired.length;
}
