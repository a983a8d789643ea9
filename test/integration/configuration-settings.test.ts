import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { environments, systemConfiguration } from '../../src/db/schema';
import { MIGRATIONS_DIR } from '../../src/db/migrator';
import { KNOWN_SETTINGS, SYSTEM_ENVIRONMENT_CODE } from '../../src/services/configuration/keys';
import { getConfig, setConfig } from '../../src/services/configuration/settings';
import { validateConfigValue } from '../../src/services/configuration/values';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/** System configuration: typed values, validation against type and pattern, and who may read what. */
describe('system configuration', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  const systemRow = async (key: string) =>
    (
      await s.db
        .select({ value: systemConfiguration.value, dataType: systemConfiguration.dataType, pattern: systemConfiguration.validationPattern })
        .from(systemConfiguration)
        .innerJoin(environments, eq(environments.id, systemConfiguration.environmentId))
        .where(and(eq(environments.code, SYSTEM_ENVIRONMENT_CODE), eq(systemConfiguration.key, key)))
    )[0];

  describe('validateConfigValue', () => {
    const refusal = (type: string, pattern: string | null, value: unknown) => {
      const decision = validateConfigValue(type, pattern, value, 'some.key');
      return decision.ok ? 'accepted' : decision.error.message;
    };

    it('reads each data type into its canonical text and typed value', () => {
      expect(validateConfigValue('NUMBER', null, '5')).toEqual({ ok: true, text: '5', value: 5 });
      expect(validateConfigValue('NUMBER', null, ' 2.50 ')).toEqual({ ok: true, text: '2.5', value: 2.5 });
      expect(validateConfigValue('NUMBER', null, 7)).toEqual({ ok: true, text: '7', value: 7 });
      expect(validateConfigValue('BOOLEAN', null, 'TRUE')).toEqual({ ok: true, text: 'true', value: true });
      expect(validateConfigValue('BOOLEAN', null, false)).toEqual({ ok: true, text: 'false', value: false });
      expect(validateConfigValue('JSON', null, '{ "a": [1, 2] }')).toEqual({ ok: true, text: '{"a":[1,2]}', value: { a: [1, 2] } });
      expect(validateConfigValue('JSON', null, { b: true })).toEqual({ ok: true, text: '{"b":true}', value: { b: true } });
      expect(validateConfigValue('STRING', null, '')).toEqual({ ok: true, text: '', value: '' });
      expect(validateConfigValue(null, null, 'x')).toEqual({ ok: true, text: 'x', value: 'x' });
    });

    it('refuses a value that is not of its data type', () => {
      expect(refusal('NUMBER', null, 'abc')).toBe('The setting "some.key" must be a number, like 5 or 2.5; "abc" is not.');
      for (const bad of ['', '0x10', 'Infinity', '1e999', '5 apples', Number.NaN, true]) expect(refusal('NUMBER', null, bad)).not.toBe('accepted');
      expect(refusal('BOOLEAN', null, 'yes')).toBe('The setting "some.key" must be true or false; "yes" is neither.');
      expect(refusal('JSON', null, '{"a": }')).toBe('The setting "some.key" must be valid JSON; "{"a": }" is not.');
      expect(refusal('STRING', null, 5)).toBe('The setting "some.key" must be text.');
      expect(refusal('STRING', null, null)).toBe('The setting "some.key" needs a value.');
      expect(refusal('DATE', null, '2026-01-01')).toMatch(/unknown data type "DATE"/);
      expect(refusal('STRING', null, 'x'.repeat(10_001))).toMatch(/longer than 10000 characters/);
    });

    it('refuses a value the pattern does not match, and a pattern that is not a regular expression', () => {
      expect(refusal('STRING', '^(SMTP|HTTP)$', 'SMTP')).toBe('accepted');
      expect(refusal('STRING', '^(SMTP|HTTP)$', 'SMTPS')).toBe('The setting "some.key" does not accept "SMTPS": it must match ^(SMTP|HTTP)$.');
      // Like the admin screen's check, a pattern is searched for unless anchored.
      expect(refusal('STRING', 'SMTP|HTTP', 'SMTPS')).toBe('accepted');
      expect(refusal('NUMBER', '^[1-9][0-9]?$', '100')).toMatch(/does not accept "100"/);
      expect(refusal('NUMBER', '^[1-9][0-9]?$', 42)).toBe('accepted');
      expect(refusal('NUMBER', '^[1-9][0-9]?$', '5.0')).toMatch(/does not accept "5.0"/);
      expect(refusal('STRING', '([a-z', 'a')).toMatch(/has a validation pattern UMIG cannot run \(not a regular expression/);
    });
  });

  it('keeps installation-wide settings in the reserved SYSTEM environment, seeded with their types', async () => {
    const rows = await s.db
      .select({ key: systemConfiguration.key, dataType: systemConfiguration.dataType })
      .from(systemConfiguration)
      .innerJoin(environments, eq(environments.id, systemConfiguration.environmentId))
      .where(eq(environments.code, SYSTEM_ENVIRONMENT_CODE));
    expect(Object.fromEntries(rows.map((r) => [r.key, r.dataType]))).toEqual(
      Object.fromEntries(Object.entries(KNOWN_SETTINGS).map(([key, spec]) => [key, spec.dataType])),
    );
    // Every seeded value passes its own validation.
    for (const key of Object.keys(KNOWN_SETTINGS)) {
      const row = await systemRow(key);
      expect({ key, ok: validateConfigValue(row!.dataType, row!.pattern, row!.value, key).ok }).toEqual({ key, ok: true });
    }
  });

  it('reads typed values, with the built-in default when no row exists', async () => {
    const seconds: number = await getConfig(s.db, null, 'runsheet.refreshIntervalSeconds');
    const enabled: boolean = await getConfig(s.db, undefined, 'email.enabled');
    expect({ seconds, enabled }).toEqual({ seconds: 5, enabled: false });
    expect(await getConfig(s.db, SYSTEM_ENVIRONMENT_CODE, 'email.smtp.port')).toBe(587);
    await s.db.delete(systemConfiguration).where(eq(systemConfiguration.key, 'email.smtp.secure'));
    expect(await getConfig(s.db, null, 'email.smtp.secure')).toBe(false);
    // Writing a known key recreates its row.
    expect(await setConfig(s.db, { key: 'email.smtp.secure', value: 'false', by: 'ADM' })).toMatchObject({ value: false, created: true });
    await expect(getConfig(s.db, null, 'no.such.key')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lets an environment override a SYSTEM value, validated by the SYSTEM row', async () => {
    const [prod] = await s.db.insert(environments).values({ code: 'PROD', name: 'Production' }).returning({ id: environments.id });
    expect(await getConfig(s.db, 'PROD', 'runsheet.refreshIntervalSeconds')).toBe(5);
    await expect(setConfig(s.db, { environment: 'PROD', key: 'runsheet.refreshIntervalSeconds', value: '1000', by: 'ADM' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect(await setConfig(s.db, { environment: 'PROD', key: 'runsheet.refreshIntervalSeconds', value: '10', by: 'ADM' })).toMatchObject({
      environmentCode: 'PROD',
      value: 10,
      created: true,
    });
    expect(await getConfig(s.db, 'PROD', 'runsheet.refreshIntervalSeconds')).toBe(10);
    expect(await getConfig(s.db, prod!.id, 'runsheet.refreshIntervalSeconds')).toBe(10);
    expect(await getConfig(s.db, null, 'runsheet.refreshIntervalSeconds')).toBe(5);
    await expect(getConfig(s.db, 'NOPE', 'runsheet.refreshIntervalSeconds')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses an invalid value and leaves the stored one as it was', async () => {
    const before = await systemRow('runsheet.refreshIntervalSeconds');
    for (const [key, value] of [
      ['runsheet.refreshIntervalSeconds', 'abc'],
      ['runsheet.refreshIntervalSeconds', 301],
      ['email.transport', 'FAX'],
      ['email.enabled', 'maybe'],
      ['email.http.url', 'http://insecure.example.com'],
      ['confluence.pageBaseUrl', 'javascript:alert(1)'],
      ['email.from', 'Eve <eve@example.com>\r\nBcc: all@example.com'],
    ] as const) {
      await expect(setConfig(s.db, { key, value, by: 'ADM' })).rejects.toMatchObject({ code: 'VALIDATION' });
    }
    expect(await systemRow('runsheet.refreshIntervalSeconds')).toEqual(before);
    await expect(setConfig(s.db, { key: 'invented.key', value: 'x', by: 'ADM' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reports a value edited by hand into the database instead of misreading it', async () => {
    await s.db.insert(systemConfiguration).values({ environmentId: (await sysEnvId())!, key: 'custom.limits', dataType: 'JSON', value: '{"max": 3}' });
    expect(await getConfig(s.db, null, 'custom.limits')).toEqual({ max: 3 });
    await s.db.update(systemConfiguration).set({ value: 'not json' }).where(eq(systemConfiguration.key, 'custom.limits'));
    await expect(getConfig(s.db, null, 'custom.limits')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('"custom.limits" must be valid JSON') });
    await s.db
      .update(systemConfiguration)
      .set({ value: 'soon' })
      .where(and(eq(systemConfiguration.key, 'runsheet.refreshIntervalSeconds'), eq(systemConfiguration.environmentId, (await sysEnvId())!)));
    try {
      await expect(getConfig(s.db, null, 'runsheet.refreshIntervalSeconds')).rejects.toMatchObject({ code: 'VALIDATION' });
    } finally {
      await setConfig(s.db, { key: 'runsheet.refreshIntervalSeconds', value: 5, by: 'ADM' });
    }
  });

  const sysEnvId = async () => (await s.db.select({ id: environments.id }).from(environments).where(eq(environments.code, SYSTEM_ENVIRONMENT_CODE)))[0]?.id;

  describe('resolvers', () => {
    it('lets every known user read the public settings', async () => {
      for (const account of [ACCOUNTS.normalOutside, ACCOUNTS.pilot, ACCOUNTS.admin]) {
        expect(expectOk(await s.call(account, 'configuration/get', { key: 'runsheet.refreshIntervalSeconds' }))).toEqual({ key: 'runsheet.refreshIntervalSeconds', value: 5 });
      }
      expect(expectOk(await s.call(ACCOUNTS.normalInTeam, 'configuration/get', { key: 'email.enabled' }))).toEqual({ key: 'email.enabled', value: false });
      expect(codeOf(await s.call(ACCOUNTS.unknown, 'configuration/get', { key: 'email.enabled' }))).toBe('UNKNOWN_USER');
      expect(codeOf(await s.call(ACCOUNTS.inactive, 'configuration/get', { key: 'email.enabled' }))).toBe('UNKNOWN_USER');
    });

    it('keeps the other settings for administrators', async () => {
      for (const key of ['email.smtp.host', 'email.from', 'custom.limits', 'does.not.exist']) {
        expect(codeOf(await s.call(ACCOUNTS.pilot, 'configuration/get', { key }))).toBe('FORBIDDEN');
      }
      expect(expectOk(await s.call(ACCOUNTS.admin, 'configuration/get', { key: 'email.smtp.port' }))).toEqual({ key: 'email.smtp.port', value: 587 });
      expect(codeOf(await s.call(ACCOUNTS.admin, 'configuration/get', { key: 'does.not.exist' }))).toBe('NOT_FOUND');
      for (const payload of [{}, { key: '' }, { key: 'a b' }, { key: 'x', extra: 1 }]) {
        expect(codeOf(await s.callRaw(ACCOUNTS.admin, 'configuration/get', payload))).toBe('VALIDATION');
      }
    });

    it('lists every stored setting for administrators only', async () => {
      const list = expectOk(await s.call(ACCOUNTS.admin, 'configuration/list', {}));
      expect(list[0]!.environmentCode).toBe(SYSTEM_ENVIRONMENT_CODE);
      expect(list).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ environmentCode: 'SYSTEM', key: 'runsheet.refreshIntervalSeconds', dataType: 'NUMBER', value: '5', isKnown: true, isPublic: true }),
          expect.objectContaining({ environmentCode: 'SYSTEM', key: 'email.transport', validationPattern: '^(SMTP|HTTP)$', isPublic: false, isSystemManaged: true }),
          expect.objectContaining({ environmentCode: 'PROD', key: 'runsheet.refreshIntervalSeconds', value: '10' }),
        ]),
      );
      expect(expectOk(await s.call(ACCOUNTS.admin, 'configuration/list', { environmentCode: 'PROD' })).map((r) => r.key)).toEqual(['runsheet.refreshIntervalSeconds']);
      expect(expectOk(await s.call(ACCOUNTS.admin, 'configuration/list', undefined)).length).toBe(list.length);
      for (const account of [ACCOUNTS.pilot, ACCOUNTS.normalInTeam]) expect(codeOf(await s.call(account, 'configuration/list', {}))).toBe('FORBIDDEN');
      expect(codeOf(await s.call(ACCOUNTS.unknown, 'configuration/list', {}))).toBe('UNKNOWN_USER');
    });
  });

  it('changes nothing when 0007 runs a second time', async () => {
    const name = (await readdir(MIGRATIONS_DIR)).find((f) => f.endsWith('_email_outbox.sql'))!;
    const snapshot = async () => ({
      settings: await s.db.select().from(systemConfiguration),
      environments: await s.db.select().from(environments),
    });
    const before = await snapshot();
    const sql = await readFile(path.join(MIGRATIONS_DIR, name), 'utf8');
    // Only the seed part is idempotent (the tables exist); run the INSERTs again.
    const inserts = sql.split(/;\s*\n/).filter((statement) => /^\s*INSERT/m.test(statement.replace(/^--.*$/gm, '')));
    expect(inserts.length).toBeGreaterThanOrEqual(3);
    for (const statement of inserts) await s.database.raw.exec(statement);
    expect(await snapshot()).toEqual(before);
  });
});
