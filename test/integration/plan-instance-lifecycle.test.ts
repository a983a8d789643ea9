import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, count, eq, sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/query';
import { auditLog, instructionInstances, planInstances } from '../../src/db/schema';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { setStepStatus } from './execution-fixtures';
import { EXAMPLE_PLAN, createEmptyPlan, errorOf, expectData, importAndPromote, makeImportCaller } from './import-fixtures';

/** Issue 10: a plan instance can be deleted while not started, or archived (read-only) and restored; administrators only. */
describe('plan instance lifecycle', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  /** Every row of the instance tree and what hangs off it, whatever the run. */
  async function treeCounts() {
    type Counts = Record<'pli' | 'sqi' | 'phi' | 'sti' | 'ini' | 'cti' | 'sdi' | 'sic' | 'pis' | 'aud', number>;
    const [row] = await queryRows<Counts>(
      s.db,
      sql`SELECT (SELECT count(*)::int FROM plans_instance_pli) AS pli, (SELECT count(*)::int FROM sequences_instance_sqi) AS sqi,
                 (SELECT count(*)::int FROM phases_instance_phi) AS phi, (SELECT count(*)::int FROM steps_instance_sti) AS sti,
                 (SELECT count(*)::int FROM instructions_instance_ini) AS ini, (SELECT count(*)::int FROM controls_instance_cti) AS cti,
                 (SELECT count(*)::int FROM step_dependencies_instance_sdi) AS sdi, (SELECT count(*)::int FROM step_instance_comments_sic) AS sic,
                 (SELECT count(*)::int FROM plan_instance_schedule_pis) AS pis, (SELECT count(*)::int FROM audit_log_aud) AS aud`,
    );
    return row!;
  }

  async function runOf(planInstanceId: string) {
    const [row] = await s.db.select().from(planInstances).where(eq(planInstances.id, planInstanceId));
    return row;
  }

  async function versionOf(planInstanceId: string): Promise<string | null> {
    return (await runOf(planInstanceId))?.updatedAt?.toISOString() ?? null;
  }

  /** A fresh, not-started run of the scenario's master in the RUN iteration, with a comment and a schedule. */
  async function freshRun(runName: string) {
    const created = expectOk(await s.call(ACCOUNTS.admin, 'planInstances/create', { iterationId: s.runIterationId, masterPlanId: s.masterPlanId, runName }));
    const [step] = await queryRows<{ sti_id: string }>(
      s.db,
      sql`SELECT st.sti_id FROM steps_instance_sti st JOIN phases_instance_phi ph ON ph.phi_id = st.phi_id
            JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id WHERE sq.pli_id = ${created.planInstanceId} LIMIT 1`,
    );
    expectOk(await s.call(ACCOUNTS.normalInTeam, 'comments/add', { stepId: step!.sti_id, body: 'Who brings the keys?' }));
    await s.db.execute(sql`INSERT INTO plan_instance_schedule_pis (pli_id, pis_planned_start) VALUES (${created.planInstanceId}, '2026-12-20T08:00:00Z')`);
    return { ...created, stepId: step!.sti_id };
  }

  it('lets an administrator delete a run that has not started, with everything under it, and audits what went', async () => {
    const run = await freshRun('Mistaken import');
    const before = await treeCounts();
    const deleted = expectOk(await s.call(ACCOUNTS.admin, 'planInstances/delete', { planInstanceId: run.planInstanceId, expectedUpdatedAt: await versionOf(run.planInstanceId) }));

    expect(deleted.deleted).toMatchObject({ sequences: 2, phases: 4, steps: run.counts.steps, instructions: run.counts.instructions, controls: 4, comments: 1, schedules: 1 });
    expect(deleted.deleted.dependencies).toBe(run.counts.dependencies);
    const after = await treeCounts();
    expect(after).toEqual({
      pli: before.pli - 1,
      sqi: before.sqi - 2,
      phi: before.phi - 4,
      sti: before.sti - run.counts.steps,
      ini: before.ini - run.counts.instructions,
      cti: before.cti - 4,
      sdi: before.sdi - run.counts.dependencies,
      sic: before.sic - 1,
      pis: before.pis - 1,
      aud: before.aud + 1,
    });
    const [audit] = await s.db.select().from(auditLog).where(and(eq(auditLog.entityId, run.planInstanceId), eq(auditLog.action, 'PLAN_INSTANCE_DELETED')));
    expect(audit?.userId).toBe(s.users.admin.id);
    expect(audit?.details).toMatchObject({ by: 'ADM', before: { name: 'Mistaken import' }, alsoDeleted: { steps: run.counts.steps, comments: 1 } });
    // The scenario's own run is untouched.
    expect(await runOf(s.planInstanceId)).toBeDefined();
  });

  it.each([
    ['a pilot', ACCOUNTS.pilot],
    ['a normal user', ACCOUNTS.normalInTeam],
  ])('refuses %s every lifecycle change with FORBIDDEN, changing nothing', async (_who, account) => {
    const run = await freshRun(`Not yours ${account}`);
    const version = await versionOf(run.planInstanceId);
    const before = await treeCounts();
    for (const key of ['planInstances/delete', 'planInstances/archive', 'planInstances/restore'] as const) {
      const refused = await s.call(account, key, { planInstanceId: run.planInstanceId, expectedUpdatedAt: version });
      expect(codeOf(refused)).toBe('FORBIDDEN');
      if (!refused.ok) expect(refused.error.message).toBe('Only UMIG administrators can delete, archive or restore a plan instance.');
      // Refused before the payload is read.
      expect(codeOf(await s.callRaw(account, key, { nonsense: true }))).toBe('FORBIDDEN');
    }
    expect(await treeCounts()).toEqual(before);
    expect((await runOf(run.planInstanceId))?.archivedAt).toBeNull();
  });

  it('refuses to delete a run that has started, saying why and what to do instead, and changes nothing', async () => {
    const run = await freshRun('Started run');
    const [step] = await queryRows<{ sti_id: string }>(
      s.db,
      sql`SELECT st.sti_id FROM steps_instance_sti st JOIN phases_instance_phi ph ON ph.phi_id = st.phi_id
            JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id WHERE sq.pli_id = ${run.planInstanceId} ORDER BY st.sti_id LIMIT 1`,
    );
    await setStepStatus(s, step!.sti_id, 'IN_PROGRESS');
    const before = await treeCounts();
    const refused = await s.call(ACCOUNTS.admin, 'planInstances/delete', { planInstanceId: run.planInstanceId, expectedUpdatedAt: await versionOf(run.planInstanceId) });
    expect(codeOf(refused)).toBe('CONFLICT');
    if (!refused.ok) {
      expect(refused.error.message).toBe(
        'Plan instance "Started run" has started (1 step has moved), so it cannot be deleted: its history is kept. Archive it instead; an archived run is read-only and hidden from the runsheet pickers.',
      );
    }
    expect(await treeCounts()).toEqual(before);

    // A ticked instruction or a recorded verdict counts too, even with every step back in PENDING.
    await setStepStatus(s, step!.sti_id, 'PENDING');
    await s.db.update(instructionInstances).set({ isCompleted: true }).where(eq(instructionInstances.stepId, step!.sti_id));
    const ticked = await s.call(ACCOUNTS.admin, 'planInstances/delete', { planInstanceId: run.planInstanceId, expectedUpdatedAt: await versionOf(run.planInstanceId) });
    expect(ticked.ok ? '' : ticked.error.message).toMatch(/^Plan instance "Started run" has started \(\d+ instructions? (was|were) ticked\)/);
    expect(await treeCounts()).toEqual(before);
  });

  it('refuses a change made on a stale version of the run', async () => {
    const run = await freshRun('Stale run');
    const refused = await s.call(ACCOUNTS.admin, 'planInstances/archive', { planInstanceId: run.planInstanceId, expectedUpdatedAt: '2020-01-01T00:00:00.000Z' });
    expect(codeOf(refused)).toBe('CONFLICT');
    if (!refused.ok) expect(refused.error.message).toMatch(/^Plan instance "Stale run" changed since you loaded it/);
    expect((await runOf(run.planInstanceId))?.archivedAt).toBeNull();
  });

  it('archives a run: hidden from the pickers, every execution change refused with a sentence, restorable', async () => {
    const planInstanceId = s.planInstanceId;
    const step = s.steps[0]!;
    const phase = s.phases[0]!;
    const [instruction] = await s.db.select({ id: instructionInstances.id }).from(instructionInstances).where(eq(instructionInstances.stepId, step.id));
    const comment = expectOk(await s.call(ACCOUNTS.normalInTeam, 'comments/add', { stepId: step.id, body: 'Before the archive' }));

    const archived = expectOk(await s.call(ACCOUNTS.admin, 'planInstances/archive', { planInstanceId, expectedUpdatedAt: await versionOf(planInstanceId) }));
    expect(archived).toMatchObject({ planInstanceId, archivedBy: 'ADM' });
    const [auditArchive] = await s.db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.entityId, planInstanceId), eq(auditLog.action, 'PLAN_INSTANCE_ARCHIVED')));
    expect(auditArchive?.n).toBe(1);

    // The pickers leave it out; the administration page asks for it.
    const picked = expectOk(await s.call(ACCOUNTS.normalInTeam, 'planInstances/list', { iterationId: s.iterationId }));
    expect(picked.map((row) => row.id)).not.toContain(planInstanceId);
    const all = expectOk(await s.call(ACCOUNTS.admin, 'planInstances/list', { iterationId: s.iterationId, includeArchived: true }));
    expect(all.find((row) => row.id === planInstanceId)?.archivedBy).toBe('ADM');
    const iterationRow = expectOk(await s.call(ACCOUNTS.admin, 'iterations/list', { migrationId: s.migrationId })).find((row) => row.id === s.iterationId);
    expect(iterationRow?.planInstanceCount).toBe(0);

    const before = await treeCounts();
    const readOnly = `Plan instance "Cutover master" is archived, so it is read-only. An administrator can restore it in UMIG administration (Iterations, Plan instances).`;
    const refusals = [
      await s.call(ACCOUNTS.pilot, 'steps/changeStatus', { stepId: step.id, toStatus: 'TODO', expectedStatus: 'PENDING' }),
      await s.call(ACCOUNTS.pilot, 'instructions/setCompleted', { instructionId: instruction!.id, completed: true }),
      await s.call(ACCOUNTS.pilot, 'controls/recordVerdict', { controlId: phase.controlIds[0]!, verdict: 'PASSED', slot: 'IT', expectedStatus: 'TODO' }),
      await s.call(ACCOUNTS.pilot, 'controls/assignValidators', { controlId: phase.controlIds[0]!, itValidatorId: null, bizValidatorId: null }),
      await s.call(ACCOUNTS.pilot, 'controls/assignPhaseValidators', { phaseId: phase.id, itValidatorId: null, bizValidatorId: null }),
      await s.call(ACCOUNTS.normalInTeam, 'comments/add', { stepId: step.id, body: 'After the archive' }),
      await s.call(ACCOUNTS.normalInTeam, 'comments/edit', { commentId: comment.id, body: 'Edited after the archive' }),
      await s.call(ACCOUNTS.normalInTeam, 'comments/delete', { commentId: comment.id }),
    ];
    for (const refused of refusals) {
      expect(refused.ok ? 'OK' : `${refused.error.code}: ${refused.error.message}`).toBe(`CONFLICT: ${readOnly}`);
    }
    expect(await treeCounts()).toEqual(before);
    expect(codeOf(await s.call(ACCOUNTS.admin, 'planInstances/archive', { planInstanceId, expectedUpdatedAt: await versionOf(planInstanceId) }))).toBe('CONFLICT');

    const restored = expectOk(await s.call(ACCOUNTS.admin, 'planInstances/restore', { planInstanceId, expectedUpdatedAt: archived.updatedAt }));
    expect(restored.archivedAt).toBeNull();
    const [auditRestore] = await s.db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.entityId, planInstanceId), eq(auditLog.action, 'PLAN_INSTANCE_RESTORED')));
    expect(auditRestore?.n).toBe(1);
    expectOk(await s.call(ACCOUNTS.pilot, 'steps/changeStatus', { stepId: step.id, toStatus: 'TODO', expectedStatus: 'PENDING' }));
    expect(expectOk(await s.call(ACCOUNTS.normalInTeam, 'planInstances/list', { iterationId: s.iterationId })).map((row) => row.id)).toContain(planInstanceId);
  });

  it('is the way out of an import that an iteration already copied: delete the run, then roll back', async () => {
    const imports = makeImportCaller(s.db);
    const planJson = readFileSync(path.join(__dirname, '../../docs/examples/plan.json'), 'utf8');
    const { planId } = await createEmptyPlan(s.db, s.teams.owner, { ...EXAMPLE_PLAN, name: 'Imported by mistake' });
    const promoted = await importAndPromote(imports, ACCOUNTS.admin, { masterPlanId: planId, format: 'JSON', files: [{ name: 'plan.json', content: planJson }] });
    const run = expectOk(await s.call(ACCOUNTS.admin, 'planInstances/create', { iterationId: s.runIterationId, masterPlanId: planId }));

    const refused = errorOf(await imports.call(ACCOUNTS.admin, 'imports/rollback', { batchId: promoted.batchId }));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toContain('Delete those plan instances first (UMIG administration, Iterations, Plan instances; possible while a run has not started), then roll back again.');

    expectOk(await s.call(ACCOUNTS.admin, 'planInstances/delete', { planInstanceId: run.planInstanceId, expectedUpdatedAt: await versionOf(run.planInstanceId) }));
    expectData(await imports.call(ACCOUNTS.admin, 'imports/rollback', { batchId: promoted.batchId }));
    const [left] = await queryRows<{ n: number }>(
      s.db,
      sql`SELECT count(*)::int AS n FROM steps_master_stm m JOIN phases_master_phm ph ON ph.phm_id = m.phm_id
            JOIN sequences_master_sqm sq ON sq.sqm_id = ph.sqm_id WHERE sq.plm_id = ${planId}`,
    );
    expect(left?.n).toBe(0);
  });
});
