/**
 * Sends import files to the UMIG service in parts (imports/uploads/*, docs/import-format.md), so
 * that a file of up to 20 MB travels in calls far below the service's body limit (1 MiB) and
 * Forge's invocation payload limit (5 MB). Pure apart from the `call` it is given: the admin app
 * passes its bridge client, the tests an HTTP client.
 */

/** Largest request body a part may make once JSON-escaped, leaving room for the envelope. */
const ENCODED_PART_LIMIT = 900 * 1024;

const encoder = new TextEncoder();
const utf8Bytes = (text: string) => encoder.encode(text).length;

/**
 * Cuts `text` into pieces of at most `maxBytes` UTF-8 bytes (and at most ENCODED_PART_LIMIT once
 * written as a JSON string), never inside a surrogate pair. Joined, the pieces are the text.
 */
export function splitIntoParts(text: string, maxBytes: number): string[] {
  const parts: string[] = [];
  let start = 0;
  // UTF-8 needs at most 3 bytes per UTF-16 unit, so this many units always fit.
  const safeUnits = Math.max(1, Math.floor(maxBytes / 3));
  while (start < text.length) {
    let end = Math.min(text.length, start + maxBytes);
    for (;;) {
      // Never end between the two halves of a surrogate pair.
      if (end < text.length && end > start + 1 && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end -= 1;
      const piece = text.slice(start, end);
      if (utf8Bytes(piece) <= maxBytes && utf8Bytes(JSON.stringify(piece)) <= ENCODED_PART_LIMIT) break;
      end = Math.max(start + 1, start + Math.min(safeUnits, Math.floor((end - start) / 2)));
    }
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts.length > 0 ? parts : [''];
}

export interface PartUploadFile {
  name: string;
  content: string;
}

export interface PartUploadOptions {
  /** The plan to import into; or `newPlan`, a plan the import creates (with createMissing). */
  masterPlanId?: string;
  newPlan?: { name: string; ownerTeam: string };
  labelMigrationId?: string;
  format: 'CSV' | 'JSON';
  files: PartUploadFile[];
  priority?: number;
  chunkSize?: number;
  createMissing?: boolean;
}

/** The four calls, as the caller makes them (a typed client or HTTP); each throws on a refusal. */
export interface PartUploadCalls<Batch> {
  start(payload: {
    masterPlanId?: string;
    newPlan?: { name: string; ownerTeam: string };
    labelMigrationId?: string;
    format: 'CSV' | 'JSON';
    files: Array<{ name: string; bytes: number }>;
    priority?: number;
    chunkSize?: number;
    createMissing?: boolean;
  }): Promise<{ uploadId: string; partBytes: number }>;
  part(payload: { uploadId: string; file: number; index: number; content: string }): Promise<unknown>;
  finish(payload: { uploadId: string }): Promise<Batch>;
}

/**
 * Announces the files, sends every part (a part whose call fails is sent once more: sending a
 * part again replaces it), then finishes the upload. Returns what finishing returns: the batch.
 */
export async function uploadInParts<Batch>(
  calls: PartUploadCalls<Batch>,
  options: PartUploadOptions,
  onProgress?: (sentBytes: number, totalBytes: number) => void,
): Promise<Batch> {
  const sizes = options.files.map((file) => utf8Bytes(file.content));
  const total = sizes.reduce((sum, bytes) => sum + bytes, 0);
  const { uploadId, partBytes } = await calls.start({
    ...(options.masterPlanId === undefined ? {} : { masterPlanId: options.masterPlanId }),
    ...(options.newPlan === undefined ? {} : { newPlan: options.newPlan }),
    ...(options.labelMigrationId === undefined ? {} : { labelMigrationId: options.labelMigrationId }),
    format: options.format,
    files: options.files.map((file, index) => ({ name: file.name, bytes: sizes[index]! })),
    ...(options.priority === undefined ? {} : { priority: options.priority }),
    ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
    ...(options.createMissing ? { createMissing: true } : {}),
  });
  let sent = 0;
  for (const [file, { content }] of options.files.entries()) {
    for (const [index, piece] of splitIntoParts(content, partBytes).entries()) {
      const payload = { uploadId, file, index, content: piece };
      try {
        await calls.part(payload);
      } catch {
        await calls.part(payload);
      }
      sent += utf8Bytes(piece);
      onProgress?.(sent, total);
    }
  }
  return calls.finish({ uploadId });
}
