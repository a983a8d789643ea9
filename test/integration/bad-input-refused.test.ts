import { count, eq } from 'drizzle-orm';
import { auditLog, iterations, masterSteps } from '../../src/db/schema';
import { DURATION_MAX_MINUTES } from '../../src/domain/planning/durations';
import { codeOf, expectOk, messageOf } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/**
 * Bad input typed by an administrator is refused with a sentence and changes nothing: durations
 * beyond a week (a typo such as 1e9), text longer than its column (refused, never cut), and two
 * iterations of one migration with the same name. The sentence names the field in words.
 */

const ADMIN = ACCOUNTS.admin;


describe('bad input in the admin forms', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(async () => s?.close());

  async function counts() {
    const [steps] = await s.db.select({ n: count() }).from(masterSteps);
    const [its] = await s.db.select({ n: count() }).from(iterations);
    const [audit] = await s.db.select({ n: count() }).from(auditLog);
    return { steps: steps!.n, iterations: its!.n, audit: audit!.n };
  }

  it('refuses a duration beyond a week, in words, and keeps the step as it was', async () => {
    const phaseId = s.phases[0]!.masterId;
    const before = await counts();
    for (const durationMinutes of [1e9, DURATION_MAX_MINUTES + 1, 2_147_483_647]) {
      const refused = await s.callRaw(ADMIN, 'admin/masterSteps/create', { phaseId, stepTypeCode: 'CHK', number: 901, name: 'Too long', durationMinutes });
      expect(codeOf(refused)).toBe('VALIDATION');
      expect(messageOf(refused)).toBe(
        'The request is not valid: A duration is at most 10,080 minutes (7 days); split longer work into several steps (duration minutes).',
      );
    }
    expect(await counts()).toEqual(before);

    const step = expectOk(await s.call(ADMIN, 'admin/masterSteps/create', { phaseId, stepTypeCode: 'CHK', number: 902, name: 'A week', durationMinutes: DURATION_MAX_MINUTES }));
    expect(step.durationMinutes).toBe(DURATION_MAX_MINUTES);
    const edit = await s.callRaw(ADMIN, 'admin/masterSteps/update', { id: step.id, expectedUpdatedAt: step.updatedAt, durationMinutes: 1e9 });
    expect(codeOf(edit)).toBe('VALIDATION');
    const [row] = await s.db.select().from(masterSteps).where(eq(masterSteps.id, step.id));
    expect(row!.durationMinutes).toBe(DURATION_MAX_MINUTES);
  });

  it('refuses a name longer than its column instead of cutting it', async () => {
    const before = await counts();
    const refused = await s.callRaw(ADMIN, 'admin/iterations/create', { migrationId: s.migrationId, iterationTypeCode: 'DR', name: 'D'.repeat(10_000) });
    expect(codeOf(refused)).toBe('VALIDATION');
    expect(messageOf(refused)).toMatch(/^The request is not valid: Keep this to [\d,]+ characters or fewer \(name\)\.$/);
    expect(await counts()).toEqual(before);
  });

  it('keeps iteration names unique within a migration, and only there', async () => {
    const first = expectOk(await s.call(ADMIN, 'admin/iterations/create', { migrationId: s.migrationId, iterationTypeCode: 'DR', name: 'Dress rehearsal 7' }));
    const before = await counts();
    const again = await s.call(ADMIN, 'admin/iterations/create', { migrationId: s.migrationId, iterationTypeCode: 'RUN', name: '  Dress rehearsal 7 ' });
    expect(codeOf(again)).toBe('CONFLICT');
    expect(messageOf(again)).toBe('This migration already has an iteration named "Dress rehearsal 7"; choose another name.');
    expect(await counts()).toEqual(before);

    // Renaming another iteration onto it is refused too, and leaves its name alone.
    const other = expectOk(await s.call(ADMIN, 'admin/iterations/create', { migrationId: s.migrationId, iterationTypeCode: 'DR', name: 'Dress rehearsal 8' }));
    const rename = await s.call(ADMIN, 'admin/iterations/update', { id: other.id, expectedUpdatedAt: other.updatedAt, name: 'Dress rehearsal 7' });
    expect(codeOf(rename)).toBe('CONFLICT');
    const [kept] = await s.db.select().from(iterations).where(eq(iterations.id, other.id));
    expect(kept!.name).toBe('Dress rehearsal 8');

    // Another migration may use the same name.
    const migration = expectOk(
      await s.call(ADMIN, 'admin/migrations/create', { name: 'Second programme', type: 'ACQUISITION', startDate: '2027-02-01', endDate: '2027-03-01' }),
    );
    const elsewhere = expectOk(await s.call(ADMIN, 'admin/iterations/create', { migrationId: migration.id, iterationTypeCode: 'DR', name: first.name }));
    expect(elsewhere.name).toBe('Dress rehearsal 7');
  });
});
