/**
 * Background work on the import queue (stg_import_queue_management_iqm), for the housekeeping
 * trigger: batches whose chunks were left for later (a browser closed mid-way, a scheduled import
 * larger than one call) are moved on, highest iqm_priority first, then oldest request.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { queryRows } from '../../db/query';
import { roles, teamMembers, users } from '../../db/schema';
import type { Actor } from '../../domain/access/permissions';
import { domainError } from '../../domain/errors';
import { advanceBatch } from './batch-flow';
import { startPromotion } from './batches';

/** The acting user behind queued or scheduled work: its requester, who must still be active. */
export async function actorByCode(db: Db, code: string): Promise<Actor> {
  const [row] = await db
    .select({
      userId: users.id,
      code: users.code,
      isAdmin: users.isAdmin,
      role: roles.code,
      teamIds: sql<number[]>`coalesce((select array_agg(${teamMembers.teamId} order by ${teamMembers.teamId}) from ${teamMembers} where ${teamMembers.userId} = ${users.id}), '{}')`,
    })
    .from(users)
    .leftJoin(roles, eq(roles.id, users.roleId))
    .where(and(eq(users.code, code), eq(users.active, true)))
    .limit(1);
  if (!row) throw domainError('UNKNOWN_USER', `User ${code}, who requested this import, is no longer active in UMIG.`);
  const role = row.role === 'ADMIN' || row.role === 'PILOT' ? row.role : 'NORMAL';
  return { userId: row.userId, code: row.code, role, isAdmin: row.isAdmin === true, teamIds: row.teamIds.map(Number) };
}

export interface QueueWork {
  batchId: string;
  status: string;
  error?: string;
}

/** How long one housekeeping run keeps moving imports on (Forge's scheduled trigger allows 55 s). */
export const QUEUE_BUDGET_MS = 20_000;

/**
 * Moves unfinished batches on (and promotes validated scheduled ones), by queue priority, unit
 * after unit until nothing is left or `budgetMs` has passed: a promotion a crashed worker left
 * half-way finishes in one housekeeping run, not one chunk per run. A batch that fails is recorded
 * on the batch, reported here and not tried again in this run. Returns what it touched.
 */
export async function advanceImportQueue(db: Db, now: Date, limit = 10, budgetMs = QUEUE_BUDGET_MS): Promise<QueueWork[]> {
  const started = Date.now();
  const work: QueueWork[] = [];
  const failed = new Set<string>();
  // At least one round, whatever the budget; budgetMs 0 gives each batch exactly one unit.
  for (let round = 0; round === 0 || Date.now() - started < budgetMs; round++) {
    const pending = (await pendingBatches(db, limit + failed.size)).filter((item) => !failed.has(item.batch_id)).slice(0, limit);
    if (pending.length === 0) break;
    for (const item of pending) {
      try {
        const actor = await actorByCode(db, item.created_by);
        if (item.status === 'VALIDATED') await startPromotion(db, actor, item.batch_id, now);
        else await advanceBatch(db, actor, item.batch_id, now);
        work.push({ batchId: item.batch_id, status: item.status });
      } catch (error) {
        failed.add(item.batch_id);
        work.push({ batchId: item.batch_id, status: item.status, error: error instanceof Error ? error.message : String(error) });
      }
      if (Date.now() - started >= budgetMs) break;
    }
  }
  return work;
}

async function pendingBatches(db: Db, limit: number) {
  return queryRows<{ batch_id: string; status: string; created_by: string; auto_promote: boolean }>(
    db,
    sql`SELECT b.imb_id AS batch_id, b.imb_status AS status, b.created_by,
               coalesce((q.iqm_configuration->>'autoPromote')::boolean, false) AS auto_promote
          FROM stg_import_queue_management_iqm q
          JOIN import_batches_imb b ON b.iqm_request_id = q.iqm_request_id
         WHERE q.iqm_status IN ('QUEUED', 'PROCESSING')
           AND (b.imb_status IN ('UPLOADED', 'STAGED', 'PROMOTING')
                OR (b.imb_status = 'VALIDATED' AND coalesce((q.iqm_configuration->>'autoPromote')::boolean, false)))
         ORDER BY q.iqm_priority DESC, q.iqm_requested_at, q.iqm_id
         LIMIT ${limit}`,
  );
}
