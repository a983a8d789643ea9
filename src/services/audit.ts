import type { DbOrTx } from '../db/client';
import { auditLog } from '../db/schema';
import type { Actor } from '../domain/access/permissions';

export interface AuditEntry {
  /** Verb in the past tense of the use case, e.g. STEP_STATUS_CHANGED. */
  action: string;
  entityType: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
  /** Anything else worth keeping: override reason, predecessor that was skipped… */
  extra?: Record<string, unknown>;
}

/** Writes the audit row inside the caller's transaction, so it exists exactly when the change does. */
export async function recordAudit(tx: DbOrTx, actor: Actor, entry: AuditEntry | AuditEntry[]): Promise<void> {
  const entries = Array.isArray(entry) ? entry : [entry];
  if (entries.length === 0) return;
  await tx.insert(auditLog).values(
    entries.map((e) => ({
      userId: actor.userId,
      action: e.action,
      entityType: e.entityType,
      entityId: String(e.entityId),
      details: { by: actor.code, before: e.before ?? null, after: e.after ?? null, ...(e.extra ?? {}) },
    })),
  );
}
