import { eq, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client';
import { queryRows } from '../../db/query';
import { iterations, phaseInstances, planInstances, sequenceInstances, statuses } from '../../db/schema';
import { type ControlGate, canCompletePhase } from '../../domain/execution/controls';
import { type ChildStatus, rollUpContainer } from '../../domain/execution/rollups';
import {
  type ContainerKind,
  type ContainerStatus,
  containerStatusFromId,
  containerStatusId,
  controlStatusFromId,
  stepStatusFromId,
} from '../../domain/statuses';
import type { ServiceContext } from '../context';

/** Timestamps cross the bridge as JSON, so views hold ISO strings rather than Dates that would not survive. */
export function toIso(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}

/** A status as the UI paints it. */
export interface StatusView {
  id: number;
  name: string;
  color: string;
}

/** The containers above a phase, each with its current status, so the UI can repaint them. */
export interface ContainerStatuses {
  phase: { id: string; status: StatusView };
  sequence: { id: string; status: StatusView };
  plan: { id: string; status: StatusView; startTime: string | null; endTime: string | null };
  iteration: { id: string; status: StatusView };
}

/** One container whose derived status changed, for the audit row of the command that caused it. */
export interface ContainerChange {
  kind: ContainerKind;
  id: string;
  before: ContainerStatus | null;
  after: ContainerStatus;
}

type RolledUpKind = Exclude<ContainerKind, 'Migration'>;

interface RollUpRow {
  kind: RolledUpKind;
  id: string;
  status_id: number;
  step_statuses: number[];
  gates: Array<{ code: string; status: number }>;
}

/**
 * Locks the iteration above a phase. Every roll-up of that iteration takes this lock before
 * reading the steps beneath its containers, so two transactions finishing the last two steps of a
 * phase cannot each miss the other's step (under READ COMMITTED the second reads after the first
 * committed). NO KEY UPDATE, so inserts that merely reference the iteration are not held up.
 */
async function lockIterationOf(tx: DbOrTx, phaseId: string): Promise<void> {
  await tx.execute(sql`
    SELECT it.ite_id FROM iterations_ite it
     WHERE it.ite_id = (SELECT pl.ite_id FROM phases_instance_phi ph
                          JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id
                          JOIN plans_instance_pli pl ON pl.pli_id = sq.pli_id
                         WHERE ph.phi_id = ${phaseId})
       FOR NO KEY UPDATE`);
}

/**
 * Every step status and critical control beneath the phase, its sequence, its plan instance and
 * its iteration, in one statement. Only the distinct step statuses matter to the roll-up rule
 * (it asks "all?" and "any?"), which keeps the answer small however large the plan.
 */
async function readRollUpInputs(tx: DbOrTx, phaseId: string): Promise<RollUpRow[]> {
  const rows = await queryRows<RollUpRow>(
    tx,
    sql`WITH ctx AS (
          SELECT ph.phi_id, sq.sqi_id, pl.pli_id, pl.ite_id, ph.phi_status, sq.sqi_status, pl.pli_status, it.ite_status
            FROM phases_instance_phi ph
            JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id
            JOIN plans_instance_pli pl ON pl.pli_id = sq.pli_id
            JOIN iterations_ite it ON it.ite_id = pl.ite_id
           WHERE ph.phi_id = ${phaseId}),
        scope AS (
          SELECT ph.phi_id, sq.sqi_id, pl.pli_id
            FROM ctx
            JOIN plans_instance_pli pl ON pl.ite_id = ctx.ite_id
            JOIN sequences_instance_sqi sq ON sq.pli_id = pl.pli_id
            JOIN phases_instance_phi ph ON ph.sqi_id = sq.sqi_id),
        steps AS (
          SELECT s.phi_id, s.sqi_id, s.pli_id, st.sti_status AS status
            FROM scope s JOIN steps_instance_sti st ON st.phi_id = s.phi_id),
        gates AS (
          SELECT s.phi_id, s.sqi_id, s.pli_id,
                 json_build_object('code', coalesce(c.cti_code, c.cti_name, c.cti_id::text), 'status', c.cti_status) AS gate
            FROM scope s JOIN controls_instance_cti c ON c.phi_id = s.phi_id
           WHERE c.cti_is_critical)
        SELECT 'Phase' AS kind, ctx.phi_id::text AS id, ctx.phi_status AS status_id,
               (SELECT coalesce(array_agg(DISTINCT status), '{}') FROM steps WHERE steps.phi_id = ctx.phi_id) AS step_statuses,
               (SELECT coalesce(json_agg(gate), '[]') FROM gates WHERE gates.phi_id = ctx.phi_id) AS gates
          FROM ctx
        UNION ALL
        SELECT 'Sequence', ctx.sqi_id::text, ctx.sqi_status,
               (SELECT coalesce(array_agg(DISTINCT status), '{}') FROM steps WHERE steps.sqi_id = ctx.sqi_id),
               (SELECT coalesce(json_agg(gate), '[]') FROM gates WHERE gates.sqi_id = ctx.sqi_id)
          FROM ctx
        UNION ALL
        SELECT 'Plan', ctx.pli_id::text, ctx.pli_status,
               (SELECT coalesce(array_agg(DISTINCT status), '{}') FROM steps WHERE steps.pli_id = ctx.pli_id),
               (SELECT coalesce(json_agg(gate), '[]') FROM gates WHERE gates.pli_id = ctx.pli_id)
          FROM ctx
        UNION ALL
        SELECT 'Iteration', ctx.ite_id::text, ctx.ite_status,
               (SELECT coalesce(array_agg(DISTINCT status), '{}') FROM steps),
               (SELECT coalesce(json_agg(gate), '[]') FROM gates)
          FROM ctx`,
  );
  return rows.map((row) => ({
    ...row,
    status_id: Number(row.status_id),
    step_statuses: (row.step_statuses ?? []).map(Number),
    gates: typeof row.gates === 'string' ? (JSON.parse(row.gates) as RollUpRow['gates']) : (row.gates ?? []),
  }));
}

/** The status a container derives now, by the domain's roll-up rule. */
function derive(row: RollUpRow): ContainerStatus {
  // A status id outside the seeded step statuses has no domain meaning; it cannot count as done.
  const children: ChildStatus[] = row.step_statuses.map((id) => stepStatusFromId(id) ?? 'TODO');
  const gates: ControlGate[] = row.gates.map((gate) => ({
    code: gate.code,
    critical: true,
    status: controlStatusFromId(Number(gate.status)) ?? 'TODO',
  }));
  return rollUpContainer(children, canCompletePhase(gates));
}

function updateOf(kind: RolledUpKind, id: string, to: ContainerStatus, by: string, now: Date): SQL {
  const statusId = containerStatusId(kind, to);
  switch (kind) {
    case 'Phase':
      return sql`UPDATE phases_instance_phi SET phi_status = ${statusId}, updated_by = ${by}, updated_at = ${now} WHERE phi_id = ${id}`;
    case 'Sequence':
      return sql`UPDATE sequences_instance_sqi SET sqi_status = ${statusId}, updated_by = ${by}, updated_at = ${now} WHERE sqi_id = ${id}`;
    case 'Iteration':
      return sql`UPDATE iterations_ite SET ite_status = ${statusId}, updated_by = ${by}, updated_at = ${now} WHERE ite_id = ${id}`;
    case 'Plan': {
      // The plan keeps the moment it first started; it ends when it completes or is cancelled,
      // and a plan that is running again (a reopened step) has no end yet.
      const start = to === 'PLANNING' || to === 'CANCELLED' ? sql`pli_start_time` : sql`coalesce(pli_start_time, ${now})`;
      const end = to === 'COMPLETED' || to === 'CANCELLED' ? sql`${now}` : sql`NULL`;
      return sql`UPDATE plans_instance_pli SET pli_status = ${statusId}, pli_start_time = ${start}, pli_end_time = ${end},
                        updated_by = ${by}, updated_at = ${now} WHERE pli_id = ${id}`;
    }
  }
}

/**
 * Re-derives the status of the phase, sequence, plan instance and iteration above a phase after
 * a step or a control beneath it changed, in the caller's transaction, and writes the ones that
 * differ in one statement. Returns what changed, for the caller's audit row.
 */
export async function syncRollUps(tx: DbOrTx, ctx: ServiceContext, phaseId: string, now: Date): Promise<ContainerChange[]> {
  await lockIterationOf(tx, phaseId);
  const rows = await readRollUpInputs(tx, phaseId);
  const changes: ContainerChange[] = [];
  const updates: SQL[] = [];
  for (const row of rows) {
    const before = containerStatusFromId(row.kind, row.status_id) ?? null;
    const after = derive(row);
    if (before === after) continue;
    changes.push({ kind: row.kind, id: row.id, before, after });
    updates.push(updateOf(row.kind, row.id, after, ctx.actor.code, now));
  }
  if (updates.length > 0) {
    const steps = updates.map((statement, index) => sql`${sql.raw(`u${index}`)} AS (${statement} RETURNING 1)`);
    await tx.execute(sql`WITH ${sql.join(steps, sql`, `)} SELECT 1`);
  }
  return changes;
}

const phaseStatus = alias(statuses, 'phase_status');
const sequenceStatus = alias(statuses, 'sequence_status');
const planStatus = alias(statuses, 'plan_status');
const iterationStatus = alias(statuses, 'iteration_status');


/** The phase, sequence, plan instance and iteration above a phase, with their statuses. */
export async function readContainerStatuses(tx: DbOrTx, phaseId: string): Promise<ContainerStatuses> {
  const [row] = await tx
    .select({
      phaseId: phaseInstances.id,
      phaseStatus: { id: phaseStatus.id, name: phaseStatus.name, color: phaseStatus.color },
      sequenceId: sequenceInstances.id,
      sequenceStatus: { id: sequenceStatus.id, name: sequenceStatus.name, color: sequenceStatus.color },
      planId: planInstances.id,
      planStatus: { id: planStatus.id, name: planStatus.name, color: planStatus.color },
      planStart: planInstances.startTime,
      planEnd: planInstances.endTime,
      iterationId: iterations.id,
      iterationStatus: { id: iterationStatus.id, name: iterationStatus.name, color: iterationStatus.color },
    })
    .from(phaseInstances)
    .innerJoin(phaseStatus, eq(phaseStatus.id, phaseInstances.statusId))
    .innerJoin(sequenceInstances, eq(sequenceInstances.id, phaseInstances.sequenceId))
    .innerJoin(sequenceStatus, eq(sequenceStatus.id, sequenceInstances.statusId))
    .innerJoin(planInstances, eq(planInstances.id, sequenceInstances.planId))
    .innerJoin(planStatus, eq(planStatus.id, planInstances.statusId))
    .innerJoin(iterations, eq(iterations.id, planInstances.iterationId))
    .innerJoin(iterationStatus, eq(iterationStatus.id, iterations.statusId))
    .where(eq(phaseInstances.id, phaseId));
  // The caller holds a row beneath this phase, and instance rows are never deleted under it.
  if (!row) throw new Error(`phase ${phaseId} has no container chain`);
  return {
    phase: { id: row.phaseId, status: row.phaseStatus },
    sequence: { id: row.sequenceId, status: row.sequenceStatus },
    plan: { id: row.planId, status: row.planStatus, startTime: toIso(row.planStart), endTime: toIso(row.planEnd) },
    iteration: { id: row.iterationId, status: row.iterationStatus },
  };
}
