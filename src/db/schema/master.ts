import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { teams, users } from './people';
import { environmentRoles, iterationTypes, statuses, stepTypes } from './reference';
import { auditColumns, withTz } from './columns';

// The templates a plan instance is copied from: plan > sequences > phases > steps > instructions,
// with controls per phase.

export const masterPlans = pgTable(
  'plans_master_plm',
  {
    id: uuid('plm_id').primaryKey().defaultRandom(),
    teamId: integer('tms_id')
      .notNull()
      .references(() => teams.id),
    name: varchar('plm_name', { length: 255 }).notNull(),
    description: text('plm_description'),
    ...auditColumns(),
    statusId: integer('plm_status')
      .notNull()
      .references(() => statuses.id),
  },
  (t) => [index('idx_plans_master_plm_status_id').on(t.statusId)],
);

export const masterSequences = pgTable(
  'sequences_master_sqm',
  {
    id: uuid('sqm_id').primaryKey().defaultRandom(),
    planId: uuid('plm_id')
      .notNull()
      .references(() => masterPlans.id),
    order: integer('sqm_order'),
    name: varchar('sqm_name', { length: 255 }),
    description: text('sqm_description'),
    predecessorId: uuid('predecessor_sqm_id').references((): AnyPgColumn => masterSequences.id),
    ...auditColumns(),
  },
  (t) => [index('idx_sqm_audit').on(t.createdAt), index('idx_sqm_plm_id').on(t.planId)],
);

export const masterPhases = pgTable(
  'phases_master_phm',
  {
    id: uuid('phm_id').primaryKey().defaultRandom(),
    sequenceId: uuid('sqm_id')
      .notNull()
      .references(() => masterSequences.id),
    order: integer('phm_order'),
    name: varchar('phm_name', { length: 255 }),
    description: text('phm_description'),
    predecessorId: uuid('predecessor_phm_id').references((): AnyPgColumn => masterPhases.id),
    ...auditColumns(),
  },
  (t) => [index('idx_phm_audit').on(t.createdAt), index('idx_phm_sqm_id').on(t.sequenceId)],
);

export const masterSteps = pgTable(
  'steps_master_stm',
  {
    id: uuid('stm_id').primaryKey().defaultRandom(),
    phaseId: uuid('phm_id')
      .notNull()
      .references(() => masterPhases.id),
    ownerTeamId: integer('tms_id_owner').references(() => teams.id),
    stepTypeCode: varchar('stt_code', { length: 3 }).references(() => stepTypes.code),
    number: integer('stm_number'),
    code: varchar('stm_code', { length: 50 }),
    name: varchar('stm_name', { length: 255 }),
    description: text('stm_description'),
    durationMinutes: integer('stm_duration_minutes'),
    predecessorId: uuid('stm_id_predecessor').references((): AnyPgColumn => masterSteps.id),
    targetEnvironmentRoleId: integer('enr_id_target').references(() => environmentRoles.id),
    environmentRoleId: integer('enr_id').references(() => environmentRoles.id),
    ...auditColumns(),
  },
  (t) => [
    uniqueIndex('steps_master_stm_phm_id_stt_code_stm_number_key').on(t.phaseId, t.stepTypeCode, t.number),
    index('idx_steps_master_stm_enr_id').on(t.environmentRoleId),
    index('idx_stm_audit').on(t.createdAt),
    index('idx_stm_phm_id').on(t.phaseId),
  ],
);

export const masterControls = pgTable(
  'controls_master_ctm',
  {
    id: uuid('ctm_id').primaryKey().defaultRandom(),
    phaseId: uuid('phm_id')
      .notNull()
      .references(() => masterPhases.id),
    code: varchar('ctm_code', { length: 50 }),
    order: integer('ctm_order'),
    name: varchar('ctm_name', { length: 255 }),
    description: text('ctm_description'),
    type: varchar('ctm_type', { length: 50 }),
    isCritical: boolean('ctm_is_critical').default(false),
    ...auditColumns(),
  },
  // uq_ctm_code is global, not per plan: two master plans cannot share a control code.
  (t) => [uniqueIndex('uq_ctm_code').on(t.code), index('idx_ctm_audit').on(t.createdAt), index('idx_ctm_phm_id').on(t.phaseId)],
);

export const masterInstructions = pgTable(
  'instructions_master_inm',
  {
    id: uuid('inm_id').primaryKey().defaultRandom(),
    stepId: uuid('stm_id')
      .notNull()
      .references(() => masterSteps.id),
    teamId: integer('tms_id').references(() => teams.id),
    controlId: uuid('ctm_id').references(() => masterControls.id),
    order: integer('inm_order').notNull(),
    body: text('inm_body'),
    durationMinutes: integer('inm_duration_minutes'),
    ...auditColumns(),
  },
  (t) => [index('idx_inm_audit').on(t.createdAt), index('idx_inm_stm_id').on(t.stepId)],
);

/** The iteration types (RUN, DR, CUTOVER…) a master step takes part in. */
export const masterStepIterationTypes = pgTable(
  'steps_master_stm_x_iteration_types_itt',
  {
    stepId: uuid('stm_id')
      .notNull()
      .references(() => masterSteps.id, { onDelete: 'cascade' }),
    iterationTypeCode: varchar('itt_code', { length: 10 })
      .notNull()
      .references(() => iterationTypes.code, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ name: 'steps_master_stm_x_iteration_types_itt_pkey', columns: [t.stepId, t.iterationTypeCode] }),
    // The seed adds this unique index on top of the identical primary key.
    uniqueIndex('pk_stm_itt').on(t.stepId, t.iterationTypeCode),
  ],
);

export const masterStepImpactedTeams = pgTable(
  'steps_master_stm_x_teams_tms_impacted',
  {
    stepId: uuid('stm_id')
      .notNull()
      .references(() => masterSteps.id, { onDelete: 'cascade' }),
    teamId: integer('tms_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ name: 'steps_master_stm_x_teams_tms_impacted_pkey', columns: [t.stepId, t.teamId] }),
    // The seed adds this unique index on top of the identical primary key.
    uniqueIndex('pk_stm_tms_impacted').on(t.stepId, t.teamId),
    index('idx_stm_x_tms_impacted_tms_id').on(t.teamId),
  ],
);

/** Pilot notes on a master step; `createdBy`/`updatedBy` are users_usr ids here, not usr_codes. */
export const pilotComments = pgTable(
  'step_pilot_comments_spc',
  {
    id: integer('spc_id').primaryKey().default(sql`nextval('step_pilot_comments_spc_spc_id_seq'::regclass)`),
    stepId: uuid('stm_id')
      .notNull()
      .references(() => masterSteps.id, { onDelete: 'cascade' }),
    body: text('comment_body'),
    author: varchar('author', { length: 255 }),
    createdAt: timestamp('created_at', withTz).defaultNow(),
    visibility: varchar('visibility', { length: 50 }),
    createdBy: integer('created_by').references(() => users.id),
    updatedBy: integer('updated_by').references(() => users.id),
  },
  (t) => [index('idx_spc_stm_id').on(t.stepId)],
);

export type MasterPlanRow = typeof masterPlans.$inferSelect;
export type NewMasterPlanRow = typeof masterPlans.$inferInsert;
export type MasterSequenceRow = typeof masterSequences.$inferSelect;
export type NewMasterSequenceRow = typeof masterSequences.$inferInsert;
export type MasterPhaseRow = typeof masterPhases.$inferSelect;
export type NewMasterPhaseRow = typeof masterPhases.$inferInsert;
export type MasterStepRow = typeof masterSteps.$inferSelect;
export type NewMasterStepRow = typeof masterSteps.$inferInsert;
export type MasterControlRow = typeof masterControls.$inferSelect;
export type NewMasterControlRow = typeof masterControls.$inferInsert;
export type MasterInstructionRow = typeof masterInstructions.$inferSelect;
export type NewMasterInstructionRow = typeof masterInstructions.$inferInsert;
export type MasterStepIterationTypeRow = typeof masterStepIterationTypes.$inferSelect;
export type NewMasterStepIterationTypeRow = typeof masterStepIterationTypes.$inferInsert;
export type MasterStepImpactedTeamRow = typeof masterStepImpactedTeams.$inferSelect;
export type NewMasterStepImpactedTeamRow = typeof masterStepImpactedTeams.$inferInsert;
export type PilotCommentRow = typeof pilotComments.$inferSelect;
export type NewPilotCommentRow = typeof pilotComments.$inferInsert;
