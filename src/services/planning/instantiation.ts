import { and, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { queryRows } from '../../db/query';
import { iterations, masterPlans, planInstances } from '../../db/schema';
import { canManagePlans } from '../../domain/access/permissions';
import { domainError } from '../../domain/errors';
import { INITIAL_STATUS_ID } from '../../domain/planning/instantiation';
import { RUN_NAME_MAX } from '../../domain/text-limits';
import { copyDependenciesToInstance } from '../../db/repositories/dependencies';
import { formatStepCode } from '../../domain/execution/step-code';
import { recordAudit } from '../audit';
import type { ServiceContext } from '../context';
import { refuseWhileImporting } from '../imports/locks';

export const instantiatePlanInput = z.strictObject({
  iterationId: z.uuid(),
  masterPlanId: z.uuid(),
  /** Names a second run of the same master in one iteration (a re-run); without it a duplicate is refused. */
  runName: z.string().trim().min(1).max(RUN_NAME_MAX).optional(),
});
export type InstantiatePlanInput = z.output<typeof instantiatePlanInput>;

export interface InstantiatedPlan {
  planInstanceId: string;
  name: string;
  counts: { sequences: number; phases: number; steps: number; instructions: number; controls: number; dependencies: number };
  /**
   * Dependencies not copied because their predecessor was filtered out by the iteration's type,
   * as sentences naming both steps with their phase (e.g. "Cutover / DB-020 waited for Cutover / DB-010").
   */
  droppedDependencies: string[];
}

async function countOf(tx: DbOrTx, statement: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number }>(tx, statement);
  return Number(row?.n ?? 0);
}

/**
 * Copies a master plan into an iteration: sequences, phases, steps (filtered by the iteration's
 * type), instructions and controls, with every predecessor pointed at the new copies. Each level
 * is one INSERT … SELECT and one UPDATE … FROM, so a 2,000-step plan costs a dozen statements, and
 * all of it is one transaction: a failure anywhere leaves nothing behind.
 */
export async function instantiatePlan(ctx: ServiceContext, input: InstantiatePlanInput): Promise<InstantiatedPlan> {
  if (!canManagePlans(ctx.actor)) throw domainError('FORBIDDEN', 'Only administrators can create a plan instance for an iteration.');
  const by = ctx.actor.code;
  return ctx.db.transaction(async (tx) => {
    // Locking the iteration serialises concurrent instantiations, so the duplicate check holds.
    const [iteration] = await tx
      .select({ id: iterations.id, typeCode: iterations.iterationTypeCode, name: iterations.name })
      .from(iterations)
      .where(eq(iterations.id, input.iterationId))
      .for('update');
    if (!iteration) throw domainError('NOT_FOUND', 'That iteration does not exist.');
    const [plan] = await tx
      .select({ id: masterPlans.id, name: masterPlans.name, description: masterPlans.description })
      .from(masterPlans)
      .where(eq(masterPlans.id, input.masterPlanId));
    if (!plan) throw domainError('NOT_FOUND', 'That master plan does not exist.');
    // A plan an import is still writing would be copied half-done.
    await refuseWhileImporting(tx, plan.id, ctx.now(), `Master plan "${plan.name}" cannot be instantiated now`);

    const existing = await tx
      .select({ id: planInstances.id, name: planInstances.name })
      .from(planInstances)
      .where(and(eq(planInstances.iterationId, iteration.id), eq(planInstances.masterPlanId, plan.id)));
    const name = input.runName ?? plan.name;
    if (existing.length > 0 && !input.runName) {
      throw domainError(
        'CONFLICT',
        `Iteration "${iteration.name}" already runs plan "${plan.name}". Give the new run a name to create a re-run.`,
        { planInstanceId: existing[0]!.id },
      );
    }
    if (existing.some((instance) => instance.name === name)) {
      throw domainError('CONFLICT', `Iteration "${iteration.name}" already has a run of "${plan.name}" named "${name}".`);
    }

    const [instance] = await tx
      .insert(planInstances)
      .values({
        masterPlanId: plan.id,
        iterationId: iteration.id,
        ownerId: ctx.actor.userId,
        name,
        description: plan.description,
        statusId: INITIAL_STATUS_ID.Plan,
        createdBy: by,
        updatedBy: by,
      })
      .returning({ id: planInstances.id });
    const pli = instance!.id;

    const sequences = await countOf(
      tx,
      sql`WITH ins AS (
            INSERT INTO sequences_instance_sqi (pli_id, sqm_id, sqi_status, sqi_name, sqi_description, sqi_order, created_by, updated_by)
            SELECT ${pli}, m.sqm_id, ${INITIAL_STATUS_ID.Sequence}, m.sqm_name, m.sqm_description, m.sqm_order, ${by}, ${by}
              FROM sequences_master_sqm m WHERE m.plm_id = ${plan.id}
            RETURNING 1)
          SELECT count(*)::int AS n FROM ins`,
    );
    await tx.execute(sql`
      UPDATE sequences_instance_sqi s SET predecessor_sqi_id = p.sqi_id
        FROM sequences_master_sqm m, sequences_instance_sqi p
       WHERE s.pli_id = ${pli} AND m.sqm_id = s.sqm_id
         AND p.pli_id = ${pli} AND p.sqm_id = m.predecessor_sqm_id`);

    const phases = await countOf(
      tx,
      sql`WITH ins AS (
            INSERT INTO phases_instance_phi (sqi_id, phm_id, phi_status, phi_order, phi_name, phi_description, created_by, updated_by)
            SELECT s.sqi_id, m.phm_id, ${INITIAL_STATUS_ID.Phase}, m.phm_order, m.phm_name, m.phm_description, ${by}, ${by}
              FROM phases_master_phm m JOIN sequences_instance_sqi s ON s.sqm_id = m.sqm_id AND s.pli_id = ${pli}
            RETURNING 1)
          SELECT count(*)::int AS n FROM ins`,
    );
    await tx.execute(sql`
      WITH plan_phases AS (
        SELECT ph.phi_id, ph.phm_id FROM phases_instance_phi ph
          JOIN sequences_instance_sqi s ON s.sqi_id = ph.sqi_id AND s.pli_id = ${pli})
      UPDATE phases_instance_phi ph SET predecessor_phi_id = p.phi_id
        FROM plan_phases own, phases_master_phm m, plan_phases p
       WHERE ph.phi_id = own.phi_id AND m.phm_id = own.phm_id AND p.phm_id = m.predecessor_phm_id`);

    // Untagged steps run in every iteration; tagged ones only in iterations of a listed type.
    const steps = await countOf(
      tx,
      sql`WITH ins AS (
            INSERT INTO steps_instance_sti (phi_id, stm_id, sti_name, sti_description, sti_duration_minutes, sti_status, enr_id, created_by, updated_by)
            SELECT ph.phi_id, m.stm_id, m.stm_name, m.stm_description, m.stm_duration_minutes, ${INITIAL_STATUS_ID.Step},
                   coalesce(m.enr_id, m.enr_id_target), ${by}, ${by}
              FROM steps_master_stm m
              JOIN phases_instance_phi ph ON ph.phm_id = m.phm_id
              JOIN sequences_instance_sqi s ON s.sqi_id = ph.sqi_id AND s.pli_id = ${pli}
             WHERE NOT EXISTS (SELECT 1 FROM steps_master_stm_x_iteration_types_itt t WHERE t.stm_id = m.stm_id)
                OR EXISTS (SELECT 1 FROM steps_master_stm_x_iteration_types_itt t WHERE t.stm_id = m.stm_id AND t.itt_code = ${iteration.typeCode})
            RETURNING 1)
          SELECT count(*)::int AS n FROM ins`,
    );
    // A predecessor that was filtered out of this iteration leaves the step without one.
    await tx.execute(sql`
      WITH plan_steps AS (
        SELECT st.sti_id, st.stm_id FROM steps_instance_sti st
          JOIN phases_instance_phi ph ON ph.phi_id = st.phi_id
          JOIN sequences_instance_sqi s ON s.sqi_id = ph.sqi_id AND s.pli_id = ${pli})
      UPDATE steps_instance_sti st SET sti_id_predecessor = p.sti_id
        FROM plan_steps own, steps_master_stm m, plan_steps p
       WHERE st.sti_id = own.sti_id AND m.stm_id = own.stm_id AND p.stm_id = m.stm_id_predecessor`);

    const instructions = await countOf(
      tx,
      sql`WITH plan_steps AS (
            SELECT st.sti_id, st.stm_id FROM steps_instance_sti st
              JOIN phases_instance_phi ph ON ph.phi_id = st.phi_id
              JOIN sequences_instance_sqi s ON s.sqi_id = ph.sqi_id AND s.pli_id = ${pli}),
          ins AS (
            INSERT INTO instructions_instance_ini (sti_id, inm_id, ini_order, ini_body, ini_duration_minutes, created_by, updated_by)
            SELECT ps.sti_id, i.inm_id, i.inm_order, i.inm_body, i.inm_duration_minutes, ${by}, ${by}
              FROM instructions_master_inm i JOIN plan_steps ps ON ps.stm_id = i.stm_id
            RETURNING 1)
          SELECT count(*)::int AS n FROM ins`,
    );

    const controls = await countOf(
      tx,
      sql`WITH ins AS (
            INSERT INTO controls_instance_cti (phi_id, ctm_id, cti_status, cti_order, cti_name, cti_description, cti_type, cti_is_critical, cti_code, created_by, updated_by)
            SELECT ph.phi_id, c.ctm_id, ${INITIAL_STATUS_ID.Control}, c.ctm_order, c.ctm_name, c.ctm_description, c.ctm_type,
                   coalesce(c.ctm_is_critical, false), c.ctm_code, ${by}, ${by}
              FROM controls_master_ctm c
              JOIN phases_instance_phi ph ON ph.phm_id = c.phm_id
              JOIN sequences_instance_sqi s ON s.sqi_id = ph.sqi_id AND s.pli_id = ${pli}
            RETURNING 1)
          SELECT count(*)::int AS n FROM ins`,
    );

    const graph = await copyDependenciesToInstance(tx, plan.id, pli, by);
    const droppedDependencies = await describeDropped(tx, graph.dropped, iteration.typeCode);

    const counts = { sequences, phases, steps, instructions, controls, dependencies: graph.copied };
    await recordAudit(tx, ctx.actor, {
      action: 'PLAN_INSTANTIATED',
      entityType: 'plan_instance',
      entityId: pli,
      after: { iterationId: iteration.id, masterPlanId: plan.id, name, counts, droppedDependencies },
    });
    return { planInstanceId: pli, name, counts, droppedDependencies };
  });
}

/** "Phase / CODE" of a master step, for sentences. */
async function describeDropped(tx: DbOrTx, dropped: readonly { stepId: string; predecessorId: string }[], iterationType: string): Promise<string[]> {
  if (dropped.length === 0) return [];
  const ids = [...new Set(dropped.flatMap((edge) => [edge.stepId, edge.predecessorId]))];
  const rows = await queryRows<{ id: string; phase: string | null; stt: string | null; num: number | null; name: string | null }>(
    tx,
    sql`SELECT m.stm_id AS id, ph.phm_name AS phase, m.stt_code AS stt, m.stm_number AS num, m.stm_name AS name
          FROM steps_master_stm m JOIN phases_master_phm ph ON ph.phm_id = m.phm_id
         WHERE m.stm_id IN (SELECT (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid)`,
  );
  const label = new Map(
    rows.map((row) => {
      let code = row.name ?? row.id;
      try {
        if (row.stt !== null && row.num !== null) code = formatStepCode(row.stt, Number(row.num));
      } catch {
        // keep the name
      }
      return [row.id, `${row.phase ?? 'unnamed phase'} / ${code}`];
    }),
  );
  return dropped.map(
    (edge) => `${label.get(edge.stepId)} waited for ${label.get(edge.predecessorId)}, which is not part of ${iterationType} iterations; that dependency was not copied.`,
  );
}
