import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/query';
import { importBatches, importResourceLocks } from '../../src/db/schema';
import { advanceImportQueue } from '../../src/services/imports/queue';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import {
  EXAMPLE_PLAN,
  createEmptyPlan,
  driveBatch,
  errorOf,
  expectData,
  importAndPromote,
  type ImportCaller,
  makeImportCaller,
  planContent,
} from './import-fixtures';

const planJson = readFileSync(path.join(__dirname, '../../docs/examples/plan.json'), 'utf8');

/** The example with every step renamed, so two imports of one plan leave different traces. */
function variant(tag: string): string {
  const document = JSON.parse(planJson) as { steps: Array<{ name: string; durationMinutes: number }> };
  for (const step of document.steps) {
    step.name = `${step.name} (${tag})`;
    step.durationMinutes += tag.length;
  }
  return JSON.stringify(document);
}

describe('imports running at the same time', () => {
  let s: Scenario;
  let caller: ImportCaller;
  const admin = ACCOUNTS.admin;
  beforeAll(async () => {
    s = await createScenario();
    caller = makeImportCaller(s.db);
  });
  afterAll(() => s.close());

  const newPlan = (name: string) => createEmptyPlan(s.db, s.teams.owner, { ...EXAMPLE_PLAN, name });
  const upload = async (planId: string, content: string, extra: { chunkSize?: number; priority?: number } = {}) =>
    expectData(await caller.call(admin, 'imports/upload', { masterPlanId: planId, format: 'JSON', files: [{ name: 'plan.json', content }], ...extra }));

  async function undoLogWindow(batchId: string) {
    const [row] = await queryRows<{ first: string; last: string; n: number }>(
      s.db,
      sql`SELECT min(ira_id) AS first, max(ira_id) AS last, count(*)::int AS n FROM stg_import_rollback_actions_ira WHERE imb_id = ${batchId}`,
    );
    return { first: Number(row!.first), last: Number(row!.last), n: row!.n };
  }

  it('never interleaves two promotions aimed at one plan', async () => {
    for (let round = 0; round < 3; round++) {
      const { planId } = await newPlan(`Race ${round}`);
      const a = await upload(planId, variant('a'));
      const b = await upload(planId, variant('bb'));
      expect([a.status, b.status]).toEqual(['VALIDATED', 'VALIDATED']);
      const [resultA, resultB] = await Promise.all([
        caller.call(admin, 'imports/promote', { batchId: a.batchId }),
        caller.call(admin, 'imports/promote', { batchId: b.batchId }),
      ]);
      const names = (await planContent(s.db, planId)).map((row) => row.stm_name as string);
      if (resultA.ok && resultB.ok) {
        // Both ran, one after the other: the undo logs do not overlap and the later one won.
        const logA = await undoLogWindow(a.batchId);
        const logB = await undoLogWindow(b.batchId);
        expect(logA.last < logB.first || logB.last < logA.first).toBe(true);
        const last = logA.last > logB.last ? '(a)' : '(bb)';
        expect(names.every((name) => name.endsWith(last))).toBe(true);
      } else {
        expect([resultA.ok, resultB.ok].filter(Boolean)).toHaveLength(1);
        const [winner, loser, refusal] = resultA.ok ? [a, b, resultB] : [b, a, resultA];
        const error = errorOf(refusal);
        expect(error.code).toBe('CONFLICT');
        expect(error.message).toContain(winner.batchId);
        expect(error.message).toContain('by ADM');
        expect(error.details).toMatchObject({ batchId: winner.batchId, by: 'ADM' });
        const tag = winner === a ? '(a)' : '(bb)';
        expect(names.every((name) => name.endsWith(tag))).toBe(true);
        const [loserRow] = await s.db.select().from(importBatches).where(eq(importBatches.id, loser.batchId));
        expect(loserRow!.status).toBe('VALIDATED');
        expect((await undoLogWindow(loser.batchId)).n).toBe(0);
      }
      expect(await s.db.select().from(importResourceLocks).where(eq(importResourceLocks.resourceId, planId))).toEqual([]);
    }
  });

  it('refuses a second import while one holds the plan, naming it, and lets it through afterwards', async () => {
    const { planId } = await newPlan('Busy plan');
    const first = await upload(planId, variant('one'), { chunkSize: 1 });
    const running = await driveBatch(caller, admin, first.batchId);
    expect(running.status).toBe('VALIDATED');
    const promoting = expectData(await caller.call(admin, 'imports/promote', { batchId: first.batchId }));
    expect(promoting.status).toBe('PROMOTING');

    const refused = errorOf(await caller.call(admin, 'imports/upload', { masterPlanId: planId, format: 'JSON', files: [{ name: 'p.json', content: planJson }] }));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toMatch(new RegExp(`^Another import is running on this plan: import ${first.batchId}, started by ADM since \\d{4}-\\d\\d-\\d\\dT`));
    const list = expectData(await caller.call(admin, 'imports/list', { masterPlanId: planId }));
    expect(list.runningLocks).toHaveLength(1);

    const done = await driveBatch(caller, admin, first.batchId);
    expect(done.status).toBe('PROMOTED');
    const second = await upload(planId, variant('two'));
    expect(second.status).toBe('VALIDATED');
  });

  it('takes over a lock whose worker crashed once it has expired', async () => {
    const { planId } = await newPlan('Crashed worker');
    const ghost = randomUUID();
    const hourAgo = new Date(Date.now() - 60 * 60_000);
    await s.db.insert(importResourceLocks).values({
      resourceType: 'MASTER_PLAN',
      resourceId: planId,
      lockType: 'EXCLUSIVE',
      lockedByRequest: ghost,
      lockedAt: hourAgo,
      expiresAt: new Date(hourAgo.getTime() + 10 * 60_000),
    });
    const promoted = await importAndPromote(caller, admin, { masterPlanId: planId, format: 'JSON', files: [{ name: 'plan.json', content: planJson }] });
    expect(promoted.status).toBe('PROMOTED');
    expect(await s.db.select().from(importResourceLocks).where(eq(importResourceLocks.resourceId, planId))).toEqual([]);

    // A live (unexpired) lock of an unknown request is respected.
    await s.db.insert(importResourceLocks).values({
      resourceType: 'MASTER_PLAN',
      resourceId: planId,
      lockType: 'EXCLUSIVE',
      lockedByRequest: ghost,
      lockedAt: new Date(),
      expiresAt: new Date(Date.now() + 5 * 60_000),
    });
    const refused = errorOf(await caller.call(admin, 'imports/upload', { masterPlanId: planId, format: 'JSON', files: [{ name: 'p.json', content: planJson }] }));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toContain(ghost);
    await s.db.delete(importResourceLocks).where(eq(importResourceLocks.resourceId, planId));
  });

  it('undoes the half-done promotion of a crashed worker before another import takes the plan', async () => {
    const { planId } = await newPlan('Half done');
    const before = await planContent(s.db, planId);
    const crashed = await upload(planId, variant('crash'), { chunkSize: 1 });
    await driveBatch(caller, admin, crashed.batchId);
    const next = await upload(planId, variant('next'));
    const promoting = expectData(await caller.call(admin, 'imports/promote', { batchId: crashed.batchId }));
    expect(promoting.status).toBe('PROMOTING');
    expect((await planContent(s.db, planId)).length).toBe(1);
    // The worker dies: its lock is left to expire.
    await s.db.update(importResourceLocks).set({ lockedAt: new Date(Date.now() - 30 * 60_000), expiresAt: new Date(Date.now() - 60_000) }).where(eq(importResourceLocks.resourceId, planId));

    const promoted = expectData(await caller.call(admin, 'imports/promote', { batchId: next.batchId }));
    expect(promoted.status).toBe('PROMOTED');
    const names = (await planContent(s.db, planId)).map((row) => row.stm_name as string);
    expect(names).toHaveLength(4);
    expect(names.every((name) => name.endsWith('(next)'))).toBe(true);
    const abandoned = expectData(await caller.call(admin, 'imports/get', { batchId: crashed.batchId }));
    expect(abandoned.status).toBe('FAILED');
    expect(abandoned.next).toBeNull();
    expect(abandoned.stages.find((stage) => stage.stage === 'PROMOTE')?.errorMessage).toMatch(/took over the plan; its changes were undone/);
    // Rolling back the import that took over returns the plan to its state before both.
    expectData(await caller.call(admin, 'imports/rollback', { batchId: next.batchId }));
    expect(await planContent(s.db, planId)).toEqual(before);
  });

  it('moves queued work on by priority, then by age', async () => {
    const low = await upload((await newPlan('Queue low')).planId, planJson, { chunkSize: 1, priority: 2 });
    const high = await upload((await newPlan('Queue high')).planId, planJson, { chunkSize: 1, priority: 9 });
    const cursor = async (batchId: string) =>
      (expectData(await caller.call(admin, 'imports/get', { batchId })).stages.find((stage) => stage.stage === 'STAGE')?.cursor as { steps: number }).steps;
    expect([await cursor(low.batchId), await cursor(high.batchId)]).toEqual([1, 1]);
    // One round (no time budget): one unit of work, for the highest priority first.
    const work = await advanceImportQueue(s.db, new Date(), 1, 0);
    expect(work).toEqual([{ batchId: high.batchId, status: 'UPLOADED' }]);
    expect([await cursor(low.batchId), await cursor(high.batchId)]).toEqual([1, 2]);
  });
});
