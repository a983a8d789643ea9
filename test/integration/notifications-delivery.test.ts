import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { auditLog, emailOutbox, teams } from '../../src/db/schema';
import type { Actor } from '../../src/domain/access/permissions';
import { setConfig } from '../../src/services/configuration/settings';
import { resolveActor } from '../../src/services/identity';
import { enqueueNotification } from '../../src/services/notifications/enqueue';
import { backoffDelayMs, deliverOutbox } from '../../src/services/notifications/outbox';
import { createHttpTransport, createSmtpTransport, type EmailTransport } from '../../src/services/notifications/transports';
import { deliverDueEmails, startOutboxWorker } from '../../src/services/notifications/worker';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { enableEmail, eventually, outboxCount, startSmtpServer, type TestSmtpServer } from './notifications-support';

/** Delivery of the outbox to a real SMTP server (and an HTTP email API) started by the test. */
describe('delivering notification emails', () => {
  let s: Scenario;
  let smtp: TestSmtpServer;
  let transport: EmailTransport;
  let pilot: Actor;
  const FROM = 'UMIG <umig@bank.example>';

  beforeAll(async () => {
    s = await createScenario();
    smtp = await startSmtpServer();
    transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, secure: false });
    pilot = await resolveActor(s.db, ACCOUNTS.pilot);
    await enableEmail(s.db, { 'email.from': FROM, 'confluence.pageBaseUrl': 'https://acme.atlassian.net/wiki/x/42' });
  });
  afterAll(async () => {
    await transport.close?.();
    await smtp.close();
    await s.close();
  });
  beforeEach(async () => {
    await s.db.delete(emailOutbox);
    smtp.messages.length = 0;
  });

  const enqueueStep = async (dedupeKey?: string) => {
    const result = await s.db.transaction((tx) =>
      enqueueNotification(tx, { type: 'STEP_STATUS_CHANGED', stepId: s.steps[1]!.id, from: 'IN_PROGRESS', to: 'COMPLETED', actor: pilot }, { dedupeKey }),
    );
    if (!result.enqueued) throw new Error(`not enqueued: ${result.reason}`);
    return result.outboxId;
  };
  const rowOf = async (id: string) => (await s.db.select().from(emailOutbox).where(eq(emailOutbox.id, id)))[0]!;

  it('delivers the rendered email to the SMTP server and marks the row SENT', async () => {
    const id = await enqueueStep();
    const report = await deliverOutbox(s.db, transport);
    expect(report).toEqual({ claimed: 1, sent: 1, retrying: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    const step = s.steps[1]!;
    expect(mail.envelopeFrom).toBe('umig@bank.example');
    expect(mail.envelopeTo.sort()).toEqual(['dba@example.com', 'ops@example.com']);
    expect(mail.subject).toBe(`[UMIG] ${step.code} Step 1.1.2 is now Completed`);
    expect(mail.messageId).toBe(`<${id}@bank.example>`);
    expect(mail.headers['x-umig-outbox-id']).toBe(id);
    expect(mail.text).toContain(`PIL Tester (PIL) moved step ${step.code} Step 1.1.2 from In progress to Completed.`);
    expect(mail.html).toContain(`<strong>${step.code} Step 1.1.2</strong>`);
    expect(mail.html).toContain(`href="https://acme.atlassian.net/wiki/x/42?iterationId=${s.iterationId}&amp;stepId=${step.id}"`);
    const row = await rowOf(id);
    expect(row).toMatchObject({ status: 'SENT', attempts: 1, lastError: null, claimedAt: null });
    expect(row.sentAt).toBeInstanceOf(Date);
    // Nothing is due any more: a second run sends nothing.
    expect(await deliverOutbox(s.db, transport)).toEqual({ claimed: 0, sent: 0, retrying: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
  });

  it('sends nothing for a change that was rolled back', async () => {
    await expect(
      s.db.transaction(async (tx) => {
        await enqueueNotification(tx, { type: 'STEP_STATUS_CHANGED', stepId: s.steps[0]!.id, from: 'TODO', to: 'IN_PROGRESS', actor: pilot });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await outboxCount(s.db)).toBe(0);
    expect((await deliverOutbox(s.db, transport)).claimed).toBe(0);
    expect(smtp.messages).toHaveLength(0);
  });

  it('backs off after failures and delivers exactly once when the transport recovers', async () => {
    const id = await enqueueStep();
    let calls = 0;
    const flaky: EmailTransport = {
      name: 'flaky',
      async send(email) {
        calls += 1;
        if (calls <= 2) throw Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' });
        return transport.send(email);
      },
    };
    const t0 = new Date(Date.now() + 1_000);
    const base = 60_000;
    expect(await deliverOutbox(s.db, flaky, { now: t0, backoffBaseMs: base })).toMatchObject({ claimed: 1, retrying: 1 });
    let row = await rowOf(id);
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'ECONNECTION: Connection closed unexpectedly' });
    expect(row.nextAttemptAt.getTime()).toBe(t0.getTime() + base);
    // Not due yet: nothing is claimed.
    expect((await deliverOutbox(s.db, flaky, { now: new Date(t0.getTime() + base - 1), backoffBaseMs: base })).claimed).toBe(0);
    const t1 = new Date(t0.getTime() + base);
    expect(await deliverOutbox(s.db, flaky, { now: t1, backoffBaseMs: base })).toMatchObject({ claimed: 1, retrying: 1 });
    row = await rowOf(id);
    expect(row.attempts).toBe(2);
    expect(row.nextAttemptAt.getTime()).toBe(t1.getTime() + 2 * base);
    const t2 = new Date(t1.getTime() + 2 * base);
    expect(await deliverOutbox(s.db, flaky, { now: t2, backoffBaseMs: base })).toMatchObject({ claimed: 1, sent: 1 });
    expect(await deliverOutbox(s.db, flaky, { now: new Date(t2.getTime() + 3_600_000) })).toMatchObject({ claimed: 0 });
    expect(calls).toBe(3);
    expect(smtp.messages).toHaveLength(1);
    expect(await rowOf(id)).toMatchObject({ status: 'SENT', attempts: 3, lastError: null });
  });

  it('doubles the wait after each failure, up to an hour', () => {
    expect([1, 2, 3, 4, 10].map((attempt) => backoffDelayMs(attempt))).toEqual([60_000, 120_000, 240_000, 480_000, 3_600_000]);
  });

  it('gives up after maxAttempts, shows the error to administrators, and sends again after a retry', async () => {
    const id = await enqueueStep();
    const down: EmailTransport = { name: 'down', send: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) };
    let now = new Date(Date.now() + 1_000);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await deliverOutbox(s.db, down, { now, maxAttempts: 3, backoffBaseMs: 1_000 });
      now = new Date(now.getTime() + 3_600_000);
    }
    expect(await rowOf(id)).toMatchObject({ status: 'FAILED', attempts: 3, lastError: 'connect ECONNREFUSED 127.0.0.1:1' });
    expect((await deliverOutbox(s.db, down, { now })).claimed).toBe(0);

    const listed = expectOk(await s.call(ACCOUNTS.admin, 'notifications/outbox/list', { status: 'FAILED' }));
    expect(listed).toEqual([expect.objectContaining({ id, status: 'FAILED', attempts: 3, lastError: 'connect ECONNREFUSED 127.0.0.1:1', recipients: ['dba@example.com', 'ops@example.com'] })]);
    expect(expectOk(await s.call(ACCOUNTS.admin, 'notifications/outbox/list', { status: 'SENT' }))).toEqual([]);
    expect(expectOk(await s.call(ACCOUNTS.admin, 'notifications/outbox/list', {}))).toHaveLength(1);

    expect(expectOk(await s.call(ACCOUNTS.admin, 'notifications/outbox/retry', { id }))).toEqual({ id, status: 'PENDING' });
    expect(await rowOf(id)).toMatchObject({ status: 'PENDING', attempts: 0, updatedBy: 'ADM' });
    const audits = await s.db.select().from(auditLog).where(eq(auditLog.entityId, id));
    expect(audits.map((a) => a.action)).toEqual(['EMAIL_RETRIED']);
    expect(await deliverOutbox(s.db, transport, { now: new Date(Date.now() + 1_000) })).toMatchObject({ sent: 1 });
    expect(smtp.messages).toHaveLength(1);
    expect(codeOf(await s.call(ACCOUNTS.admin, 'notifications/outbox/retry', { id }))).toBe('CONFLICT');
    expect(codeOf(await s.call(ACCOUNTS.admin, 'notifications/outbox/retry', { id: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    expect(codeOf(await s.callRaw(ACCOUNTS.admin, 'notifications/outbox/retry', { id: 'x' }))).toBe('VALIDATION');
    expect(codeOf(await s.callRaw(ACCOUNTS.admin, 'notifications/outbox/list', { status: 'LOST' }))).toBe('VALIDATION');
  });

  it('keeps the outbox from everyone but administrators', async () => {
    const id = await enqueueStep();
    for (const account of [ACCOUNTS.pilot, ACCOUNTS.normalInTeam, ACCOUNTS.itValidator]) {
      expect(codeOf(await s.call(account, 'notifications/outbox/list', {}))).toBe('FORBIDDEN');
      expect(codeOf(await s.call(account, 'notifications/outbox/retry', { id }))).toBe('FORBIDDEN');
    }
    for (const account of [ACCOUNTS.unknown, ACCOUNTS.inactive]) {
      expect(codeOf(await s.call(account, 'notifications/outbox/list', {}))).toBe('UNKNOWN_USER');
      expect(codeOf(await s.call(account, 'notifications/outbox/retry', { id }))).toBe('UNKNOWN_USER');
    }
    expect(await rowOf(id)).toMatchObject({ status: 'PENDING', attempts: 0 });
  });

  it('marks an email FAILED at once when the server refuses every recipient, and SENT when it refuses only some', async () => {
    await s.db.update(teams).set({ email: 'bounce@example.com' }).where(eq(teams.id, s.teams.impacted));
    try {
      const partly = await enqueueStep('partly');
      await s.db.update(teams).set({ email: 'bounce-ops@example.com' }).where(eq(teams.id, s.teams.owner));
      const wholly = await enqueueStep('wholly');
      const report = await deliverOutbox(s.db, transport);
      expect(report).toMatchObject({ claimed: 2, sent: 1, failed: 1 });
      expect(await rowOf(partly)).toMatchObject({ status: 'SENT', lastError: 'Accepted, but the server refused: bounce@example.com' });
      const failed = await rowOf(wholly);
      expect(failed).toMatchObject({ status: 'FAILED', attempts: 1 });
      expect(failed.lastError).toMatch(/550/);
      expect(smtp.messages.map((m) => m.envelopeTo)).toEqual([['ops@example.com']]);
    } finally {
      await s.db.update(teams).set({ email: 'ops@example.com' }).where(eq(teams.id, s.teams.owner));
      await s.db.update(teams).set({ email: 'dba@example.com' }).where(eq(teams.id, s.teams.impacted));
    }
  });

  it('never sends a row twice when deliveries run at the same time', async () => {
    const ids = new Set<string>();
    for (let n = 0; n < 20; n++) ids.add(await enqueueStep(`bulk-${n}`));
    const sendCalls: string[] = [];
    const counting: EmailTransport = {
      name: 'counting',
      async send(email) {
        sendCalls.push(email.id);
        return transport.send(email);
      },
    };
    const reports = await Promise.all([deliverOutbox(s.db, counting, { batchSize: 20 }), deliverOutbox(s.db, counting, { batchSize: 20 })]);
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(20);
    expect(reports.reduce((n, r) => n + r.claimed, 0)).toBe(20);
    expect(smtp.messages).toHaveLength(20);
    expect(new Set(smtp.messages.map((m) => m.headers['x-umig-outbox-id']))).toEqual(ids);
    expect(sendCalls).toHaveLength(20);
    const rows = await s.db.select({ status: emailOutbox.status, attempts: emailOutbox.attempts }).from(emailOutbox);
    expect(rows.every((r) => r.status === 'SENT' && r.attempts === 1)).toBe(true);
  });

  it('shares 20 rows among four looping workers with small batches, each row sent once', async () => {
    for (let n = 0; n < 20; n++) await enqueueStep(`loop-${n}`);
    const worker = async () => {
      let sent = 0;
      for (;;) {
        const report = await deliverOutbox(s.db, transport, { batchSize: 3 });
        if (report.claimed === 0) return sent;
        sent += report.sent;
      }
    };
    const sent = await Promise.all([worker(), worker(), worker(), worker()]);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(20);
    expect(smtp.messages).toHaveLength(20);
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(20);
  });

  it('takes over a row whose worker died while sending, with the same Message-ID', async () => {
    const id = await enqueueStep();
    const crashedAt = new Date(Date.now() - 20 * 60_000);
    await s.db.update(emailOutbox).set({ status: 'SENDING', attempts: 1, claimedAt: crashedAt }).where(eq(emailOutbox.id, id));
    // Within the lease the row is left alone.
    expect((await deliverOutbox(s.db, transport, { leaseMs: 60 * 60_000 })).claimed).toBe(0);
    expect(await deliverOutbox(s.db, transport)).toMatchObject({ claimed: 1, sent: 1 });
    expect(smtp.messages[0]!.messageId).toBe(`<${id}@bank.example>`);
    expect(await rowOf(id)).toMatchObject({ status: 'SENT', attempts: 2 });
  });

  it('delivers with the transport the settings choose, and not at all while emails are off', async () => {
    await setConfig(s.db, { key: 'email.smtp.host', value: '127.0.0.1', by: 'TST' });
    await setConfig(s.db, { key: 'email.smtp.port', value: smtp.port, by: 'TST' });
    await enqueueStep();
    await setConfig(s.db, { key: 'email.enabled', value: false, by: 'TST' });
    expect((await deliverDueEmails(s.db)).claimed).toBe(0);
    await setConfig(s.db, { key: 'email.enabled', value: true, by: 'TST' });
    expect(await deliverDueEmails(s.db)).toMatchObject({ claimed: 1, sent: 1 });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.headers.from).toBe('UMIG <umig@bank.example>');
  });

  it('keeps delivering on a timer until stopped', async () => {
    // The settings of the previous test point at the test server.
    const errors: unknown[] = [];
    const worker = startOutboxWorker(s.db, { intervalMs: 20, logError: (error) => errors.push(error) });
    try {
      const id = await enqueueStep();
      await eventually(() => smtp.messages.length === 1);
      await worker.stop();
      expect(await rowOf(id)).toMatchObject({ status: 'SENT', attempts: 1 });
      expect(errors).toEqual([]);
    } finally {
      await worker.stop();
    }
  });

  describe('through an HTTP email API', () => {
    let api: Server;
    let url: string;
    const received: Array<{ auth: string | undefined; idempotencyKey: string | undefined; body: Record<string, unknown> }> = [];
    let answer = 202;

    beforeAll(async () => {
      api = createServer((req: IncomingMessage, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({
            auth: req.headers.authorization,
            idempotencyKey: req.headers['idempotency-key'] as string | undefined,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          });
          res.statusCode = answer;
          res.end(answer >= 400 ? '{"error":"nope"}' : '{"id":"x"}');
        });
      });
      await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(api.address() as AddressInfo).port}/send`;
    });
    afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));
    beforeEach(() => {
      received.length = 0;
      answer = 202;
    });

    it('posts the email as JSON with the bearer token and the outbox id as idempotency key', async () => {
      const id = await enqueueStep();
      const http = createHttpTransport({ url, token: 's3cret' });
      expect(await deliverOutbox(s.db, http)).toMatchObject({ sent: 1 });
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ auth: 'Bearer s3cret', idempotencyKey: id });
      expect(received[0]!.body).toMatchObject({
        messageId: `<${id}@bank.example>`,
        from: FROM,
        to: ['dba@example.com', 'ops@example.com'],
        subject: `[UMIG] ${s.steps[1]!.code} Step 1.1.2 is now Completed`,
      });
      expect(received[0]!.body.html).toContain('<strong>');
      expect(await rowOf(id)).toMatchObject({ status: 'SENT' });
    });

    it('retries a 5xx and gives up at once on a 422', async () => {
      const id = await enqueueStep();
      const http = createHttpTransport({ url });
      answer = 503;
      expect(await deliverOutbox(s.db, http)).toMatchObject({ retrying: 1 });
      expect(await rowOf(id)).toMatchObject({ status: 'PENDING', lastError: 'The email API answered 503: {"error":"nope"}' });
      answer = 422;
      expect(await deliverOutbox(s.db, http, { now: new Date(Date.now() + 3_600_000) })).toMatchObject({ failed: 1 });
      expect(await rowOf(id)).toMatchObject({ status: 'FAILED', attempts: 2, lastError: 'The email API answered 422: {"error":"nope"}' });
      expect(received[0]!.auth).toBeUndefined();
    });
  });
});
