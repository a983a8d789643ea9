import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/query';
import { generateMasterPlan, type DemoPlan, type DemoPlanOptions } from '../../src/local/demo-plan';
import { decodeRunsheet, type RunsheetView } from '../../src/resolvers/runsheet-wire';
import { makeCaller, expectOk } from '../helpers/call';
import { openTestDatabase, type TestDatabase } from '../helpers/test-database';

const SMALL: DemoPlanOptions = { sequences: 2, phasesPerSequence: 3, stepsPerPhase: 4, instructionsPerStep: 2, controlsPerPhase: 2, teams: 5, users: 12, seed: 7 };

describe('generateMasterPlan (src/local/demo-plan.ts)', () => {
  let database: TestDatabase;
  let plan: DemoPlan;
  beforeAll(async () => {
    database = await openTestDatabase();
    plan = await generateMasterPlan(database.db, SMALL);
  });
  afterAll(() => database.close());

  async function count(query: ReturnType<typeof sql>): Promise<number> {
    const [row] = await queryRows<{ n: number }>(database.db, query);
    return Number(row!.n);
  }

  it('builds exactly the requested master plan', async () => {
    const id = plan.masterPlanId;
    expect(await count(sql`SELECT count(*) AS n FROM sequences_master_sqm WHERE plm_id = ${id}`)).toBe(2);
    const phases = sql`SELECT phm_id FROM phases_master_phm WHERE sqm_id IN (SELECT sqm_id FROM sequences_master_sqm WHERE plm_id = ${id})`;
    const steps = sql`SELECT stm_id FROM steps_master_stm WHERE phm_id IN (${phases})`;
    expect(await count(sql`SELECT count(*) AS n FROM (${phases}) p`)).toBe(6);
    expect(await count(sql`SELECT count(*) AS n FROM (${steps}) s`)).toBe(24);
    expect(await count(sql`SELECT count(*) AS n FROM instructions_master_inm WHERE stm_id IN (${steps})`)).toBe(48);
    expect(await count(sql`SELECT count(*) AS n FROM controls_master_ctm WHERE phm_id IN (${phases})`)).toBe(12);
    expect(await count(sql`SELECT count(*) AS n FROM controls_master_ctm WHERE phm_id IN (${phases}) AND ctm_is_critical`)).toBe(6);
    expect(plan.counts).toMatchObject({ teams: 5, users: 12, sequences: 2, phases: 6, steps: 24, instructions: 48, controls: 12 });
    // Every step but the very first waits for an earlier one.
    expect(await count(sql`SELECT count(*) AS n FROM steps_master_stm WHERE phm_id IN (${phases}) AND stm_id_predecessor IS NULL`)).toBe(1);
    expect(plan.counts.impactedTeamLinks + plan.counts.labelLinks).toBeGreaterThan(0);
    // One DR-and-cutover-only step (a restore drill): a production run leaves it out.
    expect(plan.counts.iterationTypeTags).toBe(2);
    expect(await count(sql`SELECT count(DISTINCT stm_id) AS n FROM steps_master_stm_x_iteration_types_itt WHERE stm_id IN (${steps})`)).toBe(1);
  });

  it('creates teams and users with roles, memberships and distinct codes and account ids', async () => {
    expect(plan.teamIds).toHaveLength(5);
    expect(plan.users).toHaveLength(12);
    expect(new Set(plan.users.map((user) => user.code)).size).toBe(12);
    expect(plan.users.every((user) => /^[A-Z]{3}$/.test(user.code))).toBe(true);
    expect(new Set(plan.users.map((user) => user.accountId)).size).toBe(12);
    expect(plan.users.filter((user) => user.role === 'ADMIN')).toHaveLength(2);
    expect(plan.users.some((user) => user.role === 'PILOT')).toBe(true);
    expect(plan.users.every((user) => user.teamIds.length >= 1)).toBe(true);
    const members = await count(sql`SELECT count(*) AS n FROM teams_tms_x_users_usr WHERE usr_id IN ${plan.users.map((user) => user.id)}`);
    expect(members).toBe(plan.users.reduce((sum, user) => sum + user.teamIds.length, 0));
    const names = await queryRows<{ name: string }>(database.db, sql`SELECT tms_name AS name FROM teams_tms WHERE tms_id IN ${plan.teamIds} ORDER BY tms_id`);
    expect(names.map((row) => row.name)).toEqual(['Cutover Management', 'DBA Team', 'Unix Team', 'Windows Team', 'Network Team']);
  });

  it('creates a migration with iterations whose plan instance lists every step', async () => {
    expect(plan.iterations.map((iteration) => iteration.typeCode)).toEqual(['DR', 'DR', 'CUTOVER']);
    const admin = plan.users.find((user) => user.role === 'ADMIN')!;
    const { call } = makeCaller(database.db);
    const cutover = plan.iterationIds[2]!;
    const created = expectOk(await call(admin.accountId, 'planInstances/create', { iterationId: cutover, masterPlanId: plan.masterPlanId }));
    expect(created.counts).toEqual({ sequences: 2, phases: 6, steps: 24, instructions: 48, controls: 12, dependencies: 23 });
    const runsheet: RunsheetView = decodeRunsheet(expectOk(await call(admin.accountId, 'runsheet/get', { iterationId: cutover })));
    const steps = runsheet.planInstances[0]!.sequences.flatMap((sequence) => sequence.phases.flatMap((phase) => phase.steps));
    expect(steps).toHaveLength(24);
    expect(steps.every((step) => /^[A-Z]{3}-\d{3}$/.test(step.code ?? ''))).toBe(true);
    expect(steps[0]!.name).toMatch(/\(.+\)$/);
    expect(runsheet.labels.map((label) => label.name)).toContain('critical-path');
  });

  it('can run again on the same database without colliding with what is there', async () => {
    const again = await generateMasterPlan(database.db, { ...SMALL, sequences: 1, phasesPerSequence: 1, stepsPerPhase: 2 });
    expect(again.counts.steps).toBe(2);
    expect(new Set([...plan.users, ...again.users].map((user) => user.code)).size).toBe(24);
    expect(again.masterPlanId).not.toBe(plan.masterPlanId);
  });

  it('refuses sizes that make no sense before writing anything', async () => {
    const before = await count(sql`SELECT count(*) AS n FROM plans_master_plm`);
    await expect(generateMasterPlan(database.db, { ...SMALL, stepsPerPhase: 0 })).rejects.toThrow('stepsPerPhase must be a whole number of at least 1.');
    expect(await count(sql`SELECT count(*) AS n FROM plans_master_plm`)).toBe(before);
  });
});
