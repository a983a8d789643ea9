import { eq } from 'drizzle-orm';
import { auditLog, emailOutbox, emailTemplates, instructionInstances, masterInstructions, stepInstances, teams } from '../../src/db/schema';
import type { Actor } from '../../src/domain/access/permissions';
import { resolveActor } from '../../src/services/identity';
import { enqueueNotification, NOTIFICATION_TEMPLATE_NAMES } from '../../src/services/notifications/enqueue';
import { setConfig } from '../../src/services/configuration/settings';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { enableEmail, outboxCount } from './notifications-support';

/** What enqueueNotification writes into the outbox, and when it writes nothing. */
describe('enqueueing notification emails', () => {
  let s: Scenario;
  let pilot: Actor;
  let itValidator: Actor;
  beforeAll(async () => {
    s = await createScenario();
    pilot = await resolveActor(s.db, ACCOUNTS.pilot);
    itValidator = await resolveActor(s.db, ACCOUNTS.itValidator);
  });
  afterAll(() => s.close());
  beforeEach(async () => {
    await s.db.delete(emailOutbox);
  });

  /** Step 2 of the first phase: owned by Cutover Ops, impacted team Database Team. */
  const impactedStep = () => s.steps[1]!;
  const stepEvent = (stepId: string, actor: Actor = pilot) => ({ type: 'STEP_STATUS_CHANGED' as const, stepId, from: 'TODO' as const, to: 'IN_PROGRESS' as const, actor });

  it('writes nothing while the setting email.enabled is false, as in a fresh database', async () => {
    const result = await s.db.transaction((tx) => enqueueNotification(tx, stepEvent(impactedStep().id)));
    expect(result).toEqual({ enqueued: false, reason: 'EMAIL_DISABLED' });
    expect(await outboxCount(s.db)).toBe(0);
    await enableEmail(s.db, { 'confluence.pageBaseUrl': 'https://acme.atlassian.net/wiki/spaces/CUT/pages/42' });
  });

  it("writes one rendered email for a step status change, to the owner and impacted teams' mailboxes", async () => {
    const step = impactedStep();
    const result = await s.db.transaction((tx) => enqueueNotification(tx, stepEvent(step.id)));
    expect(result).toMatchObject({ enqueued: true, recipients: ['dba@example.com', 'ops@example.com'] });
    const [row] = await s.db.select().from(emailOutbox);
    expect(row).toMatchObject({
      eventType: 'STEP_STATUS_CHANGED',
      entityId: step.id,
      status: 'PENDING',
      attempts: 0,
      recipients: ['dba@example.com', 'ops@example.com'],
      subject: `[UMIG] ${step.code} Step 1.1.2 is now In progress`,
      createdBy: 'PIL',
    });
    expect(row!.bodyText).toContain(`PIL Tester (PIL) moved step ${step.code} Step 1.1.2 from To do to In progress.`);
    expect(row!.bodyText).toContain('Migration: Core banking move\nIteration: Dress rehearsal 1');
    expect(row!.bodyHtml).toContain(`<strong>${step.code} Step 1.1.2</strong>`);
    expect(row!.bodyHtml).toContain(
      `href="https://acme.atlassian.net/wiki/spaces/CUT/pages/42?iterationId=${s.iterationId}&amp;stepId=${step.id}"`,
    );
  });

  it('writes nothing when the change is rolled back', async () => {
    await expect(
      s.db.transaction(async (tx) => {
        const result = await enqueueNotification(tx, stepEvent(impactedStep().id));
        expect(result.enqueued).toBe(true);
        throw new Error('the step change failed after the email was enqueued');
      }),
    ).rejects.toThrow('the step change failed');
    expect(await outboxCount(s.db)).toBe(0);
  });

  it('writes one email per event and transaction, and honours an explicit dedupe key across transactions', async () => {
    const step = impactedStep();
    await s.db.transaction(async (tx) => {
      expect((await enqueueNotification(tx, stepEvent(step.id))).enqueued).toBe(true);
      expect(await enqueueNotification(tx, stepEvent(step.id))).toEqual({ enqueued: false, reason: 'DUPLICATE' });
    });
    // The same move in a later transaction is a new event (the step went back and forth).
    expect((await s.db.transaction((tx) => enqueueNotification(tx, stepEvent(step.id)))).enqueued).toBe(true);
    expect((await s.db.transaction((tx) => enqueueNotification(tx, stepEvent(step.id), { dedupeKey: 'request-1' }))).enqueued).toBe(true);
    expect(await s.db.transaction((tx) => enqueueNotification(tx, stepEvent(step.id), { dedupeKey: 'request-1' }))).toEqual({ enqueued: false, reason: 'DUPLICATE' });
    expect(await outboxCount(s.db)).toBe(3);
  });

  it('writes nothing for a same-status request', async () => {
    const result = await enqueueNotification(s.db, { ...stepEvent(impactedStep().id), from: 'TODO', to: 'TODO' });
    expect(result).toEqual({ enqueued: false, reason: 'NO_CHANGE' });
  });

  it("tells the instruction's own team as well as the step's teams, with the matching template", async () => {
    const step = s.steps[0]!;
    const [instruction] = await s.db
      .select({ id: instructionInstances.id, masterId: instructionInstances.masterInstructionId })
      .from(instructionInstances)
      .where(eq(instructionInstances.stepId, step.id))
      .limit(1);
    await s.db.update(masterInstructions).set({ teamId: s.teams.other }).where(eq(masterInstructions.id, instruction!.masterId));
    const done = await enqueueNotification(s.db, { type: 'INSTRUCTION_TOGGLED', instructionId: instruction!.id, completed: true, actor: pilot });
    expect(done).toMatchObject({ enqueued: true, recipients: ['net@example.com', 'ops@example.com'] });
    const reopened = await enqueueNotification(s.db, { type: 'INSTRUCTION_TOGGLED', instructionId: instruction!.id, completed: false, actor: pilot });
    expect(reopened.enqueued).toBe(true);
    const rows = await s.db.select({ subject: emailOutbox.subject, text: emailOutbox.bodyText }).from(emailOutbox).orderBy(emailOutbox.createdAt);
    expect(rows.map((r) => r.subject).sort()).toEqual([`[UMIG] ${step.code} Step 1.1.1: instruction done`, `[UMIG] ${step.code} Step 1.1.1: instruction reopened`]);
    expect(rows.every((r) => r.text.includes('First instruction'))).toBe(true);
  });

  it("tells a control's validators and the plan's team of a verdict, but not the validator who gave it", async () => {
    const controlId = s.phases[0]!.controlIds[0]!;
    const result = await enqueueNotification(s.db, {
      type: 'CONTROL_VERDICT',
      controlId,
      slot: 'IT',
      verdict: 'REJECTED',
      comment: 'Backups are missing',
      actor: itValidator,
    });
    expect(result).toMatchObject({ enqueued: true, recipients: ['bzv@example.com', 'ops@example.com'] });
    const [row] = await s.db.select().from(emailOutbox);
    expect(row!.subject).toBe('[UMIG] Control C11 Gate 1.1: Rejected');
    expect(row!.bodyText).toContain('recorded the IT verdict Rejected on control C11 Gate 1.1 (phase Phase 1.1)');
    expect(row!.bodyText).toContain('Comment: Backups are missing');
    expect(row!.bodyHtml).toContain(`controlId=${controlId}`);
  });

  it("leaves out the address of a user who opted out, and keeps the teams' mailboxes", async () => {
    const controlId = s.phases[0]!.controlIds[0]!;
    expect(expectOk(await s.call(ACCOUNTS.bizValidator, 'notifications/preferences/get', {}))).toEqual({ enabled: true, email: 'bzv@example.com' });
    expect(expectOk(await s.call(ACCOUNTS.bizValidator, 'notifications/preferences/set', { enabled: false }))).toEqual({ enabled: false, email: 'bzv@example.com' });
    expect(expectOk(await s.call(ACCOUNTS.bizValidator, 'notifications/preferences/get', {})).enabled).toBe(false);
    const verdict = { type: 'CONTROL_VERDICT' as const, controlId, slot: 'BIZ' as const, verdict: 'APPROVED' as const, actor: pilot };
    expect(await enqueueNotification(s.db, verdict)).toMatchObject({ enqueued: true, recipients: ['itv@example.com', 'ops@example.com'] });
    expect(expectOk(await s.call(ACCOUNTS.bizValidator, 'notifications/preferences/set', { enabled: true })).enabled).toBe(true);
    expect(await enqueueNotification(s.db, verdict, { dedupeKey: 'after-opt-in' })).toMatchObject({ recipients: ['bzv@example.com', 'itv@example.com', 'ops@example.com'] });
  });

  it('writes nothing when nobody is left to tell', async () => {
    const controlId = s.phases[1]!.controlIds[0]!;
    const admin = await resolveActor(s.db, ACCOUNTS.admin);
    // Opt both validators out; the plan's team has no mailbox.
    await s.call(ACCOUNTS.itValidator, 'notifications/preferences/set', { enabled: false });
    await s.call(ACCOUNTS.bizValidator, 'notifications/preferences/set', { enabled: false });
    await s.db.update(teams).set({ email: 'not an address' }).where(eq(teams.id, s.teams.owner));
    try {
      expect(await enqueueNotification(s.db, { type: 'CONTROL_VERDICT', controlId, slot: 'IT', verdict: 'APPROVED', actor: admin })).toEqual({
        enqueued: false,
        reason: 'NO_RECIPIENTS',
      });
      expect(await outboxCount(s.db)).toBe(0);
    } finally {
      await s.db.update(teams).set({ email: 'ops@example.com' }).where(eq(teams.id, s.teams.owner));
      await s.call(ACCOUNTS.itValidator, 'notifications/preferences/set', { enabled: true });
      await s.call(ACCOUNTS.bizValidator, 'notifications/preferences/set', { enabled: true });
    }
  });

  it("writes nothing for a migration whose switch an administrator turned off, and again once it is on", async () => {
    expect(expectOk(await s.call(ACCOUNTS.pilot, 'notifications/migrationSwitch/get', { migrationId: s.migrationId }))).toEqual({ migrationId: s.migrationId, enabled: true });
    expect(codeOf(await s.call(ACCOUNTS.pilot, 'notifications/migrationSwitch/set', { migrationId: s.migrationId, enabled: false }))).toBe('FORBIDDEN');
    expect(codeOf(await s.call(ACCOUNTS.normalInTeam, 'notifications/migrationSwitch/set', { migrationId: s.migrationId, enabled: false }))).toBe('FORBIDDEN');
    expect(codeOf(await s.call(ACCOUNTS.unknown, 'notifications/migrationSwitch/set', { migrationId: s.migrationId, enabled: false }))).toBe('UNKNOWN_USER');
    expect(codeOf(await s.call(ACCOUNTS.admin, 'notifications/migrationSwitch/set', { migrationId: '00000000-0000-4000-8000-000000000000', enabled: false }))).toBe('NOT_FOUND');
    expect(expectOk(await s.call(ACCOUNTS.admin, 'notifications/migrationSwitch/set', { migrationId: s.migrationId, enabled: false }))).toEqual({
      migrationId: s.migrationId,
      enabled: false,
    });
    expect(await enqueueNotification(s.db, stepEvent(impactedStep().id))).toEqual({ enqueued: false, reason: 'MIGRATION_SWITCHED_OFF' });
    expect(await outboxCount(s.db)).toBe(0);
    expectOk(await s.call(ACCOUNTS.admin, 'notifications/migrationSwitch/set', { migrationId: s.migrationId, enabled: true }));
    expect((await enqueueNotification(s.db, stepEvent(impactedStep().id))).enqueued).toBe(true);
  });

  it('audits both switches, refuses malformed payloads, and treats a repeated request as a no-op', async () => {
    const auditsOf = async (entityId: string) => (await s.db.select().from(auditLog).where(eq(auditLog.entityId, entityId))).map((a) => [a.action, a.details]);
    const user = String(s.users.normalImpacted.id);
    expectOk(await s.call(ACCOUNTS.normalImpacted, 'notifications/preferences/set', { enabled: false }));
    expectOk(await s.call(ACCOUNTS.normalImpacted, 'notifications/preferences/set', { enabled: false }));
    expect(await auditsOf(user)).toEqual([
      ['NOTIFICATION_PREFERENCE_CHANGED', expect.objectContaining({ by: 'NIM', before: { emailEnabled: true }, after: { emailEnabled: false } })],
    ]);
    expect(codeOf(await s.callRaw(ACCOUNTS.normalImpacted, 'notifications/preferences/set', { enabled: 'no' }))).toBe('VALIDATION');
    expect(codeOf(await s.callRaw(ACCOUNTS.normalImpacted, 'notifications/preferences/set', { enabled: true, userId: 1 }))).toBe('VALIDATION');
    expect(codeOf(await s.call(ACCOUNTS.unknown, 'notifications/preferences/get', {}))).toBe('UNKNOWN_USER');
    expect(expectOk(await s.call(ACCOUNTS.normalImpacted, 'notifications/preferences/set', { enabled: true })).enabled).toBe(true);
    const switches = (await auditsOf(s.migrationId)).map(([action, details]) => [action, (details as { after: unknown }).after]);
    expect(switches).toEqual([
      ['MIGRATION_NOTIFICATIONS_SWITCHED', { emailEnabled: false }],
      ['MIGRATION_NOTIFICATIONS_SWITCHED', { emailEnabled: true }],
    ]);
  });

  it('writes nothing for an event whose template an administrator deactivated', async () => {
    await s.db.update(emailTemplates).set({ isActive: false }).where(eq(emailTemplates.name, NOTIFICATION_TEMPLATE_NAMES.STEP_STATUS_CHANGED));
    try {
      expect(await enqueueNotification(s.db, stepEvent(impactedStep().id))).toEqual({ enqueued: false, reason: 'TEMPLATE_INACTIVE' });
    } finally {
      await s.db.update(emailTemplates).set({ isActive: true }).where(eq(emailTemplates.name, NOTIFICATION_TEMPLATE_NAMES.STEP_STATUS_CHANGED));
    }
  });

  it('escapes markup from runsheet data in the HTML body and keeps the subject on one line', async () => {
    const step = impactedStep();
    const hostile = '<script>alert("x")</script> & co\r\nBcc: victim@example.com';
    await s.db.update(stepInstances).set({ name: hostile }).where(eq(stepInstances.id, step.id));
    try {
      await enqueueNotification(s.db, stepEvent(step.id));
      const [row] = await s.db.select().from(emailOutbox);
      expect(row!.bodyHtml).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co<br>Bcc: victim@example.com');
      expect(row!.bodyHtml).not.toContain('<script>');
      expect(row!.bodyText).toContain('<script>alert("x")</script> & co\r\nBcc: victim@example.com');
      expect(row!.subject).toBe(`[UMIG] ${step.code} <script>alert("x")</script> & co Bcc: victim@example.com is now In progress`);
      expect(row!.subject).not.toMatch(/[\r\n]/);
    } finally {
      await s.db.update(stepInstances).set({ name: 'Step 1.1.2' }).where(eq(stepInstances.id, step.id));
    }
  });

  it('leaves the link out when no page is configured, and refuses an unknown step', async () => {
    await setConfig(s.db, { key: 'confluence.pageBaseUrl', value: '', by: 'TST' });
    await enqueueNotification(s.db, stepEvent(impactedStep().id));
    const [row] = await s.db.select({ text: emailOutbox.bodyText }).from(emailOutbox);
    expect(row!.text).toMatch(/Runsheet: $/);
    await expect(enqueueNotification(s.db, stepEvent('00000000-0000-4000-8000-000000000000'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
