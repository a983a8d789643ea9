import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { auditColumns, withTz } from './columns';

// Lookup tables every other area points at. Names of tables, columns, sequences, indexes and
// constraints are the database's (0001_seed_schema.sql); test/integration/schema-drift.test.ts
// fails when this file and the migrations disagree.

/** Status ids are fixed per entity type (Migration 1-4 … Control 28-31): see docs/decisions.md. */
export const statuses = pgTable(
  'status_sts',
  {
    id: integer('sts_id').primaryKey().default(sql`nextval('status_sts_sts_id_seq'::regclass)`),
    name: varchar('sts_name', { length: 50 }).notNull(),
    color: varchar('sts_color', { length: 7 }).notNull(),
    type: varchar('sts_type', { length: 20 }).notNull(),
    // The seed carries both audit pairs (created_date/updated_date and created_at/updated_at).
    createdDate: timestamp('created_date', withTz).defaultNow(),
    updatedDate: timestamp('updated_date', withTz).defaultNow(),
    createdBy: varchar('created_by', { length: 100 }).default('system'),
    updatedBy: varchar('updated_by', { length: 100 }).default('system'),
    createdAt: timestamp('created_at', withTz).defaultNow(),
    updatedAt: timestamp('updated_at', withTz).defaultNow(),
  },
  (t) => [
    uniqueIndex('uq_status_sts_name_type').on(t.name, t.type),
    index('idx_status_sts_type').on(t.type),
    index('idx_status_sts_name').on(t.name),
    check('status_sts_sts_color_check', sql`${t.color} ~ '^#[0-9A-Fa-f]{6}$'`),
    check(
      'status_sts_sts_type_check',
      sql`${t.type} IN ('Migration', 'Iteration', 'Plan', 'Sequence', 'Phase', 'Step', 'Control')`,
    ),
  ],
);

export const stepTypes = pgTable('step_types_stt', {
  code: varchar('stt_code', { length: 3 }).primaryKey(),
  name: varchar('stt_name', { length: 50 }).notNull(),
  description: text('stt_description'),
  ...auditColumns(),
});

export const iterationTypes = pgTable(
  'iteration_types_itt',
  {
    code: varchar('itt_code', { length: 10 }).primaryKey(),
    name: varchar('itt_name', { length: 100 }).notNull(),
    description: text('itt_description'),
    color: varchar('itt_color', { length: 10 }).default('#6B73FF'),
    icon: varchar('itt_icon', { length: 50 }).default('play-circle'),
    displayOrder: integer('itt_display_order').default(0),
    active: boolean('itt_active').default(true),
    ...auditColumns(),
  },
  (t) => [
    index('idx_iteration_types_display_order').on(t.displayOrder, t.active),
    index('idx_iteration_types_active').on(t.active),
  ],
);

export const roles = pgTable(
  'roles_rls',
  {
    id: integer('rls_id').primaryKey().default(sql`nextval('roles_rls_rls_id_seq'::regclass)`),
    code: varchar('rls_code', { length: 10 }),
    description: text('rls_description'),
    ...auditColumns(),
  },
  (t) => [uniqueIndex('roles_rls_rls_code_key').on(t.code)],
);

export const environmentRoles = pgTable(
  'environment_roles_enr',
  {
    id: integer('enr_id').primaryKey().default(sql`nextval('environment_roles_enr_enr_id_seq'::regclass)`),
    name: varchar('enr_name', { length: 50 }).notNull(),
    description: text('enr_description'),
    ...auditColumns(),
  },
  (t) => [uniqueIndex('environment_roles_enr_enr_name_key').on(t.name)],
);

/** The seed declares this one with SERIAL and UNIQUE: a real unique constraint, timestamps without time zone. */
export const migrationTypes = pgTable(
  'migration_types_mit',
  {
    id: integer('mit_id').primaryKey().default(sql`nextval('migration_types_mit_mit_id_seq'::regclass)`),
    code: varchar('mit_code', { length: 20 }).notNull().unique('migration_types_mit_mit_code_key'),
    name: varchar('mit_name', { length: 100 }).notNull(),
    description: text('mit_description'),
    color: varchar('mit_color', { length: 10 }).default('#6B73FF'),
    icon: varchar('mit_icon', { length: 50 }).default('layers'),
    displayOrder: integer('mit_display_order').default(0),
    active: boolean('mit_active').default(true),
    createdAt: timestamp('created_at', { withTimezone: false, mode: 'date' }).defaultNow(),
    createdBy: varchar('created_by', { length: 255 }),
    updatedAt: timestamp('updated_at', { withTimezone: false, mode: 'date' }).defaultNow(),
    updatedBy: varchar('updated_by', { length: 255 }),
  },
  (t) => [
    index('idx_migration_types_display_order').on(t.displayOrder, t.active),
    index('idx_migration_types_active').on(t.active),
    index('idx_migration_types_code').on(t.code),
  ],
);

export type StatusRow = typeof statuses.$inferSelect;
export type NewStatusRow = typeof statuses.$inferInsert;
export type StepTypeRow = typeof stepTypes.$inferSelect;
export type NewStepTypeRow = typeof stepTypes.$inferInsert;
export type IterationTypeRow = typeof iterationTypes.$inferSelect;
export type NewIterationTypeRow = typeof iterationTypes.$inferInsert;
export type RoleRow = typeof roles.$inferSelect;
export type NewRoleRow = typeof roles.$inferInsert;
export type EnvironmentRoleRow = typeof environmentRoles.$inferSelect;
export type NewEnvironmentRoleRow = typeof environmentRoles.$inferInsert;
export type MigrationTypeRow = typeof migrationTypes.$inferSelect;
export type NewMigrationTypeRow = typeof migrationTypes.$inferInsert;
