import { sql } from 'drizzle-orm';
import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { masterControls, masterSteps } from './master';
import { teams } from './people';
import { migrations } from './programme';
import { auditColumns, withTz } from './columns';

export const applications = pgTable(
  'applications_app',
  {
    id: integer('app_id').primaryKey().default(sql`nextval('applications_app_app_id_seq'::regclass)`),
    code: varchar('app_code', { length: 50 }).notNull(),
    name: varchar('app_name', { length: 64 }),
    description: text('app_description'),
    ...auditColumns(),
  },
  (t) => [uniqueIndex('applications_app_app_code_key').on(t.code), index('idx_app_audit').on(t.createdAt)],
);

export const environments = pgTable(
  'environments_env',
  {
    id: integer('env_id').primaryKey().default(sql`nextval('environments_env_env_id_seq'::regclass)`),
    code: varchar('env_code', { length: 10 }),
    name: varchar('env_name', { length: 64 }),
    description: text('env_description'),
    ...auditColumns(),
  },
  (t) => [uniqueIndex('environments_env_env_code_key').on(t.code), index('idx_env_audit').on(t.createdAt)],
);

export const environmentApplications = pgTable(
  'environments_env_x_applications_app',
  {
    environmentId: integer('env_id')
      .notNull()
      .references(() => environments.id),
    applicationId: integer('app_id')
      .notNull()
      .references(() => applications.id),
  },
  (t) => [primaryKey({ name: 'environments_env_x_applications_app_pkey', columns: [t.environmentId, t.applicationId] })],
);

export const teamApplications = pgTable(
  'teams_tms_x_applications_app',
  {
    teamId: integer('tms_id')
      .notNull()
      .references(() => teams.id),
    applicationId: integer('app_id')
      .notNull()
      .references(() => applications.id),
    createdAt: timestamp('created_at', withTz).defaultNow(),
  },
  (t) => [primaryKey({ name: 'teams_tms_x_applications_app_pkey', columns: [t.teamId, t.applicationId] })],
);

/** Labels belong to one migration; `createdBy` is a users_usr id here, not a usr_code as elsewhere. */
export const labels = pgTable(
  'labels_lbl',
  {
    id: integer('lbl_id').primaryKey().default(sql`nextval('labels_lbl_lbl_id_seq'::regclass)`),
    migrationId: uuid('mig_id')
      .notNull()
      .references(() => migrations.id, { onDelete: 'cascade' }),
    name: text('lbl_name').notNull(),
    description: text('lbl_description'),
    color: varchar('lbl_color', { length: 7 }),
    createdAt: timestamp('created_at', withTz).defaultNow(),
    createdBy: integer('created_by'),
  },
  (t) => [uniqueIndex('uq_labels_lbl_mig_id_lbl_name').on(t.migrationId, t.name), index('idx_lbl_audit').on(t.createdAt)],
);

export const stepLabels = pgTable(
  'labels_lbl_x_steps_master_stm',
  {
    id: integer('lbl_x_stm_id').primaryKey().default(sql`nextval('labels_lbl_x_steps_master_stm_lbl_x_stm_id_seq'::regclass)`),
    labelId: integer('lbl_id')
      .notNull()
      .references(() => labels.id, { onDelete: 'cascade' }),
    masterStepId: uuid('stm_id')
      .notNull()
      .references(() => masterSteps.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', withTz).defaultNow(),
    createdBy: varchar('created_by', { length: 255 }),
  },
  (t) => [
    uniqueIndex('uq_labels_lbl_x_steps_master_stm_lbl_id_stm_id').on(t.labelId, t.masterStepId),
    index('idx_lbl_x_stm_stm_id').on(t.masterStepId),
  ],
);

export const applicationLabels = pgTable(
  'labels_lbl_x_applications_app',
  {
    id: integer('lbl_x_app_id').primaryKey().default(sql`nextval('labels_lbl_x_applications_app_lbl_x_app_id_seq'::regclass)`),
    labelId: integer('lbl_id')
      .notNull()
      .references(() => labels.id, { onDelete: 'cascade' }),
    applicationId: integer('app_id')
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', withTz).defaultNow(),
    createdBy: varchar('created_by', { length: 255 }),
  },
  (t) => [uniqueIndex('uq_lbl_x_app').on(t.labelId, t.applicationId)],
);

export const controlLabels = pgTable(
  'labels_lbl_x_controls_master_ctm',
  {
    id: integer('lbl_x_ctm_id').primaryKey().default(sql`nextval('labels_lbl_x_controls_master_ctm_lbl_x_ctm_id_seq'::regclass)`),
    labelId: integer('lbl_id')
      .notNull()
      .references(() => labels.id, { onDelete: 'cascade' }),
    masterControlId: uuid('ctm_id')
      .notNull()
      .references(() => masterControls.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', withTz).defaultNow(),
    createdBy: varchar('created_by', { length: 255 }),
  },
  (t) => [uniqueIndex('uq_labels_lbl_x_controls_master_ctm_lbl_id_ctm_id').on(t.labelId, t.masterControlId)],
);

export type ApplicationRow = typeof applications.$inferSelect;
export type NewApplicationRow = typeof applications.$inferInsert;
export type EnvironmentRow = typeof environments.$inferSelect;
export type NewEnvironmentRow = typeof environments.$inferInsert;
export type EnvironmentApplicationRow = typeof environmentApplications.$inferSelect;
export type NewEnvironmentApplicationRow = typeof environmentApplications.$inferInsert;
export type TeamApplicationRow = typeof teamApplications.$inferSelect;
export type NewTeamApplicationRow = typeof teamApplications.$inferInsert;
export type LabelRow = typeof labels.$inferSelect;
export type NewLabelRow = typeof labels.$inferInsert;
export type StepLabelRow = typeof stepLabels.$inferSelect;
export type NewStepLabelRow = typeof stepLabels.$inferInsert;
export type ApplicationLabelRow = typeof applicationLabels.$inferSelect;
export type NewApplicationLabelRow = typeof applicationLabels.$inferInsert;
export type ControlLabelRow = typeof controlLabels.$inferSelect;
export type NewControlLabelRow = typeof controlLabels.$inferInsert;
