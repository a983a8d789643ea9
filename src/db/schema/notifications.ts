import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from './people';
import { migrations } from './programme';
import { emailTemplates } from './system';
import { auditColumns, withTz } from './columns';

// Notification emails (migrations/0007_email_outbox.sql): the transactional outbox, the per-user
// opt-out and the per-migration switch. A missing preference or switch row means "on".

export const OUTBOX_EVENT_TYPES = ['STEP_STATUS_CHANGED', 'INSTRUCTION_TOGGLED', 'CONTROL_VERDICT'] as const;
export type OutboxEventType = (typeof OUTBOX_EVENT_TYPES)[number];
export const OUTBOX_STATUSES = ['PENDING', 'SENDING', 'SENT', 'FAILED'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export const emailOutbox = pgTable(
  'email_outbox_eob',
  {
    id: uuid('eob_id').primaryKey().defaultRandom(),
    eventType: varchar('eob_event_type', { length: 50 }).$type<OutboxEventType>().notNull(),
    /** The step, instruction or control instance the event is about; no FK, the email outlives it. */
    entityId: uuid('eob_entity_id').notNull(),
    templateId: uuid('emt_id').references(() => emailTemplates.id, { onDelete: 'set null' }),
    recipients: jsonb('eob_recipients').$type<string[]>().notNull(),
    subject: text('eob_subject').notNull(),
    bodyHtml: text('eob_body_html').notNull(),
    bodyText: text('eob_body_text').notNull(),
    status: varchar('eob_status', { length: 10 }).$type<OutboxStatus>().notNull().default('PENDING'),
    attempts: integer('eob_attempts').notNull().default(0),
    nextAttemptAt: timestamp('eob_next_attempt_at', withTz).notNull().defaultNow(),
    claimedAt: timestamp('eob_claimed_at', withTz),
    lastError: text('eob_last_error'),
    sentAt: timestamp('eob_sent_at', withTz),
    dedupeKey: varchar('eob_dedupe_key', { length: 255 }).notNull(),
    ...auditColumns(),
  },
  (t) => [
    uniqueIndex('uq_eob_dedupe_key').on(t.dedupeKey),
    index('idx_eob_status_next_attempt').on(t.status, t.nextAttemptAt),
    index('idx_eob_audit').on(t.createdAt),
    check('email_outbox_eob_eob_event_type_check', sql`${t.eventType} IN ('STEP_STATUS_CHANGED', 'INSTRUCTION_TOGGLED', 'CONTROL_VERDICT')`),
    check('email_outbox_eob_eob_recipients_check', sql`jsonb_typeof(${t.recipients}) = 'array' AND jsonb_array_length(${t.recipients}) > 0`),
    check('email_outbox_eob_eob_status_check', sql`${t.status} IN ('PENDING', 'SENDING', 'SENT', 'FAILED')`),
    check('email_outbox_eob_eob_attempts_check', sql`${t.attempts} >= 0`),
  ],
);

/** A user's opt-out; applies to the user's own address, not to team mailboxes. */
export const notificationPreferences = pgTable('notification_preferences_npr', {
  userId: integer('usr_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  emailEnabled: boolean('npr_email_enabled').notNull().default(true),
  updatedBy: varchar('updated_by', { length: 255 }).default('system'),
  updatedAt: timestamp('updated_at', withTz).defaultNow(),
});

/** Off: nothing is enqueued for the migration's steps, instructions and controls. */
export const migrationNotificationSettings = pgTable('migration_notification_settings_mns', {
  migrationId: uuid('mig_id')
    .primaryKey()
    .references(() => migrations.id, { onDelete: 'cascade' }),
  emailEnabled: boolean('mns_email_enabled').notNull().default(true),
  updatedBy: varchar('updated_by', { length: 255 }).default('system'),
  updatedAt: timestamp('updated_at', withTz).defaultNow(),
});

export type EmailOutboxRow = typeof emailOutbox.$inferSelect;
export type NewEmailOutboxRow = typeof emailOutbox.$inferInsert;
export type NotificationPreferenceRow = typeof notificationPreferences.$inferSelect;
export type NewNotificationPreferenceRow = typeof notificationPreferences.$inferInsert;
export type MigrationNotificationSettingRow = typeof migrationNotificationSettings.$inferSelect;
export type NewMigrationNotificationSettingRow = typeof migrationNotificationSettings.$inferInsert;
