/**
 * The containers of an iteration's runsheet (plan instances > sequences > phases) with their
 * controls, and their summaries: progress from the steps beneath (domain rollUpProgress),
 * controls summary and the previous-phase gate (domain blockingCriticalControls, phaseBlockers).
 * Two set-based statements, whatever the number of phases.
 */

import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { queryRows } from '../../db/query';
import { blockingCriticalControls, type ControlGate, phaseBlockers } from '../../domain/execution/controls';
import { type Progress, rollUpProgress, type StepProgressInput } from '../../domain/execution/rollups';
import { controlStatusFromId, stepStatusFromId } from '../../domain/statuses';
import { domainError } from '../../domain/errors';
import { dateOf } from './step-rows';
import type {
  ControlsSummary,
  EnvironmentRoleRef,
  IterationSummary,
  LabelRef,
  StatusInfo,
  StepTypeRef,
  TeamRef,
} from './types';

export interface Dictionaries {
  teams: TeamRef[];
  labels: LabelRef[];
  stepTypes: StepTypeRef[];
  environmentRoles: EnvironmentRoleRef[];
}

export interface IterationHead {
  iteration: IterationSummary;
  migrationId: string;
  /** Database time of the read (transaction start). */
  asOf: Date;
  statuses: Map<number, StatusInfo & { kind: string }>;
  dictionaries?: Dictionaries;
}

interface HeadRow {
  id: string;
  name: string;
  type_code: string;
  type_name: string;
  status_id: number;
  mig_id: string;
  as_of: Date | string;
  statuses: Array<StatusInfo & { kind: string }>;
  teams?: TeamRef[] | null;
  labels?: LabelRef[] | null;
  step_types?: StepTypeRef[] | null;
  environment_roles?: EnvironmentRoleRef[] | null;
}

const UNKNOWN_STATUS_COLOR = '#999999';

/** A status as shown; an id the table does not hold (never expected) still renders. */
export function statusInfo(statuses: ReadonlyMap<number, StatusInfo>, id: number): StatusInfo {
  const status = statuses.get(id);
  return status ? { id: status.id, name: status.name, color: status.color } : { id, name: 'UNKNOWN', color: UNKNOWN_STATUS_COLOR };
}

/**
 * The iteration, the database clock and every status, in one round trip; with `dictionaries`
 * also the lookup lists of the runsheet (teams, the migration's labels, step types, environment roles).
 */
export async function loadIterationHead(db: DbOrTx, iterationId: string, options: { dictionaries: boolean }): Promise<IterationHead> {
  const dictionaries = options.dictionaries
    ? sql`,
      (SELECT json_agg(json_build_object('id', t.tms_id, 'name', t.tms_name) ORDER BY t.tms_name, t.tms_id) FROM teams_tms t) AS teams,
      (SELECT json_agg(json_build_object('id', l.lbl_id, 'name', l.lbl_name, 'color', l.lbl_color) ORDER BY l.lbl_name, l.lbl_id)
         FROM labels_lbl l WHERE l.mig_id = ite.mig_id) AS labels,
      (SELECT json_agg(json_build_object('code', s.stt_code, 'name', s.stt_name) ORDER BY s.stt_code) FROM step_types_stt s) AS step_types,
      (SELECT json_agg(json_build_object('id', r.enr_id, 'name', r.enr_name) ORDER BY r.enr_id) FROM environment_roles_enr r) AS environment_roles`
    : sql``;
  const [row] = await queryRows<HeadRow>(
    db,
    sql`SELECT ite.ite_id AS id, ite.ite_name AS name, ite.itt_code AS type_code, itt.itt_name AS type_name,
               ite.ite_status AS status_id, ite.mig_id, now() AS as_of,
               (SELECT json_agg(json_build_object('id', s.sts_id, 'name', s.sts_name, 'color', s.sts_color, 'kind', s.sts_type) ORDER BY s.sts_id)
                  FROM status_sts s) AS statuses${dictionaries}
          FROM iterations_ite ite JOIN iteration_types_itt itt ON itt.itt_code = ite.itt_code
         WHERE ite.ite_id = ${iterationId}`,
  );
  if (!row) throw domainError('NOT_FOUND', 'That iteration does not exist.');
  const statuses = new Map(row.statuses.map((status) => [status.id, status]));
  return {
    iteration: { id: row.id, name: row.name, type: { code: row.type_code, name: row.type_name }, status: statusInfo(statuses, row.status_id) },
    migrationId: row.mig_id,
    asOf: dateOf(row.as_of)!,
    statuses,
    dictionaries: options.dictionaries
      ? {
          teams: row.teams ?? [],
          labels: row.labels ?? [],
          stepTypes: row.step_types ?? [],
          environmentRoles: row.environment_roles ?? [],
        }
      : undefined,
  };
}

interface ContainerRow {
  plan_id: string;
  plan_name: string | null;
  plan_status_id: number;
  plan_updated_at: Date | string | null;
  sequence_id: string | null;
  sequence_name: string | null;
  sequence_order: number | null;
  sequence_status_id: number | null;
  sequence_updated_at: Date | string | null;
  phase_id: string | null;
  phase_name: string | null;
  phase_order: number | null;
  phase_status_id: number | null;
  phase_predecessor_id: string | null;
  phase_updated_at: Date | string | null;
  /** [code, critical, status id] per control, in control order. */
  controls: Array<[string | null, boolean, number]> | null;
  controls_updated_at: Date | string | null;
}

export interface PhaseNode {
  id: string;
  name: string | null;
  order: number | null;
  statusId: number;
  predecessorId: string | null;
  updatedAt: Date | null;
  controlsUpdatedAt: Date | null;
  gates: ControlGate[];
}

export interface SequenceNode {
  id: string;
  name: string | null;
  order: number | null;
  statusId: number;
  updatedAt: Date | null;
  phases: PhaseNode[];
}

export interface PlanNode {
  id: string;
  name: string | null;
  statusId: number;
  updatedAt: Date | null;
  sequences: SequenceNode[];
}

/** Plan instances > sequences > phases of the iteration, each phase with its control gates, in runsheet order. */
export async function loadContainers(db: DbOrTx, iterationId: string): Promise<PlanNode[]> {
  const rows = await queryRows<ContainerRow>(
    db,
    sql`SELECT pl.pli_id AS plan_id, pl.pli_name AS plan_name, pl.pli_status AS plan_status_id, pl.updated_at AS plan_updated_at,
               sq.sqi_id AS sequence_id, sq.sqi_name AS sequence_name, sq.sqi_order AS sequence_order,
               sq.sqi_status AS sequence_status_id, sq.updated_at AS sequence_updated_at,
               ph.phi_id AS phase_id, ph.phi_name AS phase_name, ph.phi_order AS phase_order, ph.phi_status AS phase_status_id,
               ph.predecessor_phi_id AS phase_predecessor_id, ph.updated_at AS phase_updated_at,
               ctl.controls, ctl.controls_updated_at
          FROM plans_instance_pli pl
          LEFT JOIN sequences_instance_sqi sq ON sq.pli_id = pl.pli_id
          LEFT JOIN phases_instance_phi ph ON ph.sqi_id = sq.sqi_id
          LEFT JOIN LATERAL (
            SELECT json_agg(json_build_array(coalesce(c.cti_code, c.cti_name), coalesce(c.cti_is_critical, false), c.cti_status)
                            ORDER BY c.cti_order, c.cti_code, c.cti_id) AS controls,
                   max(c.updated_at) AS controls_updated_at
              FROM controls_instance_cti c WHERE c.phi_id = ph.phi_id) ctl ON true
         WHERE pl.ite_id = ${iterationId}
         ORDER BY pl.created_at, pl.pli_id, sq.sqi_order, sq.sqi_id, ph.phi_order, ph.phi_id`,
  );
  const plans: PlanNode[] = [];
  let plan: PlanNode | undefined;
  let sequence: SequenceNode | undefined;
  for (const row of rows) {
    if (plan?.id !== row.plan_id) {
      plan = { id: row.plan_id, name: row.plan_name, statusId: row.plan_status_id, updatedAt: dateOf(row.plan_updated_at), sequences: [] };
      plans.push(plan);
      sequence = undefined;
    }
    if (row.sequence_id === null) continue;
    if (sequence?.id !== row.sequence_id) {
      sequence = {
        id: row.sequence_id,
        name: row.sequence_name,
        order: row.sequence_order,
        statusId: row.sequence_status_id!,
        updatedAt: dateOf(row.sequence_updated_at),
        phases: [],
      };
      plan.sequences.push(sequence);
    }
    if (row.phase_id === null) continue;
    sequence.phases.push({
      id: row.phase_id,
      name: row.phase_name,
      order: row.phase_order,
      statusId: row.phase_status_id!,
      predecessorId: row.phase_predecessor_id,
      updatedAt: dateOf(row.phase_updated_at),
      controlsUpdatedAt: dateOf(row.controls_updated_at),
      gates: (row.controls ?? []).map(([code, critical, statusId]) => ({
        code: code ?? '?',
        critical,
        // A status the domain does not know keeps the gate shut rather than waiving it.
        status: controlStatusFromId(statusId) ?? 'TODO',
      })),
    });
  }
  return plans;
}

/** What the phase summaries need from one step. */
export interface StepForProgress {
  phaseId: string;
  statusId: number;
  durationMinutes: number | null;
  startTime: Date | string | null;
  endTime: Date | string | null;
}

interface ProgressRow {
  phase_id: string;
  status_id: number;
  duration: number | null;
  start_time: Date | string | null;
  end_time: Date | string | null;
}

/** Every step of the iteration, reduced to what progress needs (used when the listed steps are filtered). */
export async function loadStepsForProgress(db: DbOrTx, iterationId: string): Promise<StepForProgress[]> {
  const rows = await queryRows<ProgressRow>(
    db,
    sql`SELECT st.phi_id AS phase_id, st.sti_status AS status_id, st.sti_duration_minutes AS duration,
               st.sti_start_time AS start_time, st.sti_end_time AS end_time
          FROM plans_instance_pli pl
          JOIN sequences_instance_sqi sq ON sq.pli_id = pl.pli_id
          JOIN phases_instance_phi ph ON ph.sqi_id = sq.sqi_id
          JOIN steps_instance_sti st ON st.phi_id = ph.phi_id
         WHERE pl.ite_id = ${iterationId}`,
  );
  return rows.map((row) => ({
    phaseId: row.phase_id,
    statusId: row.status_id,
    durationMinutes: row.duration,
    startTime: row.start_time,
    endTime: row.end_time,
  }));
}

export interface PhaseFacts {
  progress: Progress;
  controls: ControlsSummary;
  blockedBy: string[];
}

export interface ContainerFacts {
  phases: Map<string, PhaseFacts>;
  sequences: Map<string, Progress>;
  plans: Map<string, Progress>;
  iteration: Progress;
}

function progressInput(step: StepForProgress): StepProgressInput {
  return {
    // A status the domain does not know (added later by an admin) counts as not started.
    status: stepStatusFromId(step.statusId) ?? 'PENDING',
    durationMinutes: step.durationMinutes,
    startTime: dateOf(step.startTime),
    endTime: dateOf(step.endTime),
  };
}

function summarizeControls(gates: readonly ControlGate[]): ControlsSummary {
  let passed = 0;
  let failed = 0;
  for (const gate of gates) {
    if (gate.status === 'PASSED') passed += 1;
    else if (gate.status === 'FAILED') failed += 1;
  }
  return { total: gates.length, passed, failed, criticalNotPassed: blockingCriticalControls(gates) };
}

/**
 * Progress of every container (from all steps beneath it, in one pass per level), the controls
 * summary of every phase, and the gate each phase waits behind (per sequence, as the domain says).
 */
export function computeContainerFacts(plans: readonly PlanNode[], steps: readonly StepForProgress[], now: Date): ContainerFacts {
  const inputsByPhase = new Map<string, StepProgressInput[]>();
  for (const step of steps) {
    let list = inputsByPhase.get(step.phaseId);
    if (!list) {
      list = [];
      inputsByPhase.set(step.phaseId, list);
    }
    list.push(progressInput(step));
  }
  const phases = new Map<string, PhaseFacts>();
  const sequences = new Map<string, Progress>();
  const planProgress = new Map<string, Progress>();
  const everything: StepProgressInput[] = [];
  for (const plan of plans) {
    const planInputs: StepProgressInput[] = [];
    for (const sequence of plan.sequences) {
      const sequenceInputs: StepProgressInput[] = [];
      const blockers = phaseBlockers(
        sequence.phases.map((phase) => ({ id: phase.id, order: phase.order ?? 0, predecessorId: phase.predecessorId, controls: phase.gates })),
      );
      for (const phase of sequence.phases) {
        const inputs = inputsByPhase.get(phase.id) ?? [];
        for (const input of inputs) sequenceInputs.push(input);
        phases.set(phase.id, {
          progress: rollUpProgress(inputs, now),
          controls: summarizeControls(phase.gates),
          blockedBy: blockers.get(phase.id) ?? [],
        });
      }
      sequences.set(sequence.id, rollUpProgress(sequenceInputs, now));
      for (const input of sequenceInputs) planInputs.push(input);
    }
    planProgress.set(plan.id, rollUpProgress(planInputs, now));
    for (const input of planInputs) everything.push(input);
  }
  return { phases, sequences, plans: planProgress, iteration: rollUpProgress(everything, now) };
}

