/**
 * The one SQL statement that reads runsheet step rows, shared by the runsheet, its changes feed,
 * the step detail and the benchmark (which times it bare). Every filter is a WHERE clause here;
 * the per-step lists (impacted teams, labels, instruction counts) are correlated aggregates, so
 * the whole runsheet is one statement whatever its size.
 */

import { type SQL, sql } from 'drizzle-orm';
import { formatStepCode, isStepNumber, isStepTypeCode } from '../../domain/execution/step-code';
import type { RunsheetStep } from './types';

export interface StepRowFilters {
  iterationId?: string;
  stepId?: string;
  planInstanceId?: string;
  sequenceId?: string;
  phaseId?: string;
  /** Steps owned by, or impacting, this team. */
  teamId?: number;
  labelId?: number;
  /** `sti_status` ids. */
  statusIds?: readonly number[];
  /** Steps owned by, or impacting, one of these teams ("mine"); an empty list matches nothing. */
  anyOfTeamIds?: readonly number[];
  /** Case-insensitive substring of the step code (TRT-010), name or description. */
  text?: string;
  /** The step, one of its instructions, its phase or one of the phase's controls changed after this instant. */
  changedAfter?: Date;
}

/** Raw row of stepRowsQuery; `detail` columns are null unless asked for. */
export interface StepRow {
  id: string;
  phase_id: string;
  type_code: string | null;
  number: number | null;
  name: string | null;
  owner_team_id: number | null;
  impacted: number[];
  label_ids: number[];
  status_id: number;
  duration: number | null;
  start_time: Date | string | null;
  end_time: Date | string | null;
  status_reason: string | null;
  predecessor_id: string | null;
  pred_type_code: string | null;
  pred_number: number | null;
  done: number;
  total: number;
  env_role_id: number | null;
  updated_at: Date | string | null;
}

export interface StepDetailRow extends StepRow {
  description: string | null;
  iteration_id: string;
  iteration_name: string;
  plan_id: string;
  plan_name: string | null;
  sequence_id: string;
  sequence_name: string | null;
  sequence_order: number | null;
  phase_name: string | null;
  phase_order: number | null;
  phase_status_id: number;
}

/** Postgres int[] literal from trusted numbers; avoids driver differences in array parameters. */
export function intArrayLiteral(values: readonly number[]): string {
  return `{${values.map((value) => Math.trunc(value)).join(',')}}`;
}

/** `%text%` for ILIKE with the wildcard characters of the user's text taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** The step code as SQL text, exactly as formatStepCode prints it (padding to 3, never truncating). */
const STEP_CODE_SQL = sql.raw(`(m.stt_code || '-' || lpad(m.stm_number::text, greatest(3, length(m.stm_number::text)), '0'))`);

function whereClauses(filters: StepRowFilters): SQL[] {
  const where: SQL[] = [];
  if (filters.iterationId !== undefined) where.push(sql`pl.ite_id = ${filters.iterationId}`);
  if (filters.stepId !== undefined) where.push(sql`st.sti_id = ${filters.stepId}`);
  if (filters.planInstanceId !== undefined) where.push(sql`pl.pli_id = ${filters.planInstanceId}`);
  if (filters.sequenceId !== undefined) where.push(sql`sq.sqi_id = ${filters.sequenceId}`);
  if (filters.phaseId !== undefined) where.push(sql`ph.phi_id = ${filters.phaseId}`);
  if (filters.statusIds !== undefined) where.push(sql`st.sti_status = ANY(${intArrayLiteral(filters.statusIds)}::int[])`);
  if (filters.teamId !== undefined) {
    where.push(sql`(m.tms_id_owner = ${filters.teamId} OR EXISTS (
      SELECT 1 FROM steps_master_stm_x_teams_tms_impacted x WHERE x.stm_id = st.stm_id AND x.tms_id = ${filters.teamId}))`);
  }
  if (filters.anyOfTeamIds !== undefined) {
    const teams = intArrayLiteral(filters.anyOfTeamIds);
    where.push(sql`(m.tms_id_owner = ANY(${teams}::int[]) OR EXISTS (
      SELECT 1 FROM steps_master_stm_x_teams_tms_impacted x WHERE x.stm_id = st.stm_id AND x.tms_id = ANY(${teams}::int[])))`);
  }
  if (filters.labelId !== undefined) {
    where.push(sql`EXISTS (SELECT 1 FROM labels_lbl_x_steps_master_stm x WHERE x.stm_id = st.stm_id AND x.lbl_id = ${filters.labelId})`);
  }
  if (filters.text !== undefined) {
    const pattern = containsPattern(filters.text);
    where.push(sql`(${STEP_CODE_SQL} ILIKE ${pattern} OR st.sti_name ILIKE ${pattern} OR st.sti_description ILIKE ${pattern})`);
  }
  if (filters.changedAfter !== undefined) {
    // Each source is a range over recent changes (see the indexes named in docs), not a walk of the
    // iteration, so the cost follows the number of changes rather than the size of the runsheet.
    const after = filters.changedAfter.toISOString();
    where.push(sql`st.sti_id IN (
      SELECT s.sti_id FROM steps_instance_sti s WHERE s.updated_at > ${after}::timestamptz
      UNION SELECT i.sti_id FROM instructions_instance_ini i WHERE i.updated_at > ${after}::timestamptz
      UNION SELECT s.sti_id FROM phases_instance_phi p JOIN steps_instance_sti s ON s.phi_id = p.phi_id WHERE p.updated_at > ${after}::timestamptz
      UNION SELECT s.sti_id FROM controls_instance_cti c JOIN steps_instance_sti s ON s.phi_id = c.phi_id WHERE c.updated_at > ${after}::timestamptz)`);
  }
  return where;
}

/**
 * Step rows in runsheet order (plan instance creation, sequence order, phase order, step number).
 * Without an iteration or step filter it would read every runsheet: callers always pass one.
 */
export function stepRowsQuery(filters: StepRowFilters, options: { detail?: boolean } = {}): SQL {
  if (filters.iterationId === undefined && filters.stepId === undefined) {
    throw new Error('stepRowsQuery needs an iteration or a step');
  }
  const detail = options.detail
    ? sql`, st.sti_description AS description, ite.ite_id AS iteration_id, ite.ite_name AS iteration_name,
         pl.pli_id AS plan_id, pl.pli_name AS plan_name, sq.sqi_id AS sequence_id, sq.sqi_name AS sequence_name,
         sq.sqi_order AS sequence_order, ph.phi_name AS phase_name, ph.phi_order AS phase_order, ph.phi_status AS phase_status_id`
    : sql``;
  return sql`
    SELECT st.sti_id AS id, st.phi_id AS phase_id, m.stt_code AS type_code, m.stm_number AS number, st.sti_name AS name,
           m.tms_id_owner AS owner_team_id, coalesce(imp.ids, '{}') AS impacted, coalesce(lab.ids, '{}') AS label_ids,
           st.sti_status AS status_id, st.sti_duration_minutes AS duration, st.sti_start_time AS start_time,
           st.sti_end_time AS end_time, st.sti_status_reason AS status_reason, st.sti_id_predecessor AS predecessor_id, pm.stt_code AS pred_type_code,
           pm.stm_number AS pred_number, ins.done, ins.total, st.enr_id AS env_role_id, st.updated_at${detail}
      FROM plans_instance_pli pl
      JOIN iterations_ite ite ON ite.ite_id = pl.ite_id
      JOIN sequences_instance_sqi sq ON sq.pli_id = pl.pli_id
      JOIN phases_instance_phi ph ON ph.sqi_id = sq.sqi_id
      JOIN steps_instance_sti st ON st.phi_id = ph.phi_id
      JOIN steps_master_stm m ON m.stm_id = st.stm_id
      LEFT JOIN steps_instance_sti ps ON ps.sti_id = st.sti_id_predecessor
      LEFT JOIN steps_master_stm pm ON pm.stm_id = ps.stm_id
      LEFT JOIN LATERAL (
        SELECT array_agg(x.tms_id ORDER BY x.tms_id) AS ids
          FROM steps_master_stm_x_teams_tms_impacted x WHERE x.stm_id = st.stm_id) imp ON true
      LEFT JOIN LATERAL (
        SELECT array_agg(x.lbl_id ORDER BY x.lbl_id) AS ids
          FROM labels_lbl_x_steps_master_stm x JOIN labels_lbl l ON l.lbl_id = x.lbl_id AND l.mig_id = ite.mig_id
         WHERE x.stm_id = st.stm_id) lab ON true
      LEFT JOIN LATERAL (
        SELECT count(*)::int AS total, (count(*) FILTER (WHERE i.ini_is_completed))::int AS done
          FROM instructions_instance_ini i WHERE i.sti_id = st.sti_id) ins ON true
     WHERE ${sql.join(whereClauses(filters), sql` AND `)}
     ORDER BY pl.created_at, pl.pli_id, sq.sqi_order, sq.sqi_id, ph.phi_order, ph.phi_id, m.stm_number, m.stt_code, st.sti_id`;
}

/** The step code, or null when the master's type or number could not be printed back. */
export function stepCodeOf(typeCode: string | null, number: number | null): string | null {
  if (typeCode === null || number === null || !isStepTypeCode(typeCode) || !isStepNumber(number)) return null;
  return formatStepCode(typeCode, number);
}

/** ISO string of a timestamp as either driver returns it. */
export function isoOf(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function dateOf(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value);
}

export function toRunsheetStep(row: StepRow): RunsheetStep {
  return {
    id: row.id,
    code: stepCodeOf(row.type_code, row.number),
    name: row.name,
    typeCode: row.type_code,
    ownerTeamId: row.owner_team_id,
    impactedTeamIds: row.impacted,
    statusId: row.status_id,
    durationMinutes: row.duration,
    startTime: isoOf(row.start_time),
    endTime: isoOf(row.end_time),
    predecessorId: row.predecessor_id,
    predecessorCode: row.predecessor_id === null ? null : stepCodeOf(row.pred_type_code, row.pred_number),
    ...(row.status_reason ? { statusReason: row.status_reason } : {}),
    instructions: { done: row.done, total: row.total },
    labelIds: row.label_ids,
    environmentRoleId: row.env_role_id,
    updatedAt: isoOf(row.updated_at),
  };
}
