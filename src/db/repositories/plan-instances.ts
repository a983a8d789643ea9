import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { queryRows } from '../query';

// The lifecycle of a plan instance (a run): how much of it has happened, deleting its whole tree,
// archiving and restoring it, and the read-only guard every execution change passes through.

export interface LockedPlanInstance {
  id: string;
  name: string;
  iterationId: string;
  iterationName: string;
  masterPlanId: string;
  updatedAt: Date | null;
  archivedAt: Date | null;
  archivedBy: string | null;
}

const toDate = (value: unknown): Date | null =>
  value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;

/**
 * The plan instance, locked FOR UPDATE: every execution change holds its run FOR KEY SHARE (see
 * lockWritablePlan), so this waits for changes in flight and holds back new ones until commit.
 */
export async function lockPlanInstance(tx: DbOrTx, planInstanceId: string): Promise<LockedPlanInstance | undefined> {
  const [row] = await queryRows<{
    id: string;
    name: string | null;
    ite_id: string;
    ite_name: string | null;
    plm_id: string;
    updated_at: unknown;
    archived_at: unknown;
    archived_by: string | null;
  }>(
    tx,
    sql`SELECT pl.pli_id AS id, pl.pli_name AS name, pl.ite_id, ite.ite_name, pl.plm_id, pl.updated_at,
               pl.pli_archived_at AS archived_at, pl.pli_archived_by AS archived_by
          FROM plans_instance_pli pl JOIN iterations_ite ite ON ite.ite_id = pl.ite_id
         WHERE pl.pli_id = ${planInstanceId}
           FOR UPDATE OF pl`,
  );
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name ?? 'unnamed run',
    iterationId: row.ite_id,
    iterationName: row.ite_name ?? 'unnamed iteration',
    masterPlanId: row.plm_id,
    updatedAt: toDate(row.updated_at),
    archivedAt: toDate(row.archived_at),
    archivedBy: row.archived_by,
  };
}

/** What has happened in a run: the facts that decide whether it may still be deleted. */
export interface PlanInstanceActivity {
  /** The run's own start time was set (its first step started). */
  planStarted: boolean;
  /** Steps no longer in their initial status (PENDING), or with a start time. */
  stepsMoved: number;
  /** Instructions ticked (or ticked once: a completion time is kept). */
  instructionsTicked: number;
  /** Controls out of their initial status (TODO), or with an IT or business verdict recorded. */
  controlsDecided: number;
  /** Step comments, which go with the run (not a sign that it started). */
  comments: number;
}

export async function readPlanInstanceActivity(tx: DbOrTx, planInstanceId: string, initial: { stepStatusId: number; controlStatusId: number }): Promise<PlanInstanceActivity> {
  const [row] = await queryRows<{ plan_started: boolean; steps: number; instructions: number; controls: number; comments: number }>(
    tx,
    sql`WITH phases AS (
          SELECT ph.phi_id FROM phases_instance_phi ph JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id WHERE sq.pli_id = ${planInstanceId}),
        steps AS (
          SELECT st.sti_id, st.sti_status, st.sti_start_time FROM steps_instance_sti st WHERE st.phi_id IN (SELECT phi_id FROM phases))
        SELECT
          (SELECT pli_start_time IS NOT NULL FROM plans_instance_pli WHERE pli_id = ${planInstanceId}) AS plan_started,
          (SELECT count(*)::int FROM steps WHERE sti_status <> ${initial.stepStatusId} OR sti_start_time IS NOT NULL) AS steps,
          (SELECT count(*)::int FROM instructions_instance_ini i
            WHERE i.sti_id IN (SELECT sti_id FROM steps) AND (i.ini_is_completed IS TRUE OR i.ini_completed_at IS NOT NULL)) AS instructions,
          (SELECT count(*)::int FROM controls_instance_cti c
            WHERE c.phi_id IN (SELECT phi_id FROM phases)
              AND (c.cti_status <> ${initial.controlStatusId} OR c.cti_it_verdict IS NOT NULL OR c.cti_biz_verdict IS NOT NULL)) AS controls,
          (SELECT count(*)::int FROM step_instance_comments_sic k WHERE k.sti_id IN (SELECT sti_id FROM steps)) AS comments`,
  );
  return {
    planStarted: row?.plan_started === true,
    stepsMoved: Number(row?.steps ?? 0),
    instructionsTicked: Number(row?.instructions ?? 0),
    controlsDecided: Number(row?.controls ?? 0),
    comments: Number(row?.comments ?? 0),
  };
}

export interface DeletedPlanTree {
  sequences: number;
  phases: number;
  steps: number;
  instructions: number;
  controls: number;
  dependencies: number;
  comments: number;
  schedules: number;
}

async function countDeleted(tx: DbOrTx, statement: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number }>(tx, sql`WITH gone AS (${statement} RETURNING 1) SELECT count(*)::int AS n FROM gone`);
  return Number(row?.n ?? 0);
}

/**
 * Deletes a run and everything under it, leaves first. Every table that points at an instance
 * row is named here, cascading or not (step dependencies, step comments and the run's schedule
 * cascade in the schema; they are deleted explicitly so the audit row can count them). The
 * caller has locked the plan instance (lockPlanInstance).
 */
export async function deletePlanInstanceTree(tx: DbOrTx, planInstanceId: string): Promise<DeletedPlanTree> {
  const sequences = sql`SELECT sqi_id FROM sequences_instance_sqi WHERE pli_id = ${planInstanceId}`;
  const phases = sql`SELECT phi_id FROM phases_instance_phi WHERE sqi_id IN (${sequences})`;
  const steps = sql`SELECT sti_id FROM steps_instance_sti WHERE phi_id IN (${phases})`;
  const dependencies = await countDeleted(
    tx,
    sql`DELETE FROM step_dependencies_instance_sdi WHERE sti_id IN (${steps}) OR sti_id_predecessor IN (${steps})`,
  );
  const comments = await countDeleted(tx, sql`DELETE FROM step_instance_comments_sic WHERE sti_id IN (${steps})`);
  const instructions = await countDeleted(tx, sql`DELETE FROM instructions_instance_ini WHERE sti_id IN (${steps})`);
  const controls = await countDeleted(tx, sql`DELETE FROM controls_instance_cti WHERE phi_id IN (${phases})`);
  const stepCount = await countDeleted(tx, sql`DELETE FROM steps_instance_sti WHERE phi_id IN (${phases})`);
  const phaseCount = await countDeleted(tx, sql`DELETE FROM phases_instance_phi WHERE sqi_id IN (${sequences})`);
  const sequenceCount = await countDeleted(tx, sql`DELETE FROM sequences_instance_sqi WHERE pli_id = ${planInstanceId}`);
  const schedules = await countDeleted(tx, sql`DELETE FROM plan_instance_schedule_pis WHERE pli_id = ${planInstanceId}`);
  await tx.execute(sql`DELETE FROM plans_instance_pli WHERE pli_id = ${planInstanceId}`);
  return { sequences: sequenceCount, phases: phaseCount, steps: stepCount, instructions, controls, dependencies, comments, schedules };
}

/** Archives (a time) or restores (null) a locked run; moves `updated_at` forward like every change. */
export async function setPlanInstanceArchived(
  tx: DbOrTx,
  planInstanceId: string,
  archived: { at: Date; by: string } | null,
  updatedBy: string,
  now: Date,
): Promise<Date | null> {
  const [row] = await queryRows<{ updated_at: unknown }>(
    tx,
    sql`UPDATE plans_instance_pli
           SET pli_archived_at = ${archived ? archived.at : null}::timestamptz,
               pli_archived_by = ${archived ? archived.by : null},
               updated_by = ${updatedBy},
               updated_at = greatest(${now}::timestamptz, date_trunc('milliseconds', updated_at) + interval '1 millisecond')
         WHERE pli_id = ${planInstanceId}
     RETURNING updated_at`,
  );
  return toDate(row?.updated_at);
}

/** An execution change names one of these; the guard finds the run above it. */
export type InstanceTarget =
  | { step: string }
  | { instruction: string }
  | { control: string }
  | { phase: string }
  | { comment: number };

export interface WritablePlanFacts {
  planInstanceId: string;
  name: string;
  archivedAt: Date | null;
}

/**
 * The run above a step, instruction, control or step comment, held FOR KEY SHARE until the
 * change commits: archiving or deleting the run (FOR UPDATE) waits for the change, and a change
 * that started after the archive sees it. KEY SHARE does not conflict with the roll-up's own
 * UPDATE of the run's status, so concurrent changes of one run do not queue on it.
 * Undefined when the target does not exist.
 */
export async function lockWritablePlan(tx: DbOrTx, target: InstanceTarget): Promise<WritablePlanFacts | undefined> {
  let phase: SQL;
  if ('step' in target) {
    phase = sql`SELECT st.phi_id FROM steps_instance_sti st WHERE st.sti_id = ${target.step}`;
  } else if ('instruction' in target) {
    phase = sql`SELECT st.phi_id FROM instructions_instance_ini i JOIN steps_instance_sti st ON st.sti_id = i.sti_id WHERE i.ini_id = ${target.instruction}`;
  } else if ('comment' in target) {
    phase = sql`SELECT st.phi_id FROM step_instance_comments_sic k JOIN steps_instance_sti st ON st.sti_id = k.sti_id WHERE k.sic_id = ${target.comment}`;
  } else if ('phase' in target) {
    phase = sql`SELECT ph.phi_id FROM phases_instance_phi ph WHERE ph.phi_id = ${target.phase}`;
  } else {
    phase = sql`SELECT c.phi_id FROM controls_instance_cti c WHERE c.cti_id = ${target.control}`;
  }
  const [row] = await queryRows<{ id: string; name: string | null; archived_at: unknown }>(
    tx,
    sql`SELECT pl.pli_id AS id, pl.pli_name AS name, pl.pli_archived_at AS archived_at
          FROM phases_instance_phi ph
          JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id
          JOIN plans_instance_pli pl ON pl.pli_id = sq.pli_id
         WHERE ph.phi_id = (${phase})
           FOR KEY SHARE OF pl`,
  );
  return row ? { planInstanceId: row.id, name: row.name ?? 'unnamed run', archivedAt: toDate(row.archived_at) } : undefined;
}
