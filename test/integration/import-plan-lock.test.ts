import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { importResourceLocks, masterSteps, planInstances } from '../../src/db/schema';
import { queryRows } from '../../src/db/query';
import { runDueSchedules } from '../../src/services/imports/schedules';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { createEmptyPlan, dumpMaster, EXAMPLE_PLAN, expectData, makeImportCaller, type ImportCaller } from './import-fixtures';

/**
 * Issue 10 §5.5: a chunked import holds its plan until it finishes or is rolled back. Meanwhile
 * instantiating the plan and editing its master are refused with a sentence naming the import;
 * after a crash, one housekeeping run finishes the promotion (not one chunk per hourly run).
 */

const planJson = readFileSync(path.join(__dirname, '../../docs/examples/plan.json'), 'utf8');
const admin = ACCOUNTS.admin;

let s: Scenario;
let caller: ImportCaller;

beforeAll(async () => {
  s = await createScenario();
  caller = makeImportCaller(s.db);
});
afterAll(() => s.close());

/** An import of docs/examples/plan.json promoted one step per chunk, left after its first chunk. */
async function halfPromoted(name: string) {
  const { planId } = await createEmptyPlan(s.db, s.teams.owner, { ...EXAMPLE_PLAN, name });
  let view = expectData(await caller.call(admin, 'imports/upload', { masterPlanId: planId, format: 'JSON', files: [{ name: 'plan.json', content: planJson }], chunkSize: 1 }));
  while (view.next === 'continue') view = expectData(await caller.call(admin, 'imports/continue', { batchId: view.batchId }));
  view = expectData(await caller.call(admin, 'imports/promote', { batchId: view.batchId }));
  expect(view.status).toBe('PROMOTING');
  return { planId, batchId: view.batchId };
}

const message = (batchId: string, doing: string) =>
  new RegExp(`^${doing}: import ${batchId}, started by ADM at \\S+, is writing it\\. Try again when that import has finished or was rolled back\\.$`);

it('refuses to instantiate the plan or edit its master while a chunked import promotes it, even after its lock lapsed', async () => {
  const { planId, batchId } = await halfPromoted('Locked plan');
  const [step] = await queryRows<{ id: string; updated_at: string }>(
    s.db,
    sql`SELECT s.stm_id AS id, s.updated_at::text FROM steps_master_stm s JOIN phases_master_phm p ON p.phm_id = s.phm_id
          JOIN sequences_master_sqm q ON q.sqm_id = p.sqm_id WHERE q.plm_id = ${planId} LIMIT 1`,
  );
  const masterBefore = await dumpMaster(s.db);

  const instantiate = await s.call(admin, 'planInstances/create', { iterationId: s.runIterationId, masterPlanId: planId });
  expect(codeOf(instantiate)).toBe('CONFLICT');
  expect(!instantiate.ok && instantiate.error.message).toMatch(message(batchId, 'Master plan "Locked plan" cannot be instantiated now'));

  const [row] = await s.db.select().from(masterSteps).where(eq(masterSteps.id, step!.id));
  const rename = await s.call(admin, 'admin/masterSteps/update', { id: step!.id, expectedUpdatedAt: row!.updatedAt!.toISOString(), name: 'Renamed meanwhile' });
  expect(codeOf(rename)).toBe('CONFLICT');
  expect(!rename.ok && rename.error.message).toMatch(message(batchId, 'This master plan cannot be changed now'));
  const [phase] = await queryRows<{ id: string }>(s.db, sql`SELECT p.phm_id AS id FROM phases_master_phm p JOIN sequences_master_sqm q ON q.sqm_id = p.sqm_id WHERE q.plm_id = ${planId} LIMIT 1`);
  const added = await s.call(admin, 'admin/masterSteps/create', { phaseId: phase!.id, stepTypeCode: 'TRT', number: 990, name: 'Added meanwhile' });
  expect(codeOf(added)).toBe('CONFLICT');

  // The worker crashed and its lock lapsed: the half-written master is still not copied.
  await s.db.update(importResourceLocks).set({ lockedAt: new Date(Date.now() - 30 * 60_000), expiresAt: new Date(Date.now() - 60_000) }).where(eq(importResourceLocks.resourceId, planId));
  const afterCrash = await s.call(admin, 'planInstances/create', { iterationId: s.runIterationId, masterPlanId: planId });
  expect(codeOf(afterCrash)).toBe('CONFLICT');

  expect(await dumpMaster(s.db)).toEqual(masterBefore);
  expect(await s.db.select().from(planInstances).where(eq(planInstances.masterPlanId, planId))).toHaveLength(0);
});

it('finishes a promotion left half-way in one housekeeping run, then the plan can be instantiated', async () => {
  const { planId, batchId } = await halfPromoted('Resumed plan');
  const document = JSON.parse(planJson) as { steps: Array<{ iterationTypes?: string[] }> };
  expect(document.steps.length).toBeGreaterThan(2);

  await runDueSchedules(s.db, new Date());

  const view = expectData(await caller.call(admin, 'imports/get', { batchId }));
  expect(view.status).toBe('PROMOTED');
  expect(view.changes).toMatchObject({ stepsCreated: document.steps.length });
  const created = expectOk(await s.call(admin, 'planInstances/create', { iterationId: s.runIterationId, masterPlanId: planId }));
  // The RUN iteration copies the steps that run in every iteration or in RUN.
  expect(created.counts.steps).toBe(document.steps.filter((step) => !step.iterationTypes?.length || step.iterationTypes.includes('RUN')).length);
});
