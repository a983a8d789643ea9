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

/**
 * Gives each unfinished batch one more unit of work (and promotes validated scheduled ones), by
 * queue priority. Returns what it touched; failures are recorded on the batch and reported here.
 */
export async function advanceImportQueue(db: Db, now: Date, limit = 10): Promise<QueueWork[]> {
  const pending = await queryRows<{ batch_id: string; status: string; created_by: string; auto_promote: boolean }>(
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
  const work: QueueWork[] = [];
  for (const item of pending) {
    try {
      const actor = await actorByCode(db, item.created_by);
      if (item.status === 'VALIDATED') await startPromotion(db, actor, item.batch_id, now);
      else await advanceBatch(db, actor, item.batch_id, now);
      work.push({ batchId: item.batch_id, status: item.status });
    } catch (error) {
      work.push({ batchId: item.batch_id, status: item.status, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return work;
}
