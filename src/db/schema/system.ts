import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { environments } from './catalog';
import { users } from './people';
import { withTz } from './columns';

export const systemConfiguration = pgTable(
  'system_configuration_scf',
  {
    id: uuid('scf_id').primaryKey().defaultRandom(),
    environmentId: integer('env_id')
      .notNull()
      .references(() => environments.id),
    key: varchar('scf_key', { length: 255 }).notNull(),
    category: varchar('scf_category', { length: 50 }),
    value: text('scf_value'),
    description: text('scf_description'),
    isActive: boolean('scf_is_active').default(true),
    isSystemManaged: boolean('scf_is_system_managed').default(false),
    dataType: varchar('scf_data_type', { length: 20 }).default('STRING'),
    validationPattern: varchar('scf_validation_pattern', { length: 500 }),
    createdBy: varchar('created_by', { length: 255 }),
    createdAt: timestamp('created_at', withTz).defaultNow(),
    updatedBy: varchar('updated_by', { length: 255 }),
    updatedAt: timestamp('updated_at', withTz),
  },
  (t) => [
    uniqueIndex('unique_scf_key_per_env').on(t.environmentId, t.key),
    index('idx_scf_env_category').on(t.environmentId, t.category),
    index('idx_scf_key_active').on(t.key, t.isActive),
    index('idx_scf_category_active').on(t.category, t.isActive),
    index('idx_scf_audit').on(t.createdAt),
    check('system_configuration_scf_scf_category_check', sql`${t.category} IN ('MACRO_LOCATION', 'API_CONFIG', 'SYSTEM_SETTING')`),
    check('system_configuration_scf_scf_data_type_check', sql`${t.dataType} IN ('STRING', 'NUMBER', 'BOOLEAN', 'JSON')`),
  ],
);

export const emailTemplates = pgTable(
  'email_templates_emt',
  {
    id: uuid('emt_id').primaryKey().defaultRandom(),
    type: varchar('emt_type', { length: 50 }),
    name: varchar('emt_name', { length: 255 }),
    subject: text('emt_subject'),
    bodyHtml: text('emt_body_html'),
    bodyText: text('emt_body_text'),
    isActive: boolean('emt_is_active').default(true),
    createdAt: timestamp('created_at', withTz).defaultNow(),
    updatedAt: timestamp('updated_at', withTz),
    createdBy: varchar('created_by', { length: 255 }),
    updatedBy: varchar('updated_by', { length: 255 }),
  },
  (t) => [
    uniqueIndex('email_templates_emt_emt_name_key').on(t.name),
    index('idx_emt_type').on(t.type).where(sql`emt_is_active = true`),
    index('idx_emt_name').on(t.name),
    check('email_templates_emt_emt_type_check', sql`${t.type} IN ('STEP_NOTIFICATION', 'MIGRATION_UPDATE', 'SYSTEM_ALERT')`),
  ],
);

export const auditLog = pgTable(
  'audit_log_aud',
  {
    id: uuid('aud_id').primaryKey().defaultRandom(),
    userId: integer('usr_id').references(() => users.id),
    action: varchar('aud_action', { length: 100 }),
    entityType: varchar('aud_entity_type', { length: 100 }),
    entityId: varchar('aud_entity_id', { length: 255 }),
    details: jsonb('aud_details'),
    timestamp: timestamp('aud_timestamp', withTz).defaultNow(),
    ipAddress: varchar('aud_ip_address', { length: 45 }),
    userAgent: text('aud_user_agent'),
  },
  (t) => [index('idx_aud_entity').on(t.entityType, t.entityId, t.timestamp)],
);

// The Liquibase bookkeeping tables, created and written by src/db/migrator.ts (raw SQL, before
// any migration has run); declared here so the schema covers the whole database.

/** One row per applied migration file; Liquibase's layout, which has no primary key. */
export const changelog = pgTable('databasechangelog', {
  id: varchar('id', { length: 255 }).notNull(),
  author: varchar('author', { length: 255 }).notNull(),
  filename: varchar('filename', { length: 255 }).notNull(),
  dateExecuted: timestamp('dateexecuted', { withTimezone: false, mode: 'date' }).notNull(),
  orderExecuted: integer('orderexecuted').notNull(),
  execType: varchar('exectype', { length: 10 }).notNull(),
  md5sum: varchar('md5sum', { length: 35 }),
  description: varchar('description', { length: 255 }),
  comments: varchar('comments', { length: 255 }),
  tag: varchar('tag', { length: 255 }),
  liquibase: varchar('liquibase', { length: 20 }),
  contexts: varchar('contexts', { length: 255 }),
  labels: varchar('labels', { length: 255 }),
  deploymentId: varchar('deployment_id', { length: 10 }),
});

export const changelogLock = pgTable('databasechangeloglock', {
  id: integer('id').primaryKey(),
  locked: boolean('locked').notNull(),
  lockGranted: timestamp('lockgranted', { withTimezone: false, mode: 'date' }),
  lockedBy: varchar('lockedby', { length: 255 }),
});

export type SystemConfigurationRow = typeof systemConfiguration.$inferSelect;
export type NewSystemConfigurationRow = typeof systemConfiguration.$inferInsert;
export type EmailTemplateRow = typeof emailTemplates.$inferSelect;
export type NewEmailTemplateRow = typeof emailTemplates.$inferInsert;
export type AuditLogRow = typeof auditLog.$inferSelect;
export type NewAuditLogRow = typeof auditLog.$inferInsert;
export type ChangelogRow = typeof changelog.$inferSelect;
export type NewChangelogRow = typeof changelog.$inferInsert;
export type ChangelogLockRow = typeof changelogLock.$inferSelect;
export type NewChangelogLockRow = typeof changelogLock.$inferInsert;
