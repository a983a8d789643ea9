import { count, eq } from 'drizzle-orm';
import { environments, stepComments, systemConfiguration, teams } from '../../src/db/schema';
import { codeOf, expectOk, messageOf } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { stepAt } from './execution-fixtures';

/**
 * Input that once hurt every site: a NUL character (PostgreSQL text cannot hold it) and an
 * administrator's validation pattern that backtracks for ever. Each gets a VALIDATION sentence and
 * changes nothing.
 */

const ADMIN = ACCOUNTS.admin;


describe('hostile input', () => {
  let s: Scenario;
  let environmentId: number;
  beforeAll(async () => {
    s = await createScenario();
    const [row] = await s.db.insert(environments).values({ code: 'PROD', name: 'Production' }).returning();
    environmentId = row!.id;
  });
  afterAll(() => s.close());

  async function rowCounts() {
    const [t] = await s.db.select({ n: count() }).from(teams);
    const [c] = await s.db.select({ n: count() }).from(stepComments);
    const [k] = await s.db.select({ n: count() }).from(systemConfiguration);
    return { teams: Number(t!.n), comments: Number(c!.n), settings: Number(k!.n) };
  }

  test('a NUL character in any text of any payload is a VALIDATION error naming the field, and nothing is written', async () => {
    const before = await rowCounts();
    const step = stepAt(s, 0, 0, 0);
    const team = await s.callRaw(ADMIN, 'admin/teams/create', { name: 'Storage\u0000Team' });
    expect(team).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('NUL character') } });
    expect(messageOf(team)).toContain('(name)');
    const comment = await s.callRaw(ACCOUNTS.normalInTeam, 'comments/add', { stepId: step.id, body: 'ok so far \u0000 then not' });
    expect(comment).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(messageOf(comment)).toContain('(body)');
    // Nested, in an array, and in a key.
    expect(codeOf(await s.callRaw(ADMIN, 'admin/teams/create', { name: 'x', extra: [{ deep: '\u0000' }] }))).toBe('VALIDATION');
    expect(codeOf(await s.callRaw(ADMIN, 'admin/teams/create', { name: 'x', ['a\u0000b']: 1 }))).toBe('VALIDATION');
    expect(await rowCounts()).toEqual(before);
    // The same texts without the NUL are fine.
    expectOk(await s.call(ADMIN, 'admin/teams/create', { name: 'Storage Team' }));
  });

  test('a backtracking validation pattern (^(a+)+$) is run in linear time: the bad value is refused at once', async () => {
    // On a backtracking engine this value takes about 45 s of blocked event loop; the short time
    // limit of this test is the guard, not a speed target.
    const evil = `${'a'.repeat(28)}!`;
    const created = await s.callRaw(ADMIN, 'admin/systemConfiguration/create', { environmentId, key: 'redos.check', value: evil, validationPattern: '^(a+)+$' });
    expect(created).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('does not match its validation pattern') } });
    const fine = expectOk(await s.call(ADMIN, 'admin/systemConfiguration/create', { environmentId, key: 'redos.check', value: 'aaaa', validationPattern: '^(a+)+$' }));
    const updated = await s.call(ADMIN, 'admin/systemConfiguration/update', { id: fine.id, expectedUpdatedAt: fine.updatedAt, value: evil });
    expect(codeOf(updated)).toBe('VALIDATION');
    const [row] = await s.db.select().from(systemConfiguration).where(eq(systemConfiguration.id, fine.id));
    expect(row!.value).toBe('aaaa');
  }, 10_000);

  test('patterns that need backtracking (back-references, look-around) are refused with a sentence; nothing is saved', async () => {
    const before = await rowCounts();
    for (const validationPattern of ['^(a)\\1$', '^(?=a)a$', '(?<!x)y']) {
      const result = await s.callRaw(ADMIN, 'admin/systemConfiguration/create', { environmentId, key: 'bad.pattern', value: 'a', validationPattern });
      expect([codeOf(result), messageOf(result)]).toEqual(['VALIDATION', expect.stringContaining('back-references, look-around')]);
    }
    const broken = await s.callRaw(ADMIN, 'admin/systemConfiguration/create', { environmentId, key: 'bad.pattern', value: 'a', validationPattern: '([a-' });
    expect(messageOf(broken)).toContain('not a valid regular expression');
    expect(await rowCounts()).toEqual(before);
  });
});
