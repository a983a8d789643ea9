import { eq } from 'drizzle-orm';
import { auditLog } from '../../src/db/schema';
import { resolveActor } from '../../src/services/identity';
import { PER_USER_LIMIT, inUserSlot, type CostlyKind } from '../../src/services/user-concurrency';
import { codeOf } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { makeImportCaller } from './import-fixtures';

/**
 * Issue 10 §5.4: exports and heavy import calls run at most PER_USER_LIMIT at a time per user.
 * The calls in flight are held open in their slots (a gate the test opens), so "at once" is exact.
 */
describe('per-user limit on costly calls', () => {
  let s: Scenario;
  let caller: ReturnType<typeof makeImportCaller>;
  beforeAll(async () => {
    s = await createScenario();
    caller = makeImportCaller(s.db);
  });
  afterAll(() => s.close());

  /** Occupies `n` of the account's slots of `kind` until the returned function is called. */
  async function holdSlots(account: string, kind: CostlyKind, n: number): Promise<() => Promise<void>> {
    const actor = await resolveActor(s.db, account);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const held = Array.from({ length: n }, () => inUserSlot({ db: s.db, actor, now: () => new Date() }, kind, () => gate));
    return async () => {
      open();
      await Promise.all(held);
    };
  }

  it('refuses a third export by the same user while two run, with a sentence, and lets another user export meanwhile', async () => {
    expect(PER_USER_LIMIT).toBe(2);
    const release = await holdSlots(ACCOUNTS.pilot, 'export', 2);
    try {
      const refused = await caller.call(ACCOUNTS.pilot, 'exports/runsheetCsv', { iterationId: s.iterationId });
      expect(refused.ok ? 'OK' : `${refused.error.code}: ${refused.error.message}`).toBe(
        'RATE_LIMITED: You already have 2 exports running. Wait for one to finish, then try again.',
      );
      expect(refused.ok ? undefined : refused.error.details).toMatchObject({ retryAfterSeconds: 5, reason: 'concurrency' });
      expect(codeOf(await caller.call(ACCOUNTS.pilot, 'exports/runsheetXlsx', { iterationId: s.iterationId }))).toBe('RATE_LIMITED');
      // Another user is not held up by the pilot's exports.
      expect(codeOf(await caller.call(ACCOUNTS.normalInTeam, 'exports/runsheetCsv', { iterationId: s.iterationId }))).toBe('OK');
      // Nor is an administrator.
      expect(codeOf(await caller.call(ACCOUNTS.admin, 'exports/runsheetCsv', { iterationId: s.iterationId }))).toBe('OK');
    } finally {
      await release();
    }
    // Once they finish, the slots are free again.
    expect(codeOf(await caller.call(ACCOUNTS.pilot, 'exports/runsheetCsv', { iterationId: s.iterationId }))).toBe('OK');
  });

  it('allows two at once, and frees the slot of a call that failed', async () => {
    const release = await holdSlots(ACCOUNTS.pilot, 'export', 1);
    try {
      expect(codeOf(await caller.call(ACCOUNTS.pilot, 'exports/runsheetCsv', { iterationId: s.iterationId }))).toBe('OK');
      // A refused export (no such iteration) gives its slot back.
      for (let n = 0; n < 3; n++) {
        expect(codeOf(await caller.call(ACCOUNTS.pilot, 'exports/runsheetCsv', { iterationId: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
      }
      expect(codeOf(await caller.call(ACCOUNTS.pilot, 'exports/runsheetCsv', { iterationId: s.iterationId }))).toBe('OK');
    } finally {
      await release();
    }
  });

  it('refuses a third heavy import call by the same administrator, changing nothing', async () => {
    const release = await holdSlots(ACCOUNTS.admin, 'import', 2);
    try {
      const before = await s.db.select().from(auditLog).where(eq(auditLog.userId, s.users.admin.id));
      const refused = await caller.call(ACCOUNTS.admin, 'imports/upload', {
        masterPlanId: '00000000-0000-4000-8000-000000000000',
        format: 'JSON',
        files: [{ name: 'plan.json', content: '{}' }],
      });
      expect(refused.ok ? 'OK' : `${refused.error.code}: ${refused.error.message}`).toBe(
        'RATE_LIMITED: You already have 2 import steps (upload, validation, preview or promotion) running. Wait for one to finish, then try again.',
      );
      for (const key of ['imports/continue', 'imports/promote'] as const) {
        expect(codeOf(await caller.call(ACCOUNTS.admin, key, { batchId: '00000000-0000-4000-8000-000000000000' }))).toBe('RATE_LIMITED');
      }
      expect(await s.db.select().from(auditLog).where(eq(auditLog.userId, s.users.admin.id))).toEqual(before);
    } finally {
      await release();
    }
    expect(codeOf(await caller.call(ACCOUNTS.admin, 'imports/promote', { batchId: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
  });
});
