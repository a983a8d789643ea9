import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { queryRows } from '../query';
import { type PlanEdgeRow, readIterationDependencies } from './dependencies';

// What the planned schedule and the forecast of an iteration's runs are computed from: every step
// (runsheet order) with its duration, status and actual times, each run's planned start and window
// end (plan_instance_schedule_pis, 0015), the dependency graph and the backout markers.

export interface TimingStepRow {
  id: string;
  planId: string;
  sequenceId: string;
  phaseId: string;
  masterSequenceId: string;
  masterPhaseId: string;
  masterStepId: string;
  duration: number | null;
  statusId: number;
  start: Date | null;
  end: Date | null;
}

export interface TimingPlanRow {
  id: string;
  masterPlanId: string;
  plannedStart: Date | null;
  windowEnd: Date | null;
}

export interface BackoutMarkerRow {
  masterPlanId: string;
  kind: 'BACKOUT_SEQUENCE' | 'BACKOUT_PHASE' | 'POINT_OF_NO_RETURN';
  sequenceId: string | null;
  phaseId: string | null;
  stepId: string | null;
}

export interface TimingInput {
  plans: TimingPlanRow[];
  steps: TimingStepRow[];
  edges: PlanEdgeRow[];
  markers: BackoutMarkerRow[];
}

const date = (value: unknown): Date | null =>
  value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;

export async function readIterationTiming(db: DbOrTx, iterationId: string): Promise<TimingInput> {
  const plans = await queryRows<{ id: string; plm: string; s: unknown; e: unknown }>(
    db,
    sql`SELECT pl.pli_id AS id, pl.plm_id AS plm, ps.pis_planned_start AS s, ps.pis_window_end AS e
          FROM plans_instance_pli pl LEFT JOIN plan_instance_schedule_pis ps ON ps.pli_id = pl.pli_id
         WHERE pl.ite_id = ${iterationId}
         ORDER BY pl.created_at, pl.pli_id`,
  );
  const steps = await queryRows<{ id: string; pl: string; sq: string; ph: string; sqm: string; phm: string; stm: string; d: number | null; st: number; s: unknown; e: unknown }>(
    db,
    sql`SELECT st.sti_id AS id, pl.pli_id AS pl, sq.sqi_id AS sq, ph.phi_id AS ph, sq.sqm_id AS sqm, ph.phm_id AS phm, st.stm_id AS stm,
               st.sti_duration_minutes AS d, st.sti_status AS st, st.sti_start_time AS s, st.sti_end_time AS e
          FROM plans_instance_pli pl
          JOIN sequences_instance_sqi sq ON sq.pli_id = pl.pli_id
          JOIN phases_instance_phi ph ON ph.sqi_id = sq.sqi_id
          JOIN steps_instance_sti st ON st.phi_id = ph.phi_id
          JOIN steps_master_stm m ON m.stm_id = st.stm_id
         WHERE pl.ite_id = ${iterationId}
         ORDER BY pl.created_at, pl.pli_id, sq.sqi_order, sq.sqi_id, ph.phi_order, ph.phi_id, m.stm_number, m.stt_code, st.sti_id`,
  );
  const edges = await readIterationDependencies(db, iterationId);
  const markers = await queryRows<{ plm: string; k: BackoutMarkerRow['kind']; sqm: string | null; phm: string | null; stm: string | null }>(
    db,
    sql`SELECT b.plm_id AS plm, b.pbm_kind AS k, b.sqm_id AS sqm, b.phm_id AS phm, b.stm_id AS stm
          FROM plan_backout_markers_master_pbm b
         WHERE b.plm_id IN (SELECT plm_id FROM plans_instance_pli WHERE ite_id = ${iterationId})`,
  );
  return {
    plans: plans.map((row) => ({ id: row.id, masterPlanId: row.plm, plannedStart: date(row.s), windowEnd: date(row.e) })),
    steps: steps.map((row) => ({
      id: row.id,
      planId: row.pl,
      sequenceId: row.sq,
      phaseId: row.ph,
      masterSequenceId: row.sqm,
      masterPhaseId: row.phm,
      masterStepId: row.stm,
      duration: row.d === null ? null : Number(row.d),
      statusId: Number(row.st),
      start: date(row.s),
      end: date(row.e),
    })),
    edges,
    markers: markers.map((row) => ({ masterPlanId: row.plm, kind: row.k, sequenceId: row.sqm, phaseId: row.phm, stepId: row.stm })),
  };
}
