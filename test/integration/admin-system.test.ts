import { count, eq } from 'drizzle-orm';
import { emailTemplates, environments, systemConfiguration } from '../../src/db/schema';
import { codeOf, expectOk, messageOf } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/** System configuration (typed, pattern-checked values) and email templates: administrators only. */

const ADMIN = ACCOUNTS.admin;


describe('admin system configuration and email templates', () => {
  let s: Scenario;
  let production: number;
  let test: number;
  beforeAll(async () => {
    s = await createScenario();
    const rows = await s.db
      .insert(environments)
      .values([
        { code: 'PROD', name: 'Production' },
        { code: 'TEST', name: 'Test' },
      ])
      .returning();
    production = rows[0]!.id;
    test = rows[1]!.id;
  });
  afterAll(() => s.close());

  async function settingCount(): Promise<number> {
    const [row] = await s.db.select({ n: count() }).from(systemConfiguration);
    return Number(row!.n);
  }

  it('checks a value against its data type', async () => {
    const ok = [
      { key: 'n1', dataType: 'NUMBER', value: '-12.5e3' },
      { key: 'b1', dataType: 'BOOLEAN', value: 'false' },
      { key: 'j1', dataType: 'JSON', value: '{"retries":3,"hosts":["a","b"]}' },
      { key: 's1', value: 'anything at all' },
      { key: 'empty', dataType: 'NUMBER' },
    ];
    for (const setting of ok) {
      const created = expectOk(await s.callRaw(ADMIN, 'admin/systemConfiguration/create', { environmentId: production, ...setting }));
      expect(created).toMatchObject({ ...setting, dataType: setting.dataType ?? 'STRING', createdBy: 'ADM', updatedBy: 'ADM' });
    }
    const before = await settingCount();
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ key: 'n2', dataType: 'NUMBER', value: 'twelve' }, '"twelve" is not a number. Setting "n2" is of type NUMBER.'],
      [{ key: 'n3', dataType: 'NUMBER', value: 'Infinity' }, '"Infinity" is not a number. Setting "n3" is of type NUMBER.'],
      [{ key: 'b2', dataType: 'BOOLEAN', value: 'yes' }, 'A BOOLEAN setting holds true or false. Setting "b2" is of type BOOLEAN.'],
      [{ key: 'j2', dataType: 'JSON', value: '{retries: 3}' }, 'The value is not valid JSON. Setting "j2" is of type JSON.'],
    ];
    for (const [setting, message] of bad) {
      const result = await s.callRaw(ADMIN, 'admin/systemConfiguration/create', { environmentId: production, ...setting });
      expect([codeOf(result), messageOf(result)]).toEqual(['VALIDATION', message]);
    }
    for (const setting of [{ key: 'x', dataType: 'DATE', value: '1' }, { key: 'x', category: 'OTHER' }, { key: 'has space' }, { key: 'x', isSystemManaged: true }]) {
      expect(codeOf(await s.callRaw(ADMIN, 'admin/systemConfiguration/create', { environmentId: production, ...setting }))).toBe('VALIDATION');
    }
    expect(await settingCount()).toBe(before);
  });

  it('checks a value against its validation pattern, and re-checks when the type or pattern changes', async () => {
    const setting = expectOk(
      await s.call(ADMIN, 'admin/systemConfiguration/create', { environmentId: production, key: 'macro.space', category: 'MACRO_LOCATION', value: 'CUTOVER', validationPattern: '^[A-Z]+$' }),
    );
    const lower = await s.call(ADMIN, 'admin/systemConfiguration/update', { id: setting.id, expectedUpdatedAt: setting.updatedAt, value: 'cutover' });
    expect(messageOf(lower)).toBe('The value of setting "macro.space" does not match its validation pattern ^[A-Z]+$.');
    const retyped = await s.call(ADMIN, 'admin/systemConfiguration/update', { id: setting.id, expectedUpdatedAt: setting.updatedAt, dataType: 'NUMBER' });
    expect(messageOf(retyped)).toBe('"CUTOVER" is not a number. Setting "macro.space" is of type NUMBER.');
    const repattern = await s.call(ADMIN, 'admin/systemConfiguration/update', { id: setting.id, expectedUpdatedAt: setting.updatedAt, validationPattern: '^\\d+$' });
    expect(codeOf(repattern)).toBe('VALIDATION');
    expect(codeOf(await s.call(ADMIN, 'admin/systemConfiguration/update', { id: setting.id, expectedUpdatedAt: setting.updatedAt, validationPattern: '([' }))).toBe('VALIDATION');
    const [row] = await s.db.select().from(systemConfiguration).where(eq(systemConfiguration.id, setting.id));
    expect(row).toMatchObject({ value: 'CUTOVER', dataType: 'STRING', validationPattern: '^[A-Z]+$' });
    const changed = expectOk(await s.call(ADMIN, 'admin/systemConfiguration/update', { id: setting.id, expectedUpdatedAt: setting.updatedAt, value: 'RUNSHEETS' }));
    expect(changed.value).toBe('RUNSHEETS');
  });

  it('keeps keys unique per environment and names a missing environment', async () => {
    expectOk(await s.call(ADMIN, 'admin/systemConfiguration/create', { environmentId: production, key: 'api.base_url', value: 'https://prod' }));
    const duplicate = await s.call(ADMIN, 'admin/systemConfiguration/create', { environmentId: production, key: 'api.base_url', value: 'https://other' });
    expect([codeOf(duplicate), messageOf(duplicate)]).toEqual(['CONFLICT', 'A setting "api.base_url" already exists for this environment.']);
    expectOk(await s.call(ADMIN, 'admin/systemConfiguration/create', { environmentId: test, key: 'api.base_url', value: 'https://test' }));
    const missing = await s.call(ADMIN, 'admin/systemConfiguration/create', { environmentId: 999_999, key: 'api.base_url' });
    expect([codeOf(missing), messageOf(missing)]).toEqual(['NOT_FOUND', 'Environment with id 999999 does not exist.']);
    const listed = expectOk(await s.call(ADMIN, 'admin/systemConfiguration/list', { environmentId: test }));
    expect(listed.map((setting) => setting.key)).toEqual(['api.base_url']);
    const environment = await s.call(ADMIN, 'admin/environments/delete', { id: test });
    expect(messageOf(environment)).toBe('Environment "Test" is still used by 1 configuration setting; remove those first.');
  });

  it('does not delete settings UMIG manages itself', async () => {
    const [managed] = await s.db
      .insert(systemConfiguration)
      .values({ environmentId: production, key: 'umig.schema_version', value: '4', isSystemManaged: true })
      .returning();
    const refused = await s.call(ADMIN, 'admin/systemConfiguration/delete', { id: managed!.id });
    expect([codeOf(refused), messageOf(refused)]).toEqual(['CONFLICT', 'Setting "umig.schema_version" is managed by UMIG itself and cannot be deleted.']);
    // Its value can still be edited, even though the row never had an updated_at.
    const edited = expectOk(await s.call(ADMIN, 'admin/systemConfiguration/update', { id: managed!.id, expectedUpdatedAt: null, value: '5' }));
    expect(edited.value).toBe('5');
    expect(await s.db.select().from(systemConfiguration).where(eq(systemConfiguration.id, managed!.id))).toHaveLength(1);
  });

  it('keeps email template names unique and bodies bounded', async () => {
    const template = expectOk(
      await s.call(ADMIN, 'admin/emailTemplates/create', { type: 'STEP_NOTIFICATION', name: 'Step done', subject: 'Step {{stepCode}} is done', bodyHtml: '<p>{{stepCode}}</p>' }),
    );
    // A variable UMIG cannot fill is refused, naming it.
    const unknownVariable = await s.call(ADMIN, 'admin/emailTemplates/create', { type: 'STEP_NOTIFICATION', name: 'Typo', subject: 'Step {{stepCod}}', bodyHtml: 'x' });
    expect(codeOf(unknownVariable)).toBe('VALIDATION');
    expect(messageOf(unknownVariable)).toContain('stepCod');
    expect(template).toMatchObject({ isActive: true, createdBy: 'ADM' });
    expect(messageOf(await s.call(ADMIN, 'admin/emailTemplates/create', { type: 'SYSTEM_ALERT', name: 'Step done', subject: 'x', bodyHtml: 'x' }))).toBe(
      'An email template named "Step done" already exists.',
    );
    expectOk(await s.call(ADMIN, 'admin/emailTemplates/create', { type: 'SYSTEM_ALERT', name: 'Big', subject: 'x', bodyHtml: 'x'.repeat(90_000) }));
    const [before] = await s.db.select({ n: count() }).from(emailTemplates);
    for (const payload of [
      { type: 'SYSTEM_ALERT', name: 'Huge', subject: 'x', bodyHtml: 'x'.repeat(300_000) },
      { type: 'NEWSLETTER', name: 'Type', subject: 'x', bodyHtml: 'x' },
      { type: 'SYSTEM_ALERT', name: 'No body', subject: 'x' },
    ]) {
      expect(codeOf(await s.callRaw(ADMIN, 'admin/emailTemplates/create', payload))).toBe('VALIDATION');
    }
    const [after] = await s.db.select({ n: count() }).from(emailTemplates);
    expect(after).toEqual(before);
  });

  it('shows settings and templates to administrators only', async () => {
    const template = expectOk(await s.call(ADMIN, 'admin/emailTemplates/list', {}))[0]!;
    const setting = expectOk(await s.call(ADMIN, 'admin/systemConfiguration/list', {}))[0]!;
    for (const account of [ACCOUNTS.pilot, ACCOUNTS.normalInTeam]) {
      const templateRead = await s.call(account, 'admin/emailTemplates/get', { id: template.id });
      expect([codeOf(templateRead), messageOf(templateRead)]).toEqual(['FORBIDDEN', 'Only administrators can see email templates.']);
      expect(codeOf(await s.call(account, 'admin/systemConfiguration/get', { id: setting.id }))).toBe('FORBIDDEN');
    }
  });
});
