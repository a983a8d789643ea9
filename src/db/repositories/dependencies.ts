import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { queryRows } from '../query';
import type { DependencyKind } from '../schema/dependencies';

// The step dependency graph (0009). The seed's sti_id_predecessor / stm_id_predecessor count as a
// finish-to-start dependency when the graph table does not hold that pair already, so rows written
// by older code paths (or the seed's own tools) stay meaningful.

export interface InstanceDependencyRow {
  stepId: string;
  predecessorId: string;
  kind: DependencyKind;
  lagMinutes: number;
  predecessorStatusId: number;
  predecessorStartedAt: Date | null;
  predecessorEndedAt: Date | null;
  predecessorTypeCode: string | null;
  predecessorNumber: number | null;
}

const toDate = (value: unknown): Date | null =>
  value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;

/** Every dependency of one step instance, with the predecessor's status and times, first first. */
export async function readStepInstanceDependencies(db: DbOrTx, stepId: string): Promise<InstanceDependencyRow[]> {
  const rows = await queryRows<{
    sti_id: string;
    pred: string;
    kind: string;
    lag: number;
    status: number;
    started: unknown;
    ended: unknown;
    stt: string | null;
    num: number | null;
  }>(
    db,
    sql`WITH deps AS (
          SELECT d.sti_id, d.sti_id_predecessor AS pred, d.sdi_kind AS kind, d.sdi_lag_minutes AS lag, d.sdi_order AS ord
            FROM step_dependencies_instance_sdi d WHERE d.sti_id = ${stepId}
          UNION ALL
          SELECT s.sti_id, s.sti_id_predecessor, 'FS', 0, -1
            FROM steps_instance_sti s
           WHERE s.sti_id = ${stepId} AND s.sti_id_predecessor IS NOT NULL AND s.sti_id_predecessor <> s.sti_id
             AND NOT EXISTS (SELECT 1 FROM step_dependencies_instance_sdi d WHERE d.sti_id = s.sti_id AND d.sti_id_predecessor = s.sti_id_predecessor))
        SELECT deps.sti_id, deps.pred, deps.kind, deps.lag, p.sti_status AS status, p.sti_start_time AS started, p.sti_end_time AS ended,
               pm.stt_code AS stt, pm.stm_number AS num
          FROM deps
          JOIN steps_instance_sti p ON p.sti_id = deps.pred
          JOIN steps_master_stm pm ON pm.stm_id = p.stm_id
         ORDER BY deps.ord, pm.stt_code, pm.stm_number`,
  );
  return rows.map((row) => ({
    stepId: row.sti_id,
    predecessorId: row.pred,
    kind: row.kind === 'SS' ? 'SS' : 'FS',
    lagMinutes: Number(row.lag),
    predecessorStatusId: Number(row.status),
    predecessorStartedAt: toDate(row.started),
    predecessorEndedAt: toDate(row.ended),
    predecessorTypeCode: row.stt,
    predecessorNumber: row.num === null ? null : Number(row.num),
  }));
}

export interface PlanEdgeRow {
  stepId: string;
  predecessorId: string;
  kind: DependencyKind;
  lagMinutes: number;
}

/**
 * The dependency graph (graph table plus seed column) of the instance steps `scope` selects from
 * `phases_instance_phi ph JOIN sequences_instance_sqi sq`: one plan instance, or every run of an
 * iteration.
 */
async function readInstanceEdges(db: DbOrTx, scope: SQL): Promise<PlanEdgeRow[]> {
  const rows = await queryRows<{ s: string; p: string; k: string; l: number }>(
    db,
    sql`WITH plan_steps AS (
          SELECT st.sti_id, st.sti_id_predecessor FROM steps_instance_sti st
            JOIN phases_instance_phi ph ON ph.phi_id = st.phi_id
            JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id
           WHERE ${scope})
        SELECT d.sti_id AS s, d.sti_id_predecessor AS p, d.sdi_kind AS k, d.sdi_lag_minutes AS l
          FROM step_dependencies_instance_sdi d JOIN plan_steps ps ON ps.sti_id = d.sti_id
        UNION ALL
        SELECT ps.sti_id, ps.sti_id_predecessor, 'FS', 0 FROM plan_steps ps
         WHERE ps.sti_id_predecessor IS NOT NULL AND ps.sti_id_predecessor <> ps.sti_id
           AND NOT EXISTS (SELECT 1 FROM step_dependencies_instance_sdi d WHERE d.sti_id = ps.sti_id AND d.sti_id_predecessor = ps.sti_id_predecessor)`,
  );
  return rows.map((row) => ({ stepId: row.s, predecessorId: row.p, kind: row.k === 'SS' ? 'SS' : 'FS', lagMinutes: Number(row.l) }));
}

/** The whole dependency graph of a plan instance, for scheduling. */
export function readPlanInstanceDependencies(db: DbOrTx, planInstanceId: string): Promise<PlanEdgeRow[]> {
  return readInstanceEdges(db, sql`sq.pli_id = ${planInstanceId}`);
}

/** The dependency graphs of every run of an iteration, for its timing. */
export function readIterationDependencies(db: DbOrTx, iterationId: string): Promise<PlanEdgeRow[]> {
  return readInstanceEdges(db, sql`sq.pli_id IN (SELECT pli_id FROM plans_instance_pli WHERE ite_id = ${iterationId})`);
}

/** The whole dependency graph of a master plan (graph table plus seed column), each step's first dependency (the seed column's) first. */
export async function readMasterPlanDependencies(db: DbOrTx, masterPlanId: string): Promise<PlanEdgeRow[]> {
  const rows = await queryRows<{ s: string; p: string; k: string; l: number; o: number }>(
    db,
    sql`WITH plan_steps AS (
          SELECT m.stm_id, m.stm_id_predecessor FROM steps_master_stm m
            JOIN phases_master_phm ph ON ph.phm_id = m.phm_id
            JOIN sequences_master_sqm sq ON sq.sqm_id = ph.sqm_id AND sq.plm_id = ${masterPlanId})
        SELECT d.stm_id AS s, d.stm_id_predecessor AS p, d.sdm_kind AS k, d.sdm_lag_minutes AS l,
               CASE WHEN d.stm_id_predecessor = ps.stm_id_predecessor THEN -1 ELSE d.sdm_order END AS o
          FROM step_dependencies_master_sdm d JOIN plan_steps ps ON ps.stm_id = d.stm_id
        UNION ALL
        SELECT ps.stm_id, ps.stm_id_predecessor, 'FS', 0, -1 FROM plan_steps ps
         WHERE ps.stm_id_predecessor IS NOT NULL AND ps.stm_id_predecessor <> ps.stm_id
           AND NOT EXISTS (SELECT 1 FROM step_dependencies_master_sdm d WHERE d.stm_id = ps.stm_id AND d.stm_id_predecessor = ps.stm_id_predecessor)
        ORDER BY 1, 5, 2`,
  );
  return rows.map((row) => ({ stepId: row.s, predecessorId: row.p, kind: row.k === 'SS' ? 'SS' : 'FS', lagMinutes: Number(row.l) }));
}

export interface DroppedDependency {
  stepId: string;
  predecessorId: string;
}

/**
 * Copies a master plan's dependency graph into a fresh plan instance, every edge remapped to the
 * copies. Edges whose predecessor (or step) was filtered out by iteration type are not copied and
 * are returned, so the caller can say so. Then sets each copy's sti_id_predecessor to its first
 * copied dependency (the seed's column holds the first dependency).
 */
export async function copyDependenciesToInstance(
  tx: DbOrTx,
  masterPlanId: string,
  planInstanceId: string,
  by: string,
): Promise<{ copied: number; dropped: DroppedDependency[] }> {
  const edges = await readMasterPlanDependencies(tx, masterPlanId);
  if (edges.length === 0) return { copied: 0, dropped: [] };
  const copies = await queryRows<{ stm_id: string; sti_id: string }>(
    tx,
    sql`SELECT st.stm_id, st.sti_id FROM steps_instance_sti st
          JOIN phases_instance_phi ph ON ph.phi_id = st.phi_id
          JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id AND sq.pli_id = ${planInstanceId}`,
  );
  const copyOf = new Map(copies.map((row) => [row.stm_id, row.sti_id]));
  const kept: { s: string; p: string; k: string; l: number; o: number }[] = [];
  const dropped: DroppedDependency[] = [];
  const order = new Map<string, number>();
  for (const edge of edges) {
    const s = copyOf.get(edge.stepId);
    if (s === undefined) continue; // the waiting step itself was not copied: nothing waits
    const p = copyOf.get(edge.predecessorId);
    if (p === undefined) {
      dropped.push({ stepId: edge.stepId, predecessorId: edge.predecessorId });
      continue;
    }
    const o = order.get(s) ?? 0;
    order.set(s, o + 1);
    kept.push({ s, p, k: edge.kind, l: edge.lagMinutes, o });
  }
  // One statement per 5,000 edges keeps the parameter count far below PostgreSQL's limit.
  for (let at = 0; at < kept.length; at += 5000) {
    const chunk = JSON.stringify(kept.slice(at, at + 5000));
    await tx.execute(sql`
      INSERT INTO step_dependencies_instance_sdi (sti_id, sti_id_predecessor, sdi_kind, sdi_lag_minutes, sdi_order, created_by, updated_by)
      SELECT x.s, x.p, x.k, x.l, x.o, ${by}, ${by}
        FROM json_to_recordset(${chunk}::json) AS x(s uuid, p uuid, k varchar, l int, o int)
      ON CONFLICT (sti_id, sti_id_predecessor) DO NOTHING`);
  }
  await tx.execute(sql`
    UPDATE steps_instance_sti st SET sti_id_predecessor = d.sti_id_predecessor
      FROM step_dependencies_instance_sdi d
     WHERE d.sti_id = st.sti_id AND d.sdi_order = 0
       AND st.sti_id IN (SELECT st2.sti_id FROM steps_instance_sti st2
                           JOIN phases_instance_phi ph ON ph.phi_id = st2.phi_id
                           JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id AND sq.pli_id = ${planInstanceId})`);
  return { copied: kept.length, dropped };
}
