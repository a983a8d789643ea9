import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { importSchedules, scheduleExecutions } from '../../src/db/schema';
import { firstExecution, nextExecution, parseScheduleExpression } from '../../src/services/imports/schedule-expression';
import { runDueSchedules } from '../../src/services/imports/schedules';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { EXAMPLE_PLAN, createEmptyPlan, errorOf, expectData, makeImportCaller, planContent } from './import-fixtures';

const planJson = readFileSync(path.join(__dirname, '../../docs/examples/plan.json'), 'utf8');
const MINUTE = 60_000;

describe('schedule expressions', () => {
  const at = new Date('2026-12-05T10:07:30Z');

  it('reads the supported forms and nothing else', () => {
    expect(parseScheduleExpression('every 15 minutes')).toEqual({ kind: 'every', minutes: 15 });
    expect(parseScheduleExpression(' Every  2 hours ')).toEqual({ kind: 'every', minutes: 120 });
    expect(parseScheduleExpression('every minute')).toEqual({ kind: 'every', minutes: 1 });
    expect(parseScheduleExpression('hourly')).toEqual({ kind: 'hourly' });
    expect(parseScheduleExpression('daily 02:30')).toEqual({ kind: 'daily', hour: 2, minute: 30 });
    expect(parseScheduleExpression('once 2026-12-05T22:00Z')).toEqual({ kind: 'once', at: new Date('2026-12-05T22:00:00Z') });
    for (const bad of ['', 'every 0 minutes', 'every 99999 hours', 'daily 24:00', 'daily 2:61', 'once tomorrow', 'once 2026-12-05 22:00', '*/5 * * * *']) {
      expect([bad, parseScheduleExpression(bad)]).toEqual([bad, null]);
    }
  });

  it('plans the next run in UTC, skipping slots that passed', () => {
    expect(firstExecution({ kind: 'every', minutes: 15 }, at)).toEqual(new Date('2026-12-05T10:22:30Z'));
    expect(firstExecution({ kind: 'hourly' }, at)).toEqual(new Date('2026-12-05T11:00:00Z'));
    expect(firstExecution({ kind: 'daily', hour: 2, minute: 30 }, at)).toEqual(new Date('2026-12-06T02:30:00Z'));
    expect(firstExecution({ kind: 'daily', hour: 10, minute: 30 }, at)).toEqual(new Date('2026-12-05T10:30:00Z'));
    const planned = new Date('2026-12-05T10:00:00Z');
    expect(nextExecution({ kind: 'every', minutes: 15 }, planned, at)).toEqual(new Date('2026-12-05T10:15:00Z'));
    expect(nextExecution({ kind: 'every', minutes: 15 }, planned, new Date('2026-12-05T13:01:00Z'))).toEqual(new Date('2026-12-05T13:15:00Z'));
    expect(nextExecution({ kind: 'once', at: planned }, planned, at)).toBeNull();
  });
});

describe('scheduled imports', () => {
  let s: Scenario;
  const admin = ACCOUNTS.admin;
  const t0 = new Date(Math.floor(Date.now() / MINUTE) * MINUTE);
  const later = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE);
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  const callerAt = (minutes: number) => makeImportCaller(s.db, () => later(minutes));
  const source = (content = planJson) => ({ format: 'JSON' as const, files: [{ name: 'plan.json', content }] });

  it('runs a recurring schedule when due, records each run and plans the next one', async () => {
    const { planId } = await createEmptyPlan(s.db, s.teams.owner, { ...EXAMPLE_PLAN, name: 'Scheduled target' });
    const created = expectData(
      await callerAt(0).call(admin, 'imports/schedules/create', { name: 'Nightly plan sync', masterPlanId: planId, expression: 'every 15 minutes', source: source() }),
    );
    expect(created).toMatchObject({ status: 'SCHEDULED', recurring: true, autoPromote: true, priority: 5, createdBy: 'ADM', executionCount: 0, history: [] });
    expect(created.nextExecution).toBe(later(15).toISOString());

    expect(await runDueSchedules(s.db, later(10))).toEqual([]);
    const runs = await runDueSchedules(s.db, later(16));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ scheduleId: created.scheduleId, status: 'COMPLETED', batchStatus: 'PROMOTED', message: null });
    expect((await planContent(s.db, planId)).map((row) => row.stm_code)).toEqual(['PRE-010', 'PRE-020', 'CHK-010', 'TRT-010']);

    const [listed] = expectData(await callerAt(16).call(admin, 'imports/schedules/list', {}));
    expect(listed).toMatchObject({ status: 'SCHEDULED', executionCount: 1, successCount: 1, failureCount: 0, nextExecution: later(30).toISOString() });
    expect(listed!.history).toEqual([
      { executionId: runs[0]!.executionId, startedAt: later(16).toISOString(), completedAt: later(16).toISOString(), status: 'COMPLETED', recordsProcessed: 4, errorMessage: null, batchId: runs[0]!.batchId },
    ]);

    // Paused schedules do not run; resuming skips the slots missed meanwhile.
    expect(expectData(await callerAt(20).call(admin, 'imports/schedules/pause', { scheduleId: created.scheduleId })).status).toBe('PAUSED');
    expect(await runDueSchedules(s.db, later(50))).toEqual([]);
    const resumed = expectData(await callerAt(50).call(admin, 'imports/schedules/resume', { scheduleId: created.scheduleId }));
    expect(resumed).toMatchObject({ status: 'SCHEDULED', nextExecution: later(65).toISOString() });
    // Resuming a running schedule is an accepted no-op, like every same-status request.
    expect(expectData(await callerAt(50).call(admin, 'imports/schedules/resume', { scheduleId: created.scheduleId })).nextExecution).toBe(later(65).toISOString());
    const again = await runDueSchedules(s.db, later(66));
    expect(again.map((run) => run.status)).toEqual(['COMPLETED']);
    const [row] = await s.db.select().from(importSchedules).where(eq(importSchedules.scheduleUuid, created.scheduleId));
    expect(row).toMatchObject({ executionCount: 2, successCount: 2, nextExecution: later(80) });
    await callerAt(70).call(admin, 'imports/schedules/pause', { scheduleId: created.scheduleId });
  });

  it('records a failed run, ends a one-off schedule, and runs higher priorities first', async () => {
    const broken = JSON.parse(planJson) as { steps: Array<{ ownerTeam: string }> };
    broken.steps[0]!.ownerTeam = 'Nobody';
    const one = await createEmptyPlan(s.db, s.teams.owner, { ...EXAMPLE_PLAN, name: 'One-off target' });
    const two = await createEmptyPlan(s.db, s.teams.owner, { ...EXAMPLE_PLAN, name: 'Priority target' });
    const caller = callerAt(100);
    const failing = expectData(
      await caller.call(admin, 'imports/schedules/create', {
        name: 'Broken one-off',
        masterPlanId: one.planId,
        expression: `once ${later(105).toISOString()}`,
        priority: 3,
        source: source(JSON.stringify(broken)),
      }),
    );
    expect(failing.recurring).toBe(false);
    const urgent = expectData(
      await caller.call(admin, 'imports/schedules/create', { name: 'Urgent', masterPlanId: two.planId, expression: 'every 5 minutes', priority: 12, autoPromote: false, source: source() }),
    );
    const runs = await runDueSchedules(s.db, later(106));
    expect(runs.map((run) => [run.name, run.status, run.batchStatus])).toEqual([
      ['Urgent', 'COMPLETED', 'VALIDATED'],
      ['Broken one-off', 'FAILED', 'INVALID'],
    ]);
    expect(runs[1]!.message).toBe('The import ended INVALID; see its report.');
    const views = expectData(await caller.call(admin, 'imports/schedules/list', {}));
    const byId = new Map(views.map((view) => [view.scheduleId, view]));
    expect(byId.get(failing.scheduleId)).toMatchObject({ status: 'FAILED', executionCount: 1, failureCount: 1 });
    expect(byId.get(failing.scheduleId)!.history[0]).toMatchObject({ status: 'FAILED', errorMessage: 'The import ended INVALID; see its report.' });
    expect(byId.get(urgent.scheduleId)).toMatchObject({ status: 'SCHEDULED', nextExecution: later(110).toISOString() });
    expect(await planContent(s.db, two.planId)).toEqual([]);
    // One-off schedules are done: they never run again.
    await caller.call(admin, 'imports/schedules/pause', { scheduleId: urgent.scheduleId });
    expect(await runDueSchedules(s.db, later(200))).toEqual([]);
  });

  it('runs a due schedule once even when two timers fire together', async () => {
    const { planId } = await createEmptyPlan(s.db, s.teams.owner, { ...EXAMPLE_PLAN, name: 'Twin timers' });
    const created = expectData(
      await callerAt(300).call(admin, 'imports/schedules/create', { name: 'Twin', masterPlanId: planId, expression: 'hourly', source: source() }),
    );
    const due = new Date(created.nextExecution);
    const [first, second] = await Promise.all([runDueSchedules(s.db, due), runDueSchedules(s.db, due)]);
    expect(first.length + second.length).toBe(1);
    const [row] = await s.db.select().from(importSchedules).where(eq(importSchedules.scheduleUuid, created.scheduleId));
    expect(await s.db.select().from(scheduleExecutions).where(eq(scheduleExecutions.scheduleId, row!.id))).toHaveLength(1);
    await callerAt(300).call(admin, 'imports/schedules/pause', { scheduleId: created.scheduleId });
  });

  it('refuses unreadable schedules and sources', async () => {
    const { planId } = await createEmptyPlan(s.db, s.teams.owner, { ...EXAMPLE_PLAN, name: 'Refusals' });
    const caller = callerAt(400);
    const create = (extra: Record<string, unknown>) =>
      caller.callRaw(admin, 'imports/schedules/create', { name: 'x', masterPlanId: planId, expression: 'hourly', source: source(), ...extra });
    expect(errorOf(await create({ expression: '*/5 * * * *' })).message).toMatch(/is not a schedule; write "every 15 minutes"/);
    expect(errorOf(await create({ expression: `once ${later(300).toISOString()}` })).code).toBe('VALIDATION');
    const unreadable = errorOf(await create({ source: source('{"steps": [') }));
    expect(unreadable.code).toBe('VALIDATION');
    expect(unreadable.details).toMatchObject({ problems: [{ file: 'plan.json', rule: 'PARSE_ERROR' }] });
    expect(errorOf(await create({ masterPlanId: '00000000-0000-4000-8000-000000000000' })).code).toBe('NOT_FOUND');
    expect(errorOf(await create({ priority: 0 })).code).toBe('VALIDATION');
    expect(errorOf(await caller.call(admin, 'imports/schedules/pause', { scheduleId: '00000000-0000-4000-8000-000000000000' })).code).toBe('NOT_FOUND');
  });
});
