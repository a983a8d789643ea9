import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { masterControls, masterInstructions, masterPhases, masterPlans, masterSequences, masterSteps } from './master';
import { users } from './people';
import { iterations } from './programme';
import { environmentRoles, statuses } from './reference';
import { auditColumns, withTz } from './columns';

// What an iteration runs: a copy of a master plan. Each row points at its parent instance
// (`planId`, `sequenceId`, `phaseId`, `stepId`) and at the master it was copied from (`master…Id`).
// The seed gives the instance predecessors (predecessorId) no foreign key, unlike the masters'.

export const planInstances = pgTable(
  'plans_instance_pli',
  {
    id: uuid('pli_id').primaryKey().defaultRandom(),
    masterPlanId: uuid('plm_id')
      .notNull()
      .references(() => masterPlans.id),
    iterationId: uuid('ite_id')
      .notNull()
      .references(() => iterations.id),
    ownerId: integer('usr_id_owner').references(() => users.id),
    name: varchar('pli_name', { length: 255 }),
    description: text('pli_description'),
    startTime: timestamp('pli_start_time', withTz),
    endTime: timestamp('pli_end_time', withTz),
    statusId: integer('pli_status')
      .notNull()
      .references(() => statuses.id),
    /** 0016: archived runs are read-only and hidden from the pickers; null while in use. */
    archivedAt: timestamp('pli_archived_at', withTz),
    archivedBy: varchar('pli_archived_by', { length: 255 }),
    ...auditColumns(),
  },
  (t) => [
    index('idx_plans_instance_pli_status_id').on(t.statusId),
    index('idx_pli_audit').on(t.createdAt),
    index('idx_pli_ite_id').on(t.iterationId),
    index('idx_pli_plm_id').on(t.masterPlanId),
  ],
);

export const sequenceInstances = pgTable(
  'sequences_instance_sqi',
  {
    id: uuid('sqi_id').primaryKey().defaultRandom(),
    planId: uuid('pli_id')
      .notNull()
      .references(() => planInstances.id),
    masterSequenceId: uuid('sqm_id')
      .notNull()
      .references(() => masterSequences.id),
    statusId: integer('sqi_status')
      .notNull()
      .references(() => statuses.id),
    name: varchar('sqi_name', { length: 255 }),
    description: text('sqi_description'),
    order: integer('sqi_order'),
    predecessorId: uuid('predecessor_sqi_id'),
    ...auditColumns(),
  },
  (t) => [
    index('idx_sqi_audit').on(t.createdAt),
    index('idx_sequences_instance_sqi_status_id').on(t.statusId),
    index('idx_sqi_pli_id').on(t.planId),
  ],
);

export const phaseInstances = pgTable(
  'phases_instance_phi',
  {
    id: uuid('phi_id').primaryKey().defaultRandom(),
    sequenceId: uuid('sqi_id')
      .notNull()
      .references(() => sequenceInstances.id),
    masterPhaseId: uuid('phm_id')
      .notNull()
      .references(() => masterPhases.id),
    statusId: integer('phi_status')
      .notNull()
      .references(() => statuses.id),
    order: integer('phi_order'),
    name: varchar('phi_name', { length: 255 }),
    description: text('phi_description'),
    predecessorId: uuid('predecessor_phi_id'),
    ...auditColumns(),
  },
  (t) => [
    index('idx_phi_audit').on(t.createdAt),
    index('idx_phi_updated_at').on(t.updatedAt),
    index('idx_phases_instance_phi_status_id').on(t.statusId),
    index('idx_phi_sqi_id').on(t.sequenceId),
  ],
);

/** `name`, `description` and `durationMinutes` start as copies of the master's and may be overridden. */
export const stepInstances = pgTable(
  'steps_instance_sti',
  {
    id: uuid('sti_id').primaryKey().defaultRandom(),
    phaseId: uuid('phi_id')
      .notNull()
      .references(() => phaseInstances.id),
    masterStepId: uuid('stm_id')
      .notNull()
      .references(() => masterSteps.id),
    startTime: timestamp('sti_start_time', withTz),
    endTime: timestamp('sti_end_time', withTz),
    predecessorId: uuid('sti_id_predecessor'),
    name: varchar('sti_name', { length: 255 }),
    description: text('sti_description'),
    durationMinutes: integer('sti_duration_minutes'),
    statusId: integer('sti_status')
      .notNull()
      .references(() => statuses.id),
    ...auditColumns(),
    environmentRoleId: integer('enr_id').references(() => environmentRoles.id),
    /** Why the step is BLOCKED, FAILED or CANCELLED (0010); null otherwise. */
    statusReason: varchar('sti_status_reason', { length: 2000 }),
  },
  (t) => [
    index('idx_steps_instance_sti_enr_id').on(t.environmentRoleId),
    index('idx_sti_audit').on(t.createdAt),
    index('idx_steps_instance_sti_status_id').on(t.statusId),
    index('idx_sti_phi_id').on(t.phaseId),
    index('idx_sti_stm_id').on(t.masterStepId),
    index('idx_sti_updated_at').on(t.updatedAt),
  ],
);

export const controlInstances = pgTable(
  'controls_instance_cti',
  {
    id: uuid('cti_id').primaryKey().defaultRandom(),
    phaseId: uuid('phi_id')
      .notNull()
      .references(() => phaseInstances.id),
    masterControlId: uuid('ctm_id')
      .notNull()
      .references(() => masterControls.id),
    itValidatorId: integer('usr_id_it_validator').references(() => users.id),
    bizValidatorId: integer('usr_id_biz_validator').references(() => users.id),
    statusId: integer('cti_status')
      .notNull()
      .references(() => statuses.id),
    order: integer('cti_order'),
    name: varchar('cti_name', { length: 255 }),
    description: text('cti_description'),
    type: varchar('cti_type', { length: 50 }),
    isCritical: boolean('cti_is_critical'),
    code: text('cti_code'),
    ...auditColumns(),
    // 0005: the verdict of each slot (PASSED/FAILED), who recorded it, when, and why.
    itVerdict: varchar('cti_it_verdict', { length: 10 }),
    itVerdictById: integer('cti_it_verdict_by').references(() => users.id),
    itVerdictAt: timestamp('cti_it_verdict_at', withTz),
    itComment: text('cti_it_comment'),
    bizVerdict: varchar('cti_biz_verdict', { length: 10 }),
    bizVerdictById: integer('cti_biz_verdict_by').references(() => users.id),
    bizVerdictAt: timestamp('cti_biz_verdict_at', withTz),
    bizComment: text('cti_biz_comment'),
    // 0017: set when a pilot signed this slot although they had signed the other one (four eyes), the reason.
    itOverrideReason: varchar('cti_it_override_reason', { length: 2000 }),
    bizOverrideReason: varchar('cti_biz_override_reason', { length: 2000 }),
  },
  (t) => [
    index('idx_cti_audit').on(t.createdAt),
    index('idx_cti_updated_at').on(t.updatedAt),
    index('idx_controls_instance_cti_status_id').on(t.statusId),
    index('idx_cti_phi_id').on(t.phaseId),
    check('controls_instance_cti_cti_it_verdict_check', sql`${t.itVerdict} IN ('PASSED', 'FAILED')`),
    check('controls_instance_cti_cti_biz_verdict_check', sql`${t.bizVerdict} IN ('PASSED', 'FAILED')`),
  ],
);

export const instructionInstances = pgTable(
  'instructions_instance_ini',
  {
    id: uuid('ini_id').primaryKey().defaultRandom(),
    stepId: uuid('sti_id')
      .notNull()
      .references(() => stepInstances.id),
    masterInstructionId: uuid('inm_id')
      .notNull()
      .references(() => masterInstructions.id),
    completedById: integer('usr_id_completed_by').references(() => users.id),
    order: integer('ini_order'),
    body: text('ini_body'),
    durationMinutes: integer('ini_duration_minutes'),
    isCompleted: boolean('ini_is_completed').default(false),
    completedAt: timestamp('ini_completed_at', withTz),
    ...auditColumns(),
  },
  (t) => [index('idx_ini_audit').on(t.createdAt), index('idx_ini_sti_id').on(t.stepId), index('idx_ini_updated_at').on(t.updatedAt)],
);

/** `createdBy`/`updatedBy` are users_usr ids here, not usr_codes as in the audit columns elsewhere. */
export const stepComments = pgTable(
  'step_instance_comments_sic',
  {
    id: integer('sic_id').primaryKey().default(sql`nextval('step_instance_comments_sic_sic_id_seq'::regclass)`),
    stepId: uuid('sti_id')
      .notNull()
      .references(() => stepInstances.id, { onDelete: 'cascade' }),
    body: text('comment_body'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', withTz).defaultNow(),
    updatedBy: integer('updated_by').references(() => users.id),
    updatedAt: timestamp('updated_at', withTz),
  },
  (t) => [index('idx_sic_sti_id').on(t.stepId)],
);

export type PlanInstanceRow = typeof planInstances.$inferSelect;
export type NewPlanInstanceRow = typeof planInstances.$inferInsert;
export type SequenceInstanceRow = typeof sequenceInstances.$inferSelect;
export type NewSequenceInstanceRow = typeof sequenceInstances.$inferInsert;
export type PhaseInstanceRow = typeof phaseInstances.$inferSelect;
export type NewPhaseInstanceRow = typeof phaseInstances.$inferInsert;
export type StepInstanceRow = typeof stepInstances.$inferSelect;
export type NewStepInstanceRow = typeof stepInstances.$inferInsert;
export type ControlInstanceRow = typeof controlInstances.$inferSelect;
export type NewControlInstanceRow = typeof controlInstances.$inferInsert;
export type InstructionInstanceRow = typeof instructionInstances.$inferSelect;
export type NewInstructionInstanceRow = typeof instructionInstances.$inferInsert;
export type StepCommentRow = typeof stepComments.$inferSelect;
export type NewStepCommentRow = typeof stepComments.$inferInsert;
