import { sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client';
import { queryRows } from '../db/query';
import { auditLog } from '../db/schema';
import { formatStepCode } from '../domain/execution/step-code';
import { CONTAINER_STATUS_ID, CONTROL_STATUS_ID, STEP_STATUS_ID } from '../domain/statuses';
import { createHandler, type FunctionKey } from '../resolvers';
import type { Envelope } from '../resolvers/operation';
import { syncRollUps } from '../services/execution/rollup-sync';
import { resolveActor } from '../services/identity';
import { CHUNK_ROWS, generateMasterPlan, type DemoPlan, type DemoPlanOptions, type DemoUser } from './demo-plan';
import type { DemoAccount, DemoFocus } from './host-state';

/**
 * The demo data of `npm start` (and of the browser tests, smaller): one migration with two dress
 * rehearsals and the cutover, a master plan made by demo-plan.ts instantiated into all three, IT
 * and business validators on every control instance, and the first dress rehearsal part-way
 * through execution.
 *
 * How the execution state is made, and why:
 * - The history (the phases finished hours ago: hundreds of steps, their instructions and
 *   controls) is written with a few set-based statements. Through the services it would be
 *   thousands of transactions and tens of seconds on the embedded database. Each of those steps
 *   still gets the two audit rows (started, completed) the step service would have written, marked
 *   `source: 'demo-data'`; instruction ticks and control verdicts of the history have no
 *   individual audit rows, and one DEMO_DATA_LOADED row says what was written this way. The
 *   phase, sequence, plan and iteration statuses are then derived by the services' own roll-up.
 * - Everything at the front of the run goes through the real resolvers, as each user would do it
 *   from the page (permission checks, rules, audit rows): instantiating the plans, passing the
 *   critical control that opens the current phase, completing its first steps with their
 *   instructions, starting the next ones and a comment.
 */

export type DemoSize = 'small' | 'full';

export const DEMO_SIZES: Record<DemoSize, DemoPlanOptions> = {
  // About 1,000 steps, 3,000 instructions and 80 controls per plan instance.
  full: { sequences: 10, phasesPerSequence: 4, stepsPerPhase: 25, instructionsPerStep: 3, controlsPerPhase: 2, teams: 20, users: 60, seed: 1 },
  // The browser tests: loads in well under a second.
  small: { sequences: 2, phasesPerSequence: 3, stepsPerPhase: 4, instructionsPerStep: 2, controlsPerPhase: 2, teams: 5, users: 12, seed: 7 },
};

const DEMO_MIGRATION_NAME = 'Core Banking Platform Migration';

/** Share of the first iteration's phases already finished. */
const DONE_SHARE = 0.25;
/** Share of the current phase's steps already completed. */
const CURRENT_PHASE_DONE_SHARE = 0.4;
/** How long ago the rehearsal started, and the window at the end made through the resolvers. */
const RUN_HOURS: Record<DemoSize, number> = { full: 9, small: 2 };
const LIVE_MINUTES = 45;

const day = 24 * 60 * 60 * 1000;
const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/** True when nobody and nothing is there yet: the only case in which demo data is loaded. */
export async function isDatabaseEmpty(db: DbOrTx): Promise<boolean> {
  const [row] = await queryRows<{ users: number | string; migrations: number | string }>(
    db,
    sql`SELECT (SELECT count(*) FROM users_usr) AS users, (SELECT count(*) FROM migrations_mig) AS migrations`,
  );
  return Number(row?.users ?? 0) === 0 && Number(row?.migrations ?? 0) === 0;
}

export interface DemoResult {
  plan: DemoPlan;
  accounts: DemoAccount[];
  focus: DemoFocus;
  summary: { planInstances: number; stepsPerInstance: number; stepsCompleted: number; stepsInProgress: number; controlsPassed: number };
}

/** Calls resolvers exactly as the UMIG service does for a Forge invocation, as a given user. */
function makeResolverCaller(db: Db, clock: { now: Date }) {
  const handler = createHandler({ databaseFor: () => db, now: () => new Date(clock.now) });
  return async function call<T>(accountId: string, functionKey: FunctionKey, payload: Record<string, unknown>): Promise<T> {
    const envelope = (await handler(
      { call: { functionKey, payload }, context: { extension: { type: 'macro' } } },
      { principal: { accountId } },
    )) as Envelope<unknown>;
    if (!envelope.ok) throw new Error(`Loading the demo data: ${functionKey} failed with ${envelope.error.code}: ${envelope.error.message}`);
    return envelope.data as T;
  };
}

interface StepRow {
  id: string;
  phase_id: string;
  owner_team: number | null;
  type_code: string | null;
  number: number | null;
  predecessor_id: string | null;
  instruction_ids: string[] | null;
}

interface ControlRow {
  id: string;
  iteration_id: string;
  phase_id: string;
  critical: boolean | null;
}

const values = (rows: SQL[]) => sql.join(rows, sql`, `);

function stepCode(step: StepRow): string | null {
  if (!step.type_code || step.number === null) return null;
  try {
    return formatStepCode(step.type_code, Number(step.number));
  } catch {
    return null;
  }
}

export async function loadDemoData(db: Db, size: DemoSize, options: { now?: Date } = {}): Promise<DemoResult> {
  const realNow = options.now ?? new Date();
  const today = isoDate(realNow);
  const plan = await generateMasterPlan(db, {
    ...DEMO_SIZES[size],
    migrationName: DEMO_MIGRATION_NAME,
    iterations: [
      { name: 'Dress Rehearsal 1', typeCode: 'DR', startDate: today },
      { name: 'Dress Rehearsal 2', typeCode: 'DR', startDate: isoDate(new Date(realNow.getTime() + 21 * day)) },
      { name: 'Production Cutover', typeCode: 'CUTOVER', startDate: isoDate(new Date(realNow.getTime() + 42 * day)) },
    ],
  });
  const [rehearsal] = plan.iterations;
  const admin = plan.users.find((user) => user.role === 'ADMIN')!;
  const pilot = plan.users.find((user) => user.role === 'PILOT') ?? admin;
  const normals = plan.users.filter((user) => user.role === 'NORMAL');

  // The generator dates the migration in a fixed year; move it around today's rehearsal.
  await db.execute(sql`
    UPDATE migrations_mig SET mig_start_date = ${isoDate(new Date(realNow.getTime() - 30 * day))},
           mig_end_date = ${isoDate(new Date(realNow.getTime() + 72 * day))},
           mig_business_cutover_date = ${isoDate(new Date(realNow.getTime() + 42 * day))},
           mig_status = ${CONTAINER_STATUS_ID.Migration.IN_PROGRESS}, updated_by = ${pilot.code}
     WHERE mig_id = ${plan.migrationId}`);

  const runStart = new Date(realNow.getTime() - RUN_HOURS[size] * 60 * 60 * 1000);
  const liveStart = new Date(realNow.getTime() - LIVE_MINUTES * 60 * 1000);
  // The plans were instantiated the day before the rehearsal.
  const clock = { now: new Date(runStart.getTime() - day) };
  const call = makeResolverCaller(db, clock);
  for (const iteration of plan.iterations) {
    await call(admin.accountId, 'planInstances/create', { iterationId: iteration.id, masterPlanId: plan.masterPlanId });
  }

  // The first rehearsal's runsheet, in execution order.
  const steps = await queryRows<StepRow>(
    db,
    sql`SELECT st.sti_id AS id, ph.phi_id AS phase_id, sm.tms_id_owner AS owner_team, sm.stt_code AS type_code, sm.stm_number AS number,
               st.sti_id_predecessor AS predecessor_id,
               (SELECT array_agg(i.ini_id ORDER BY i.ini_order, i.ini_id) FROM instructions_instance_ini i WHERE i.sti_id = st.sti_id) AS instruction_ids
          FROM steps_instance_sti st
          JOIN steps_master_stm sm ON sm.stm_id = st.stm_id
          JOIN phases_instance_phi ph ON ph.phi_id = st.phi_id
          JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id
          JOIN plans_instance_pli pl ON pl.pli_id = sq.pli_id
         WHERE pl.ite_id = ${rehearsal!.id}
         ORDER BY sq.sqi_order, ph.phi_order, sm.stm_number, st.sti_id`,
  );
  const phaseIds = [...new Set(steps.map((step) => step.phase_id))];
  const donePhases = Math.min(Math.max(1, Math.round(phaseIds.length * DONE_SHARE)), phaseIds.length - 1);
  const historyPhases = phaseIds.slice(0, donePhases);
  const gatePhase = historyPhases[historyPhases.length - 1]!;
  const currentPhase = phaseIds[donePhases]!;
  const historySteps = steps.filter((step) => historyPhases.includes(step.phase_id));
  const currentSteps = steps.filter((step) => step.phase_id === currentPhase);
  const completeNow = Math.max(1, Math.floor(currentSteps.length * CURRENT_PHASE_DONE_SHARE));
  const focusStep = currentSteps[Math.min(completeNow, currentSteps.length - 1)]!;

  // Who does what: a member of the step's owning team (a team member before a pilot), else the pilot.
  const executorOf = (teamId: number | null): DemoUser => {
    const members = plan.users.filter((user) => teamId !== null && user.teamIds.includes(teamId));
    return members.find((user) => user.role === 'NORMAL') ?? members[0] ?? pilot;
  };
  const focusExecutor = executorOf(focusStep.owner_team);
  const normal = focusExecutor.role === 'NORMAL' ? focusExecutor : (normals[0] ?? pilot);

  // IT and business validators on every control instance; the demo's NORMAL user signs for IT on
  // the rehearsal's current gates, so switching to that user shows a control to sign.
  const controls = await queryRows<ControlRow>(
    db,
    sql`SELECT c.cti_id AS id, pl.ite_id AS iteration_id, c.phi_id AS phase_id, c.cti_is_critical AS critical
          FROM controls_instance_cti c
          JOIN phases_instance_phi ph ON ph.phi_id = c.phi_id
          JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id
          JOIN plans_instance_pli pl ON pl.pli_id = sq.pli_id
         WHERE pl.ite_id IN ${plan.iterationIds}
         ORDER BY pl.ite_id, sq.sqi_order, ph.phi_order, c.cti_order, c.cti_id`,
  );
  const itPool = normals.filter((_, index) => index % 2 === 0);
  const bizPool = normals.filter((user, index) => index % 2 === 1 && user.id !== normal.id);
  const validators = new Map<string, { it: DemoUser; biz: DemoUser }>();
  controls.forEach((control, index) => {
    const rehearsalGate = control.iteration_id === rehearsal!.id && (control.phase_id === gatePhase || control.phase_id === currentPhase);
    const it = rehearsalGate ? normal : (itPool[index % Math.max(1, itPool.length)] ?? pilot);
    const biz = bizPool[index % Math.max(1, bizPool.length)] ?? pilot;
    validators.set(control.id, { it, biz });
  });

  const timeline = (index: number) => {
    const slot = (liveStart.getTime() - 5 * 60 * 1000 - runStart.getTime()) / Math.max(1, historySteps.length);
    const started = new Date(runStart.getTime() + index * slot);
    return { started, ended: new Date(started.getTime() + Math.max(60_000, slot * 0.85)) };
  };
  const pilotActor = await resolveActor(db, pilot.accountId);
  let controlsPassed = 0;

  await db.transaction(async (tx) => {
    if (controls.length > 0) {
      await tx.execute(sql`
        UPDATE controls_instance_cti c SET usr_id_it_validator = v.it, usr_id_biz_validator = v.biz, updated_by = ${pilot.code}
          FROM (VALUES ${values(controls.map((control) => sql`(${control.id}::uuid, ${validators.get(control.id)!.it.id}::int, ${validators.get(control.id)!.biz.id}::int)`))}) AS v(id, it, biz)
         WHERE c.cti_id = v.id`);
    }

    // The history: steps completed one after the other since the rehearsal started.
    const rows = historySteps.map((step, index) => ({ step, executor: executorOf(step.owner_team), ...timeline(index) }));
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const chunk = rows.slice(start, start + CHUNK_ROWS);
      await tx.execute(sql`
        UPDATE steps_instance_sti s SET sti_status = ${STEP_STATUS_ID.COMPLETED}, sti_start_time = v.started, sti_end_time = v.ended,
               updated_by = v.by, updated_at = v.ended
          FROM (VALUES ${values(chunk.map((row) => sql`(${row.step.id}::uuid, ${row.started}::timestamptz, ${row.ended}::timestamptz, ${row.executor.code}::varchar)`))})
               AS v(id, started, ended, by)
         WHERE s.sti_id = v.id`);
      await tx.execute(sql`
        UPDATE instructions_instance_ini i SET ini_is_completed = true, usr_id_completed_by = v.user_id,
               ini_completed_at = v.started + (v.ended - v.started) * coalesce(i.ini_order, 1) / (v.n + 1),
               updated_by = v.by, updated_at = v.started + (v.ended - v.started) * coalesce(i.ini_order, 1) / (v.n + 1)
          FROM (VALUES ${values(
            chunk.map(
              (row) =>
                sql`(${row.step.id}::uuid, ${row.executor.id}::int, ${row.executor.code}::varchar, ${row.started}::timestamptz, ${row.ended}::timestamptz, ${(row.step.instruction_ids ?? []).length}::int)`,
            ),
          )}) AS v(id, user_id, by, started, ended, n)
         WHERE i.sti_id = v.id`);
      await tx.insert(auditLog).values(
        chunk.flatMap((row) => {
          const code = stepCode(row.step);
          const entry = (from: string, to: string, at: Date) => ({
            userId: row.executor.id,
            action: 'STEP_STATUS_CHANGED',
            entityType: 'step_instance',
            entityId: row.step.id,
            details: { by: row.executor.code, before: { status: from }, after: { status: to }, stepCode: code, source: 'demo-data' },
            timestamp: at,
          });
          return [entry('TODO', 'IN_PROGRESS', row.started), entry('IN_PROGRESS', 'COMPLETED', row.ended)];
        }),
      );
    }

    // Every control of the finished phases passed, both signatures, when its phase ended; the
    // gates of the last finished phase are signed below, through the resolvers.
    const phaseEnds = new Map<string, Date>();
    rows.forEach((row) => phaseEnds.set(row.step.phase_id, row.ended));
    const signedPhases = historyPhases.filter((phaseId) => phaseId !== gatePhase);
    if (signedPhases.length > 0) {
      const passed = await queryRows<{ id: string }>(
        tx,
        sql`UPDATE controls_instance_cti c SET cti_status = ${CONTROL_STATUS_ID.PASSED},
                   cti_it_verdict = 'PASSED', cti_it_verdict_by = c.usr_id_it_validator, cti_it_verdict_at = v.at,
                   cti_biz_verdict = 'PASSED', cti_biz_verdict_by = c.usr_id_biz_validator, cti_biz_verdict_at = v.at + interval '4 minutes',
                   updated_by = ${pilot.code}, updated_at = v.at + interval '4 minutes'
              FROM (VALUES ${values(signedPhases.map((phaseId) => sql`(${phaseId}::uuid, ${phaseEnds.get(phaseId)!}::timestamptz)`))}) AS v(id, at)
             WHERE c.phi_id = v.id
         RETURNING c.cti_id AS id`,
      );
      controlsPassed += passed.length;
    }

    // The plan started when the rehearsal did; statuses above the steps come from the roll-up.
    await tx.execute(sql`
      UPDATE plans_instance_pli SET pli_start_time = ${runStart}
       WHERE pli_id = (SELECT sq.pli_id FROM phases_instance_phi ph JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id WHERE ph.phi_id = ${gatePhase})`);
    const ctx = { db, actor: pilotActor, now: () => realNow };
    for (const phaseId of historyPhases) await syncRollUps(tx, ctx, phaseId, phaseEnds.get(phaseId) ?? runStart);

    await tx.insert(auditLog).values({
      userId: pilot.id,
      action: 'DEMO_DATA_LOADED',
      entityType: 'iteration',
      entityId: rehearsal!.id,
      details: {
        by: pilot.code,
        source: 'demo-data',
        size,
        written: {
          validatorsAssigned: controls.length,
          stepsCompleted: historySteps.length,
          instructionsCompleted: historySteps.reduce((sum, step) => sum + (step.instruction_ids ?? []).length, 0),
          controlsPassed,
        },
      },
      timestamp: liveStart,
    });
  });

  // The front of the run, through the resolvers, as each person would do it from the page.
  clock.now = liveStart;
  const tick = () => {
    clock.now = new Date(Math.min(clock.now.getTime() + 30_000, realNow.getTime() - 60_000));
  };
  const act = async <T>(user: DemoUser, functionKey: FunctionKey, payload: Record<string, unknown>): Promise<T> => {
    tick();
    return call<T>(user.accountId, functionKey, payload);
  };
  const gateControls = controls.filter((control) => control.iteration_id === rehearsal!.id && control.phase_id === gatePhase);
  for (const control of gateControls) {
    const { it, biz } = validators.get(control.id)!;
    await act(it, 'controls/recordVerdict', {
      controlId: control.id,
      verdict: 'PASSED',
      slot: 'IT',
      expectedStatus: 'TODO',
      comment: 'Checks run on the target platform; evidence attached to the change record.',
    });
    // The critical gate gets its business signature too and passes; the other waits for it.
    if (control.critical) {
      await act(biz, 'controls/recordVerdict', { controlId: control.id, verdict: 'PASSED', slot: 'BIZ', expectedStatus: 'TODO' });
      controlsPassed += 1;
    }
  }

  const completed = new Set(historySteps.map((step) => step.id));
  const move = async (step: StepRow, from: string, to: string) => {
    await act(executorOf(step.owner_team), 'steps/changeStatus', { stepId: step.id, toStatus: to, expectedStatus: from });
  };
  const tickInstructions = async (step: StepRow, count: number) => {
    for (const instructionId of (step.instruction_ids ?? []).slice(0, count)) {
      await act(executorOf(step.owner_team), 'instructions/setCompleted', { instructionId, completed: true });
    }
  };
  let inProgress = 0;
  let parallelStarted = false;
  for (const [index, step] of currentSteps.entries()) {
    if (index < completeNow) {
      await move(step, 'PENDING', 'TODO');
      await move(step, 'TODO', 'IN_PROGRESS');
      await tickInstructions(step, Number.MAX_SAFE_INTEGER);
      await move(step, 'IN_PROGRESS', 'COMPLETED');
      completed.add(step.id);
    } else if (step === focusStep) {
      await move(step, 'PENDING', 'TODO');
      await move(step, 'TODO', 'IN_PROGRESS');
      await tickInstructions(step, 1);
      await act(focusExecutor, 'comments/add', { stepId: step.id, body: 'Started on the bridge call. The script is running; about ten minutes to go.' });
      inProgress += 1;
    } else if (index <= completeNow + 3) {
      await move(step, 'PENDING', 'TODO');
      // The first of the next steps whose predecessor is done runs in parallel with the focus step.
      if (!parallelStarted && step.predecessor_id !== null && completed.has(step.predecessor_id)) {
        await move(step, 'TODO', 'IN_PROGRESS');
        parallelStarted = true;
        inProgress += 1;
      }
    }
  }

  const account = (user: DemoUser): DemoAccount => ({ role: user.role, accountId: user.accountId, name: user.name, code: user.code });
  return {
    plan,
    accounts: [account(admin), account(pilot), account(normal)],
    focus: { iterationId: rehearsal!.id, iterationName: rehearsal!.name, migrationName: DEMO_MIGRATION_NAME, stepId: focusStep.id, phaseId: currentPhase },
    summary: {
      planInstances: plan.iterations.length,
      stepsPerInstance: steps.length,
      stepsCompleted: completed.size,
      stepsInProgress: inProgress,
      controlsPassed,
    },
  };
}

/**
 * The demo users and the part-way iteration, found again in a database that already holds data
 * (a second start, or a DATABASE_URL database): the first administrator, the first pilot, a team
 * member of the step in progress, and the iteration that is running.
 */
export async function findDemoSetup(db: DbOrTx): Promise<{ accounts: DemoAccount[]; focus?: DemoFocus }> {
  const [focusRow] = await queryRows<{ iteration_id: string; iteration_name: string | null; migration_name: string | null; step_id: string | null; phase_id: string | null; owner_team: number | null }>(
    db,
    sql`SELECT it.ite_id AS iteration_id, it.ite_name AS iteration_name, m.mig_name AS migration_name, st.sti_id AS step_id, st.phi_id AS phase_id, sm.tms_id_owner AS owner_team
          FROM iterations_ite it
          LEFT JOIN migrations_mig m ON m.mig_id = it.mig_id
          LEFT JOIN LATERAL (
            SELECT s.sti_id, s.phi_id, s.stm_id FROM steps_instance_sti s
              JOIN phases_instance_phi ph ON ph.phi_id = s.phi_id
              JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id
              JOIN plans_instance_pli pl ON pl.pli_id = sq.pli_id
             WHERE pl.ite_id = it.ite_id
             ORDER BY (s.sti_status = ${STEP_STATUS_ID.IN_PROGRESS}) DESC, (s.sti_status = ${STEP_STATUS_ID.TODO}) DESC, sq.sqi_order, ph.phi_order, s.sti_id
             LIMIT 1) st ON true
          LEFT JOIN steps_master_stm sm ON sm.stm_id = st.stm_id
         ORDER BY (it.ite_status = ${CONTAINER_STATUS_ID.Iteration.IN_PROGRESS}) DESC, it.ite_start_date NULLS LAST, it.created_at, it.ite_id
         LIMIT 1`,
  );
  const users = await queryRows<{ account: string; first: string; last: string; code: string; role: string | null; admin: boolean | null; in_team: boolean }>(
    db,
    sql`SELECT u.usr_confluence_user_id AS account, u.usr_first_name AS first, u.usr_last_name AS last, u.usr_code AS code,
               r.rls_code AS role, u.usr_is_admin AS admin,
               EXISTS (SELECT 1 FROM teams_tms_x_users_usr m WHERE m.usr_id = u.usr_id AND m.tms_id = ${focusRow?.owner_team ?? null}) AS in_team
          FROM users_usr u LEFT JOIN roles_rls r ON r.rls_id = u.rls_id
         WHERE u.usr_active AND u.usr_confluence_user_id IS NOT NULL
         ORDER BY u.usr_id`,
  );
  const toAccount = (row: (typeof users)[number], role: DemoAccount['role']): DemoAccount => ({
    role,
    accountId: row.account,
    name: `${row.first} ${row.last}`,
    code: row.code,
  });
  const accounts: DemoAccount[] = [];
  const admin = users.find((row) => row.admin === true || row.role === 'ADMIN');
  const pilot = users.find((row) => row.role === 'PILOT' && row.admin !== true);
  const normals = users.filter((row) => row.role !== 'ADMIN' && row.role !== 'PILOT' && row.admin !== true);
  const normal = normals.find((row) => row.in_team) ?? normals[0];
  if (admin) accounts.push(toAccount(admin, 'ADMIN'));
  if (pilot) accounts.push(toAccount(pilot, 'PILOT'));
  if (normal) accounts.push(toAccount(normal, 'NORMAL'));
  const focus: DemoFocus | undefined = focusRow
    ? {
        iterationId: focusRow.iteration_id,
        iterationName: focusRow.iteration_name ?? 'Iteration',
        migrationName: focusRow.migration_name ?? undefined,
        stepId: focusRow.step_id ?? undefined,
        phaseId: focusRow.phase_id ?? undefined,
      }
    : undefined;
  return { accounts, focus };
}
