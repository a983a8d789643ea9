import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { queryRows } from '../../src/db/query';
import {
  auditLog,
  controlInstances,
  instructionInstances,
  iterations,
  phaseInstances,
  pilotComments,
  planInstances,
  sequenceInstances,
  stepComments,
  stepInstances,
  users,
} from '../../src/db/schema';
import {
  CONTAINER_STATUS_ID,
  CONTROL_STATUS_ID,
  type ControlStatus,
  STEP_STATUS_ID,
  type StepStatus,
  containerStatusFromId,
  controlStatusFromId,
  stepStatusFromId,
} from '../../src/domain/statuses';
import type { Scenario, ScenarioStep } from '../helpers/scenario';

// Shared set-up and read-back for the execution-*.test.ts files: drive rows into a state directly
// through the database, then read back what a user would see.

/** The step at position `n` (0-based, runsheet order) of phase `phase` of sequence `sequence`. */
export function stepAt(s: Scenario, sequence: number, phase: number, n: number): ScenarioStep {
  const inPhase = s.steps.filter((step) => step.sequenceIndex === sequence && step.phaseIndex === phase);
  const found = inPhase[n];
  if (!found) throw new Error(`no step ${n} in phase ${sequence}.${phase}`);
  return found;
}

export function phaseAt(s: Scenario, sequence: number, phase: number) {
  const found = s.phases.find((p) => p.sequenceIndex === sequence && p.phaseIndex === phase);
  if (!found) throw new Error(`no phase ${sequence}.${phase}`);
  return found;
}

export function stepsOfPhase(s: Scenario, sequence: number, phase: number): ScenarioStep[] {
  return s.steps.filter((step) => step.sequenceIndex === sequence && step.phaseIndex === phase);
}

/** Puts steps into a status as if it had been reached earlier (times reset to match). */
export async function setStepStatus(s: Scenario, stepIds: string | string[], status: StepStatus): Promise<void> {
  const ids = Array.isArray(stepIds) ? stepIds : [stepIds];
  const started = ['IN_PROGRESS', 'COMPLETED', 'FAILED', 'BLOCKED'].includes(status);
  const ended = status === 'COMPLETED' || status === 'FAILED';
  await s.db
    .update(stepInstances)
    .set({
      statusId: STEP_STATUS_ID[status],
      startTime: started ? new Date('2026-12-05T08:00:00Z') : null,
      endTime: ended ? new Date('2026-12-05T09:00:00Z') : null,
    })
    .where(inArray(stepInstances.id, ids));
}

/** Every step of the plan, every container above and every control back to their initial state, and an empty audit log. */
export async function resetRunsheet(s: Scenario): Promise<void> {
  await s.db.update(stepInstances).set({ statusId: STEP_STATUS_ID.PENDING, startTime: null, endTime: null });
  await s.db.update(phaseInstances).set({ statusId: CONTAINER_STATUS_ID.Phase.PLANNING });
  await s.db.update(sequenceInstances).set({ statusId: CONTAINER_STATUS_ID.Sequence.PLANNING });
  await s.db.update(planInstances).set({ statusId: CONTAINER_STATUS_ID.Plan.PLANNING, startTime: null, endTime: null });
  await s.db.update(iterations).set({ statusId: CONTAINER_STATUS_ID.Iteration.PLANNING });
  await s.db.update(instructionInstances).set({ isCompleted: false, completedAt: null, completedById: null });
  await resetControls(s);
  await s.db.delete(auditLog);
}

/** Every control back to TODO with no verdicts, validators as the scenario assigned them. */
export async function resetControls(s: Scenario): Promise<void> {
  await s.db.update(controlInstances).set({
    statusId: CONTROL_STATUS_ID.TODO,
    itValidatorId: s.users.itValidator.id,
    bizValidatorId: s.users.bizValidator.id,
    itVerdict: null,
    itVerdictById: null,
    itVerdictAt: null,
    itComment: null,
    bizVerdict: null,
    bizVerdictById: null,
    bizVerdictAt: null,
    bizComment: null,
    itOverrideReason: null,
    bizOverrideReason: null,
  });
}

export async function setControlStatus(s: Scenario, controlId: string, status: ControlStatus): Promise<void> {
  await s.db.update(controlInstances).set({ statusId: CONTROL_STATUS_ID[status] }).where(eq(controlInstances.id, controlId));
}

export async function stepRow(s: Scenario, stepId: string) {
  const [row] = await s.db.select().from(stepInstances).where(eq(stepInstances.id, stepId));
  return { ...row!, status: stepStatusFromId(row!.statusId) };
}

export async function controlRow(s: Scenario, controlId: string) {
  const [row] = await s.db.select().from(controlInstances).where(eq(controlInstances.id, controlId));
  return { ...row!, status: controlStatusFromId(row!.statusId) };
}

/** The stored statuses of the phase, its sequence, the plan instance and the iteration. */
export async function containerStatuses(s: Scenario, phaseId: string) {
  const [row] = await s.db
    .select({
      phase: phaseInstances.statusId,
      sequence: sequenceInstances.statusId,
      plan: planInstances.statusId,
      planStart: planInstances.startTime,
      planEnd: planInstances.endTime,
      iteration: iterations.statusId,
    })
    .from(phaseInstances)
    .innerJoin(sequenceInstances, eq(sequenceInstances.id, phaseInstances.sequenceId))
    .innerJoin(planInstances, eq(planInstances.id, sequenceInstances.planId))
    .innerJoin(iterations, eq(iterations.id, planInstances.iterationId))
    .where(eq(phaseInstances.id, phaseId));
  return {
    phase: containerStatusFromId('Phase', row!.phase),
    sequence: containerStatusFromId('Sequence', row!.sequence),
    plan: containerStatusFromId('Plan', row!.plan),
    iteration: containerStatusFromId('Iteration', row!.iteration),
    planStart: row!.planStart,
    planEnd: row!.planEnd,
  };
}

export async function auditRows(s: Scenario, entityId: string | number, action?: string) {
  const where = action
    ? and(eq(auditLog.entityId, String(entityId)), eq(auditLog.action, action))
    : eq(auditLog.entityId, String(entityId));
  return s.db.select().from(auditLog).where(where).orderBy(auditLog.timestamp);
}

/** Row counts of every table the execution commands write, to prove a refusal changed nothing. */
export async function tableCounts(s: Scenario) {
  const n = async (table: PgTable) => {
    const [row] = await s.db.select({ n: count() }).from(table);
    return row!.n;
  };
  return {
    audit: await n(auditLog),
    comments: await n(stepComments),
    pilotComments: await n(pilotComments),
    users: await n(users),
    steps: await n(stepInstances),
    controls: await n(controlInstances),
    instructions: await n(instructionInstances),
  };
}

/**
 * A fingerprint of everything the execution commands may change (statuses, ticks, verdicts,
 * comments, audit rows), so a refused call can be shown to have changed nothing at all.
 */
export async function executionFingerprint(s: Scenario): Promise<string> {
  const [row] = await queryRows<{ fp: string }>(s.db, sql`
    SELECT md5(concat_ws('|',
      (SELECT string_agg(sti_id::text || sti_status || coalesce(sti_start_time::text, '') || coalesce(sti_end_time::text, '') || coalesce(updated_at::text, ''), ',' ORDER BY sti_id) FROM steps_instance_sti),
      (SELECT string_agg(ini_id::text || coalesce(ini_is_completed::text, '') || coalesce(usr_id_completed_by::text, ''), ',' ORDER BY ini_id) FROM instructions_instance_ini),
      (SELECT string_agg(cti_id::text || cti_status || coalesce(usr_id_it_validator::text, '') || coalesce(usr_id_biz_validator::text, '') || coalesce(cti_it_verdict, '') || coalesce(cti_biz_verdict, ''), ',' ORDER BY cti_id) FROM controls_instance_cti),
      (SELECT string_agg(phi_id::text || phi_status, ',' ORDER BY phi_id) FROM phases_instance_phi),
      (SELECT string_agg(pli_id::text || pli_status, ',' ORDER BY pli_id) FROM plans_instance_pli),
      (SELECT string_agg(sic_id::text || coalesce(comment_body, ''), ',' ORDER BY sic_id) FROM step_instance_comments_sic),
      (SELECT string_agg(spc_id::text || coalesce(comment_body, '') || coalesce(visibility, ''), ',' ORDER BY spc_id) FROM step_pilot_comments_spc),
      (SELECT count(*)::text FROM audit_log_aud),
      (SELECT count(*)::text FROM users_usr))) AS fp`);
  return row!.fp;
}

/** A comment written straight into the table, as if `authorId` had added it earlier. */
export async function seedComment(s: Scenario, stepId: string, authorId: number, body = 'Seeded comment'): Promise<number> {
  const [row] = await s.db.insert(stepComments).values({ stepId, body, createdBy: authorId }).returning({ id: stepComments.id });
  return row!.id;
}

export async function seedPilotComment(s: Scenario, masterStepId: string, authorId: number, body = 'Seeded pilot note'): Promise<number> {
  const [row] = await s.db
    .insert(pilotComments)
    .values({ stepId: masterStepId, body, createdBy: authorId, visibility: 'ALL' })
    .returning({ id: pilotComments.id });
  return row!.id;
}

export async function instructionsOf(s: Scenario, stepId: string) {
  return s.db.select().from(instructionInstances).where(eq(instructionInstances.stepId, stepId)).orderBy(instructionInstances.order);
}

export const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';
export const SQL_TEXT = "'; DROP TABLE users_usr; --";
export const ONE_MB = 'x'.repeat(1_000_000);
