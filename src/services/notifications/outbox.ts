import { and, desc, eq, sql } from 'drizzle-orm';
import { LIST_PAGE_MAX, clampPage } from '../../domain/paging';
import { pageShape } from '../paging';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { queryRows } from '../../db/query';
import { emailOutbox, OUTBOX_STATUSES, type OutboxStatus } from '../../db/schema';
import { isAdministrator } from '../../domain/access/permissions';
import { domainError } from '../../domain/errors';
import { recordAudit } from '../audit';
import { getConfig } from '../configuration/settings';
import type { ServiceContext } from '../context';
import { type EmailTransport, PermanentDeliveryError } from './transports';

/**
 * Delivery of the outbox. A worker claims due rows in one atomic UPDATE … FOR UPDATE SKIP LOCKED
 * (PENDING -> SENDING), so two workers never hold the same row; it marks a row SENT only after the
 * transport accepted the message. That is at-least-once, not exactly-once: a worker that dies
 * between the server's acceptance and the SENT update leaves the row SENDING, and once the claim's
 * lease runs out another worker sends it again. The Message-ID (and the HTTP Idempotency-Key) is
 * the outbox id, so a receiving server or API that deduplicates drops that second copy.
 */

export interface DeliverOptions {
  /** The clock (tests move it forward to reach backed-off rows). */
  now?: Date;
  /** Rows claimed per call. */
  batchSize?: number;
  /** After this many failed attempts a row is FAILED and waits for an administrator. */
  maxAttempts?: number;
  /** Sender; default: the setting email.from. */
  from?: string;
  /** Wait before the second attempt; it doubles with each further attempt, up to backoffMaxMs. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A SENDING row claimed longer ago than this belonged to a worker that died; it is taken over. */
  leaseMs?: number;
}

export const DEFAULT_DELIVERY = {
  batchSize: 50,
  maxAttempts: 5,
  backoffBaseMs: 60_000,
  backoffMaxMs: 3_600_000,
  leaseMs: 15 * 60_000,
} as const;

export interface DeliveryReport {
  claimed: number;
  sent: number;
  /** Failed this time, to be tried again later. */
  retrying: number;
  /** Failed for good (permanent refusal or the last attempt). */
  failed: number;
}

/** Wait after the given (1-based) failed attempt: base, 2 x base, 4 x base … capped. */
export function backoffDelayMs(attempt: number, baseMs: number = DEFAULT_DELIVERY.backoffBaseMs, maxMs: number = DEFAULT_DELIVERY.backoffMaxMs): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

const MAX_ERROR_LENGTH = 1_000;

function describeError(error: unknown): string {
  const base = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown; responseCode?: unknown } | null) ?? {};
  const parts = [typeof code.code === 'string' ? code.code : null, typeof code.responseCode === 'number' ? String(code.responseCode) : null].filter(Boolean);
  const text = parts.length > 0 && !base.includes(parts.join(' ')) ? `${parts.join(' ')}: ${base}` : base;
  return text.slice(0, MAX_ERROR_LENGTH) || 'The transport failed without saying why.';
}

interface ClaimedRow {
  id: string;
  recipients: string[];
  subject: string;
  html: string;
  text: string;
  attempts: number;
  claimed_at: string;
}

/**
 * Sends the due emails of the outbox once: claims up to batchSize rows, sends them one by one,
 * marks each SENT, or PENDING again with exponential backoff, or FAILED (permanent refusal or
 * maxAttempts reached) with the error kept for administrators. Safe to run from several service
 * instances at once.
 */
export async function deliverOutbox(db: DbOrTx, transport: EmailTransport, options: DeliverOptions = {}): Promise<DeliveryReport> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? DEFAULT_DELIVERY.batchSize;
  const maxAttempts = options.maxAttempts ?? DEFAULT_DELIVERY.maxAttempts;
  const leaseExpired = new Date(now.getTime() - (options.leaseMs ?? DEFAULT_DELIVERY.leaseMs));
  const report: DeliveryReport = { claimed: 0, sent: 0, retrying: 0, failed: 0 };

  const claimed = await queryRows<ClaimedRow>(
    db,
    sql`UPDATE email_outbox_eob o
           SET eob_status = 'SENDING', eob_attempts = o.eob_attempts + 1, eob_claimed_at = ${now.toISOString()}::timestamptz,
               updated_at = ${now.toISOString()}::timestamptz
         WHERE o.eob_id IN (
               SELECT eob_id FROM email_outbox_eob
                WHERE (eob_status = 'PENDING' AND eob_next_attempt_at <= ${now.toISOString()}::timestamptz)
                   OR (eob_status = 'SENDING' AND eob_claimed_at < ${leaseExpired.toISOString()}::timestamptz)
                ORDER BY eob_next_attempt_at, created_at
                LIMIT ${batchSize}
                FOR UPDATE SKIP LOCKED)
     RETURNING o.eob_id AS id, o.eob_recipients AS recipients, o.eob_subject AS subject, o.eob_body_html AS html,
               o.eob_body_text AS text, o.eob_attempts AS attempts, o.eob_claimed_at::text AS claimed_at`,
  );
  report.claimed = claimed.length;
  if (claimed.length === 0) return report;
  const from = options.from ?? (await getConfig(db, null, 'email.from'));

  for (const row of claimed) {
    // Only the claim that is still ours may settle the row: a worker past its lease must not
    // overwrite the outcome of the worker that took the row over.
    const ours = and(eq(emailOutbox.id, row.id), eq(emailOutbox.status, 'SENDING'), sql`${emailOutbox.claimedAt} = ${row.claimed_at}::timestamptz`);
    try {
      const result = await transport.send({ id: row.id, from, to: row.recipients, subject: row.subject, html: row.html, text: row.text });
      const refused = result.rejected.length > 0 ? `Accepted, but the server refused: ${result.rejected.join(', ')}`.slice(0, MAX_ERROR_LENGTH) : null;
      await db
        .update(emailOutbox)
        .set({ status: 'SENT', sentAt: now, claimedAt: null, lastError: refused, updatedAt: now })
        .where(ours);
      report.sent += 1;
    } catch (error) {
      const lastError = describeError(error);
      if (error instanceof PermanentDeliveryError || row.attempts >= maxAttempts) {
        await db.update(emailOutbox).set({ status: 'FAILED', claimedAt: null, lastError, updatedAt: now }).where(ours);
        report.failed += 1;
      } else {
        const next = new Date(now.getTime() + backoffDelayMs(row.attempts, options.backoffBaseMs, options.backoffMaxMs));
        await db.update(emailOutbox).set({ status: 'PENDING', claimedAt: null, nextAttemptAt: next, lastError, updatedAt: now }).where(ours);
        report.retrying += 1;
      }
    }
  }
  return report;
}

// Administration of the outbox.

export const listOutboxInput = z
  .strictObject({
    status: z.enum(OUTBOX_STATUSES).optional(),
    ...pageShape,
  })
  .optional();
export type ListOutboxInput = z.output<typeof listOutboxInput>;

export interface OutboxEntry {
  id: string;
  eventType: string;
  entityId: string;
  recipients: string[];
  subject: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  sentAt: Date | null;
  createdBy: string | null;
  createdAt: Date | null;
}

/** The newest outbox rows, optionally of one status, with the last error of each. */
export async function listOutbox(ctx: ServiceContext, input: ListOutboxInput): Promise<OutboxEntry[]> {
  if (!isAdministrator(ctx.actor)) throw domainError('FORBIDDEN', 'Only administrators can see the email outbox.');
  return ctx.db
    .select({
      id: emailOutbox.id,
      eventType: emailOutbox.eventType,
      entityId: emailOutbox.entityId,
      recipients: emailOutbox.recipients,
      subject: emailOutbox.subject,
      status: emailOutbox.status,
      attempts: emailOutbox.attempts,
      nextAttemptAt: emailOutbox.nextAttemptAt,
      lastError: emailOutbox.lastError,
      sentAt: emailOutbox.sentAt,
      createdBy: emailOutbox.createdBy,
      createdAt: emailOutbox.createdAt,
    })
    .from(emailOutbox)
    .where(input?.status ? eq(emailOutbox.status, input.status) : undefined)
    .orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
    .limit(Math.min(input?.limit ?? 100, LIST_PAGE_MAX))
    .offset(clampPage(input).offset);
}

export const retryOutboxInput = z.strictObject({ id: z.uuid() });
export type RetryOutboxInput = z.output<typeof retryOutboxInput>;

/**
 * Puts a FAILED email back in the queue with a fresh set of attempts (after the administrator fixed
 * the mail settings or the address). A PENDING one is just made due now; SENT and SENDING are
 * refused, since resending could deliver twice.
 */
export async function retryOutbox(ctx: ServiceContext, input: RetryOutboxInput): Promise<{ id: string; status: OutboxStatus }> {
  if (!isAdministrator(ctx.actor)) throw domainError('FORBIDDEN', 'Only administrators can retry an email.');
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: emailOutbox.id, status: emailOutbox.status, attempts: emailOutbox.attempts, lastError: emailOutbox.lastError })
      .from(emailOutbox)
      .where(eq(emailOutbox.id, input.id))
      .for('update');
    if (!row) throw domainError('NOT_FOUND', 'That email is not in the outbox.');
    if (row.status === 'SENT') throw domainError('CONFLICT', 'That email was already sent; retrying it would send it twice.');
    if (row.status === 'SENDING') throw domainError('CONFLICT', 'That email is being sent right now.');
    await tx
      .update(emailOutbox)
      .set({ status: 'PENDING', attempts: row.status === 'FAILED' ? 0 : row.attempts, nextAttemptAt: now, claimedAt: null, updatedBy: ctx.actor.code, updatedAt: now })
      .where(eq(emailOutbox.id, row.id));
    await recordAudit(tx, ctx.actor, {
      action: 'EMAIL_RETRIED',
      entityType: 'email_outbox_eob',
      entityId: row.id,
      before: { status: row.status, attempts: row.attempts, lastError: row.lastError },
      after: { status: 'PENDING' },
    });
    return { id: row.id, status: 'PENDING' as const };
  });
}
