import { eq, inArray } from 'drizzle-orm';
import { emailTemplates } from '../../src/db/schema';
import { NOTIFICATION_TEMPLATE_NAMES } from '../../src/services/notifications/enqueue';
import { renderTemplate, SAMPLE_VALUES, TEMPLATE_VARIABLES, validateTemplate } from '../../src/services/notifications/templates';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/** Email templates: what saving and previewing refuse, and how values are filled in. */
describe('email templates', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  const valid = { subject: '[UMIG] {{stepCode}} is {{ statusTo }}', bodyHtml: '<p>{{stepName}}</p>', bodyText: '{{stepName}}' };

  it('seeds one active template per notification, each accepted by the validation', async () => {
    const rows = await s.db.select().from(emailTemplates).where(inArray(emailTemplates.name, Object.values(NOTIFICATION_TEMPLATE_NAMES)));
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row).toMatchObject({ type: 'STEP_NOTIFICATION', isActive: true });
      expect(() => validateTemplate(row)).not.toThrow();
    }
  });

  it('refuses an unknown variable, naming it and the field', () => {
    expect(validateTemplate(valid)).toEqual({ variables: ['statusTo', 'stepCode', 'stepName'] });
    expect(() => validateTemplate({ ...valid, bodyHtml: '<p>{{stepNmae}}</p>' })).toThrow(/HTML body uses the variable \{\{stepNmae\}\}, which UMIG does not know/);
    try {
      validateTemplate({ ...valid, subject: 'Hi {{ user.password }}' });
      throw new Error('not refused');
    } catch (error) {
      expect(error).toMatchObject({ code: 'VALIDATION', details: { field: 'subject', variable: 'user.password' } });
    }
  });

  it('refuses an unclosed placeholder, a subject on two lines, an empty subject and a template without body', () => {
    expect(() => validateTemplate({ ...valid, bodyText: 'Step {{stepCode is done' })).toThrow(/text body has a "\{\{" that is not closed/);
    expect(() => validateTemplate({ ...valid, subject: 'Line one\nBcc: x@example.com' })).toThrow(/subject must fit on one line/);
    expect(() => validateTemplate({ ...valid, subject: '  ' })).toThrow(/subject is empty/);
    expect(() => validateTemplate({ subject: 'x', bodyHtml: '', bodyText: null })).toThrow(/needs an HTML body or a text body/);
    // CSS braces are not placeholders.
    expect(() => validateTemplate({ ...valid, bodyHtml: '<style>@media (x) { p { color: red }}</style>' })).not.toThrow();
  });

  it('escapes values in the HTML body only, keeps the subject on one line, and never expands a value', () => {
    const rendered = renderTemplate(
      { subject: '{{stepName}} / {{comment}}', bodyHtml: '<p title="{{stepName}}">{{stepName}}</p><p>{{comment}}</p>', bodyText: '{{stepName}} {{comment}}' },
      { stepName: `<script>alert('x')</script> "R&D"`, comment: 'line 1\r\nBcc: victim@example.com {{actorName}}' },
    );
    expect(rendered.html).toBe(
      '<p title="&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;R&amp;D&quot;">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;R&amp;D&quot;</p>' +
        '<p>line 1<br>Bcc: victim@example.com {{actorName}}</p>',
    );
    expect(rendered.text).toBe(`<script>alert('x')</script> "R&D" line 1\r\nBcc: victim@example.com {{actorName}}`);
    expect(rendered.subject).toBe(`<script>alert('x')</script> "R&D" / line 1 Bcc: victim@example.com {{actorName}}`);
    expect(renderTemplate({ subject: 'a'.repeat(400), bodyHtml: '', bodyText: '' }, {}).subject).toHaveLength(250);
  });

  it('previews a stored template with sample values for administrators', async () => {
    const [template] = await s.db.select().from(emailTemplates).where(eq(emailTemplates.name, NOTIFICATION_TEMPLATE_NAMES.STEP_STATUS_CHANGED));
    const preview = expectOk(await s.call(ACCOUNTS.admin, 'notifications/templates/preview', { templateId: template!.id, variables: { stepName: '<b>Stop</b>' } }));
    expect(preview.subject).toBe(`[UMIG] ${SAMPLE_VALUES.stepCode} <b>Stop</b> is now ${SAMPLE_VALUES.statusTo}`);
    expect(preview.html).toContain('<strong>TRT-010 &lt;b&gt;Stop&lt;/b&gt;</strong>');
    expect(preview.text).toContain('Ada Byron (ADB) moved step TRT-010 <b>Stop</b> from To do to In progress.');
    expect(preview.variables).toEqual(expect.arrayContaining(['stepCode', 'pageUrl']));
  });

  it('previews unsaved edits, over a stored template or alone', async () => {
    const [template] = await s.db.select().from(emailTemplates).limit(1);
    const edited = expectOk(await s.call(ACCOUNTS.admin, 'notifications/templates/preview', { templateId: template!.id, subject: 'New: {{controlCode}}' }));
    expect(edited.subject).toBe(`New: ${SAMPLE_VALUES.controlCode}`);
    expect(edited.text).toBe(renderTemplate(template!, SAMPLE_VALUES).text);
    const alone = expectOk(await s.call(ACCOUNTS.admin, 'notifications/templates/preview', { subject: 'S {{verdict}}', bodyText: '{{comment}}' }));
    expect(alone).toEqual({ subject: 'S Approved', html: '', text: 'All green', variables: ['comment', 'verdict'] });
  });

  it('refuses to preview what saving would refuse', async () => {
    const unknown = await s.call(ACCOUNTS.admin, 'notifications/templates/preview', { subject: 'Hello {{firstName}}', bodyText: 'x' });
    expect(codeOf(unknown)).toBe('VALIDATION');
    expect(!unknown.ok && unknown.error.message).toMatch(/\{\{firstName\}\}/);
    const badSample = await s.call(ACCOUNTS.admin, 'notifications/templates/preview', { subject: 'x', bodyText: 'x', variables: { secret: 'x' } });
    expect(!badSample.ok && badSample.error).toMatchObject({ code: 'VALIDATION', message: 'There is no template variable {{secret}}.' });
    expect(codeOf(await s.call(ACCOUNTS.admin, 'notifications/templates/preview', { templateId: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    for (const payload of [{}, { bodyText: 'no subject' }, { templateId: 'nope' }, { subject: 'x', extra: true }, null, 'x'.repeat(10)]) {
      expect(codeOf(await s.callRaw(ACCOUNTS.admin, 'notifications/templates/preview', payload))).toBe('VALIDATION');
    }
  });

  it('lets only administrators preview', async () => {
    for (const account of [ACCOUNTS.pilot, ACCOUNTS.normalInTeam]) {
      expect(codeOf(await s.call(account, 'notifications/templates/preview', valid))).toBe('FORBIDDEN');
    }
    expect(codeOf(await s.call(ACCOUNTS.unknown, 'notifications/templates/preview', valid))).toBe('UNKNOWN_USER');
  });

  it('documents every variable it fills', () => {
    expect(Object.keys(SAMPLE_VALUES).sort()).toEqual(Object.keys(TEMPLATE_VARIABLES).sort());
  });
});
