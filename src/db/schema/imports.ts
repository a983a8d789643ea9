import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { masterPlans } from './master';
import { auditColumns, withTz } from './columns';

// Staging and import tracking. The stg_steps / stg_step_instructions rows are raw input, kept
// even when invalid so validation can report every problem: they have no primary key and no
// FK between them (docs/decisions.md), only their batch.

/** One upload (CSV pair or JSON document) aimed at one master plan. */
export const importBatches = pgTable(
  'import_batches_imb',
  {
    id: uuid('imb_id').primaryKey().defaultRandom(),
    sourceType: varchar('imb_source_type', { length: 10 }).notNull(),
    sourceNames: text('imb_source_names'),
    masterPlanId: uuid('plm_id').references(() => masterPlans.id, { onDelete: 'set null' }),
    // stg_import_queue_management_iqm.iqm_request_id; the migrations give it no FK.
    queueRequestId: uuid('iqm_request_id'),
    status: varchar('imb_status', { length: 20 }).notNull().default('UPLOADED'),
    stepCount: integer('imb_step_count').notNull().default(0),
    instructionCount: integer('imb_instruction_count').notNull().default(0),
    errorCount: integer('imb_error_count').notNull().default(0),
    validationReport: jsonb('imb_validation_report'),
    startedAt: timestamp('imb_started_at', withTz),
    completedAt: timestamp('imb_completed_at', withTz),
    rolledBackAt: timestamp('imb_rolled_back_at', withTz),
    rolledBackBy: varchar('imb_rolled_back_by', { length: 255 }),
    ...auditColumns(),
  },
  (t) => [
    index('idx_imb_status').on(t.status),
    index('idx_imb_plm_id').on(t.masterPlanId),
    index('idx_imb_audit').on(t.createdAt),
    check('import_batches_imb_imb_source_type_check', sql`${t.sourceType} IN ('CSV', 'JSON')`),
    check(
      'import_batches_imb_imb_status_check',
      sql`${t.status} IN ('UPLOADED', 'STAGED', 'INVALID', 'VALIDATED', 'PROMOTING', 'PROMOTED', 'FAILED', 'ROLLED_BACK')`,
    ),
  ],
);

export const stagedSteps = pgTable(
  'stg_steps',
  {
    stepId: varchar('step_id', { length: 255 }),
    description: text('description'),
    ownerTeamId: integer('owner_team_id'),
    environmentId: integer('environment_id'),
    applicationId: integer('app_id'),
    phaseId: varchar('phase_id', { length: 255 }),
    orderNumber: integer('order_number'),
    durationMinutes: integer('duration_minutes'),
    stepType: varchar('step_type', { length: 50 }),
    environments: text('environments'),
    applications: text('applications'),
    teamsImpacted: text('teams_impacted'),
    iterationTypes: text('iteration_types'),
    batchId: uuid('imb_id').references(() => importBatches.id, { onDelete: 'cascade' }),
    sourceLine: integer('source_line'),
  },
  (t) => [index('idx_stg_steps_imb_step').on(t.batchId, t.stepId)],
);

export const stagedInstructions = pgTable(
  'stg_step_instructions',
  {
    instructionId: varchar('instruction_id', { length: 255 }),
    stepId: varchar('step_id', { length: 255 }),
    instructionText: text('instruction_text'),
    orderNumber: integer('order_number'),
    durationMinutes: integer('duration_minutes'),
    batchId: uuid('imb_id').references(() => importBatches.id, { onDelete: 'cascade' }),
    sourceLine: integer('source_line'),
  },
  (t) => [index('idx_stg_step_instructions_imb_step').on(t.batchId, t.stepId)],
);

export const importQueue = pgTable(
  'stg_import_queue_management_iqm',
  {
    id: uuid('iqm_id').primaryKey().defaultRandom(),
    requestId: uuid('iqm_request_id').notNull(),
    priority: integer('iqm_priority').notNull().default(5),
    status: varchar('iqm_status', { length: 20 }).notNull().default('QUEUED'),
    importType: varchar('iqm_import_type', { length: 50 }).notNull(),
    requestedBy: varchar('iqm_requested_by', { length: 100 }).notNull(),
    requestedAt: timestamp('iqm_requested_at', withTz).defaultNow(),
    startedAt: timestamp('iqm_started_at', withTz),
    estimatedDuration: integer('iqm_estimated_duration'),
    resourceRequirements: jsonb('iqm_resource_requirements'),
    configuration: jsonb('iqm_configuration').notNull(),
    queuePosition: integer('iqm_queue_position'),
    assignedWorker: varchar('iqm_assigned_worker', { length: 50 }),
    createdDate: timestamp('iqm_created_date', withTz).defaultNow(),
    lastModifiedDate: timestamp('iqm_last_modified_date', withTz).defaultNow(),
    isActive: boolean('iqm_is_active').default(true),
  },
  (t) => [
    uniqueIndex('uq_iqm_request_id').on(t.requestId),
    // Drizzle's desc() alone means NULLS LAST; PostgreSQL's DESC (what the seed wrote) means NULLS FIRST.
    index('idx_iqm_status_priority').on(t.status, t.priority.desc().nullsFirst(), t.requestedAt),
    index('idx_iqm_worker_status').on(t.assignedWorker, t.status),
    check('stg_import_queue_management_iqm_iqm_priority_check', sql`${t.priority} >= 1 AND ${t.priority} <= 20`),
    check(
      'stg_import_queue_management_iqm_iqm_status_check',
      sql`${t.status} IN ('QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED')`,
    ),
  ],
);

export const importResourceLocks = pgTable(
  'stg_import_resource_locks_irl',
  {
    id: integer('irl_id').primaryKey().default(sql`nextval('stg_import_resource_locks_irl_irl_id_seq'::regclass)`),
    resourceType: varchar('irl_resource_type', { length: 50 }).notNull(),
    resourceId: varchar('irl_resource_id', { length: 100 }).notNull(),
    lockType: varchar('irl_lock_type', { length: 20 }).notNull(),
    lockedByRequest: uuid('irl_locked_by_request').notNull(),
    lockedAt: timestamp('irl_locked_at', withTz).defaultNow(),
    expiresAt: timestamp('irl_expires_at', withTz).notNull(),
    createdDate: timestamp('irl_created_date', withTz).defaultNow(),
    isActive: boolean('irl_is_active').default(true),
  },
  (t) => [
    uniqueIndex('uq_irl_resource_request').on(t.resourceType, t.resourceId, t.lockedByRequest),
    index('idx_irl_resource_expires').on(t.resourceType, t.resourceId, t.expiresAt),
    check('stg_import_resource_locks_irl_irl_lock_type_check', sql`${t.lockType} IN ('EXCLUSIVE', 'SHARED')`),
    check('stg_import_resource_locks_irl_check', sql`${t.expiresAt} > ${t.lockedAt}`),
  ],
);

/**
 * `scheduleUuid` is sis_schedule_id, the schedule's public id; `scheduleId` in the execution
 * history and reservation tables is sis_id, this table's primary key.
 */
export const importSchedules = pgTable(
  'stg_scheduled_import_schedules_sis',
  {
    id: integer('sis_id').primaryKey().default(sql`nextval('stg_scheduled_import_schedules_sis_sis_id_seq'::regclass)`),
    scheduleUuid: uuid('sis_schedule_id').notNull().defaultRandom(),
    scheduleName: varchar('sis_schedule_name', { length: 255 }).notNull(),
    importType: varchar('sis_import_type', { length: 50 }).notNull(),
    scheduleExpression: varchar('sis_schedule_expression', { length: 100 }).notNull(),
    recurring: boolean('sis_recurring').default(false),
    priority: integer('sis_priority').default(5),
    createdBy: varchar('sis_created_by', { length: 100 }).notNull(),
    status: varchar('sis_status', { length: 20 }).default('SCHEDULED'),
    nextExecution: timestamp('sis_next_execution', withTz).notNull(),
    lastExecution: timestamp('sis_last_execution', withTz),
    executionCount: integer('sis_execution_count').default(0),
    successCount: integer('sis_success_count').default(0),
    failureCount: integer('sis_failure_count').default(0),
    importConfiguration: jsonb('sis_import_configuration').notNull(),
    notificationSettings: jsonb('sis_notification_settings'),
    maxRetries: integer('sis_max_retries').default(3),
    retryDelayMinutes: integer('sis_retry_delay_minutes').default(15),
    timeoutMinutes: integer('sis_timeout_minutes').default(60),
    createdDate: timestamp('sis_created_date', withTz).defaultNow(),
    lastModifiedDate: timestamp('sis_last_modified_date', withTz).defaultNow(),
    isActive: boolean('sis_is_active').default(true),
  },
  (t) => [
    uniqueIndex('uq_sis_schedule_id').on(t.scheduleUuid),
    index('idx_sis_next_execution').on(t.nextExecution),
    index('idx_sis_created_by_status').on(t.createdBy, t.status),
    index('idx_sis_recurring_active').on(t.recurring, t.isActive),
    check('stg_scheduled_import_schedules_sis_sis_priority_check', sql`${t.priority} >= 1 AND ${t.priority} <= 20`),
    check(
      'stg_scheduled_import_schedules_sis_sis_status_check',
      sql`${t.status} IN ('SCHEDULED', 'EXECUTING', 'COMPLETED', 'FAILED', 'CANCELLED', 'PAUSED')`,
    ),
  ],
);

export const scheduleExecutions = pgTable(
  'stg_schedule_execution_history_seh',
  {
    id: integer('seh_id').primaryKey().default(sql`nextval('stg_schedule_execution_history_seh_seh_id_seq'::regclass)`),
    scheduleId: integer('sis_id')
      .notNull()
      .references(() => importSchedules.id, { onDelete: 'cascade' }),
    executionId: uuid('seh_execution_id').notNull(),
    startedAt: timestamp('seh_started_at', withTz).notNull(),
    completedAt: timestamp('seh_completed_at', withTz),
    status: varchar('seh_status', { length: 20 }).notNull(),
    recordsProcessed: integer('seh_records_processed').default(0),
    errorMessage: text('seh_error_message'),
    executionDetails: jsonb('seh_execution_details'),
    createdDate: timestamp('seh_created_date', withTz).defaultNow(),
  },
  (t) => [
    index('idx_seh_sis_started').on(t.scheduleId, t.startedAt.desc().nullsFirst()),
    index('idx_seh_execution_id').on(t.executionId),
    check(
      'stg_schedule_execution_history_seh_seh_status_check',
      sql`${t.status} IN ('STARTED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED')`,
    ),
  ],
);

export const tenantResourceLimits = pgTable(
  'stg_tenant_resource_limits_trl',
  {
    id: integer('trl_id').primaryKey().default(sql`nextval('stg_tenant_resource_limits_trl_trl_id_seq'::regclass)`),
    tenantId: varchar('trl_tenant_id', { length: 50 }).notNull(),
    resourceType: varchar('trl_resource_type', { length: 50 }).notNull(),
    resourceLimit: integer('trl_resource_limit').notNull(),
    resourceUnit: varchar('trl_resource_unit', { length: 20 }).notNull(),
    enforcementLevel: varchar('trl_enforcement_level', { length: 20 }).default('HARD'),
    createdDate: timestamp('trl_created_date', withTz).defaultNow(),
    lastModifiedDate: timestamp('trl_last_modified_date', withTz).defaultNow(),
    isActive: boolean('trl_is_active').default(true),
  },
  (t) => [
    uniqueIndex('uq_trl_tenant_resource').on(t.tenantId, t.resourceType),
    check('stg_tenant_resource_limits_trl_trl_resource_limit_check', sql`${t.resourceLimit} > 0`),
    check(
      'stg_tenant_resource_limits_trl_trl_resource_unit_check',
      sql`${t.resourceUnit} IN ('MB', 'COUNT', 'PERCENTAGE', 'GB', 'SECONDS')`,
    ),
    check('stg_tenant_resource_limits_trl_trl_enforcement_level_check', sql`${t.enforcementLevel} IN ('HARD', 'SOFT', 'ADVISORY')`),
  ],
);

export const scheduleReservations = pgTable(
  'stg_schedule_resource_reservations_srr',
  {
    id: integer('srr_id').primaryKey().default(sql`nextval('stg_schedule_resource_reservations_srr_srr_id_seq'::regclass)`),
    scheduleId: integer('sis_id')
      .notNull()
      .references(() => importSchedules.id, { onDelete: 'cascade' }),
    resourceType: varchar('srr_resource_type', { length: 50 }).notNull(),
    resourceAmount: integer('srr_resource_amount').notNull(),
    resourceUnit: varchar('srr_resource_unit', { length: 20 }).notNull(),
    reservedFrom: timestamp('srr_reserved_from', withTz).notNull(),
    reservedUntil: timestamp('srr_reserved_until', withTz).notNull(),
    createdDate: timestamp('srr_created_date', withTz).defaultNow(),
    isActive: boolean('srr_is_active').default(true),
  },
  (t) => [
    index('idx_srr_resource_time').on(t.resourceType, t.reservedFrom, t.reservedUntil),
    check('stg_schedule_resource_reservations_srr_check', sql`${t.reservedUntil} > ${t.reservedFrom}`),
  ],
);

/** The resumable run of one batch stage, chunked to fit Forge's invocation time limit. */
export const importOrchestrations = pgTable(
  'stg_import_orchestrations_ior',
  {
    id: uuid('ior_id').primaryKey().defaultRandom(),
    batchId: uuid('imb_id')
      .notNull()
      .references(() => importBatches.id, { onDelete: 'cascade' }),
    stage: varchar('ior_stage', { length: 20 }).notNull(),
    status: varchar('ior_status', { length: 20 }).notNull().default('PENDING'),
    cursor: jsonb('ior_cursor'),
    worker: varchar('ior_worker', { length: 50 }),
    heartbeatAt: timestamp('ior_heartbeat_at', withTz),
    startedAt: timestamp('ior_started_at', withTz),
    completedAt: timestamp('ior_completed_at', withTz),
    errorMessage: text('ior_error_message'),
    ...auditColumns(),
  },
  (t) => [
    uniqueIndex('uq_ior_imb_stage').on(t.batchId, t.stage),
    index('idx_ior_status').on(t.status, t.heartbeatAt),
    check('stg_import_orchestrations_ior_ior_stage_check', sql`${t.stage} IN ('PARSE', 'STAGE', 'VALIDATE', 'PROMOTE', 'ROLLBACK')`),
    check(
      'stg_import_orchestrations_ior_ior_status_check',
      sql`${t.status} IN ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED')`,
    ),
  ],
);

export const orchestrationDependencies = pgTable(
  'stg_orchestration_dependencies_od',
  {
    id: integer('od_id').primaryKey().default(sql`nextval('stg_orchestration_dependencies_od_od_id_seq'::regclass)`),
    orchestrationId: uuid('od_orchestration_id')
      .notNull()
      .references(() => importOrchestrations.id, { onDelete: 'cascade' }),
    dependsOnOrchestrationId: uuid('od_depends_on_orchestration')
      .notNull()
      .references(() => importOrchestrations.id, { onDelete: 'cascade' }),
    dependencyType: varchar('od_dependency_type', { length: 30 }).notNull(),
    createdDate: timestamp('od_created_date', withTz).defaultNow(),
  },
  (t) => [
    index('idx_od_orchestration').on(t.orchestrationId),
    index('idx_od_depends_on').on(t.dependsOnOrchestrationId),
    uniqueIndex('uq_od_orchestration_dependency').on(t.orchestrationId, t.dependsOnOrchestrationId),
    check(
      'stg_orchestration_dependencies_od_od_dependency_type_check',
      sql`${t.dependencyType} IN ('SEQUENTIAL', 'RESOURCE', 'DATA')`,
    ),
  ],
);

export const importProgress = pgTable(
  'stg_import_progress_tracking_ipt',
  {
    id: integer('ipt_id').primaryKey().default(sql`nextval('stg_import_progress_tracking_ipt_ipt_id_seq'::regclass)`),
    batchId: uuid('imb_id')
      .notNull()
      .references(() => importBatches.id, { onDelete: 'cascade' }),
    orchestrationId: uuid('ior_id').references(() => importOrchestrations.id, { onDelete: 'set null' }),
    entityType: varchar('ipt_entity_type', { length: 50 }).notNull(),
    total: integer('ipt_total').notNull().default(0),
    processed: integer('ipt_processed').notNull().default(0),
    failed: integer('ipt_failed').notNull().default(0),
    // Business key of the last entity processed, so a resumed chunk starts after it.
    lastKey: varchar('ipt_last_key', { length: 255 }),
    createdAt: timestamp('created_at', withTz).defaultNow(),
    updatedAt: timestamp('updated_at', withTz).defaultNow(),
  },
  (t) => [
    uniqueIndex('uq_ipt_imb_entity').on(t.batchId, t.entityType),
    check(
      'stg_import_progress_tracking_ipt_ipt_entity_type_check',
      sql`${t.entityType} IN ('STEP', 'INSTRUCTION', 'IMPACTED_TEAM', 'ITERATION_TYPE', 'LABEL')`,
    ),
    check('stg_import_progress_tracking_ipt_ipt_total_check', sql`${t.total} >= 0`),
    check('stg_import_progress_tracking_ipt_ipt_processed_check', sql`${t.processed} >= 0`),
    check('stg_import_progress_tracking_ipt_ipt_failed_check', sql`${t.failed} >= 0`),
  ],
);

/** Undo log of a promoted batch: a rollback replays it in reverse `sequence` order. */
export const importRollbackActions = pgTable(
  'stg_import_rollback_actions_ira',
  {
    id: integer('ira_id').primaryKey().default(sql`nextval('stg_import_rollback_actions_ira_ira_id_seq'::regclass)`),
    batchId: uuid('imb_id')
      .notNull()
      .references(() => importBatches.id, { onDelete: 'cascade' }),
    sequence: integer('ira_sequence').notNull(),
    action: varchar('ira_action', { length: 10 }).notNull(),
    tableName: varchar('ira_table_name', { length: 100 }).notNull(),
    entityKey: jsonb('ira_entity_key').notNull(),
    // Null for INSERTED: undoing an insert needs only the key.
    previousRow: jsonb('ira_previous_row'),
    undoneAt: timestamp('ira_undone_at', withTz),
    createdBy: varchar('created_by', { length: 255 }).default('system'),
    createdAt: timestamp('created_at', withTz).defaultNow(),
  },
  (t) => [
    uniqueIndex('uq_ira_imb_sequence').on(t.batchId, t.sequence),
    check('stg_import_rollback_actions_ira_ira_action_check', sql`${t.action} IN ('INSERTED', 'UPDATED', 'DELETED')`),
  ],
);

/** Edges between the entities of one batch, to order promotion and find predecessor cycles. */
export const importEntityDependencies = pgTable(
  'stg_import_entity_dependencies_ied',
  {
    id: integer('ied_id').primaryKey().default(sql`nextval('stg_import_entity_dependencies_ied_ied_id_seq'::regclass)`),
    batchId: uuid('imb_id')
      .notNull()
      .references(() => importBatches.id, { onDelete: 'cascade' }),
    entityType: varchar('ied_entity_type', { length: 50 }).notNull(),
    entityKey: varchar('ied_entity_key', { length: 255 }).notNull(),
    dependsOnType: varchar('ied_depends_on_type', { length: 50 }).notNull(),
    dependsOnKey: varchar('ied_depends_on_key', { length: 255 }).notNull(),
    dependencyType: varchar('ied_dependency_type', { length: 20 }).notNull(),
    createdAt: timestamp('created_at', withTz).defaultNow(),
  },
  (t) => [
    uniqueIndex('uq_ied_edge').on(t.batchId, t.entityType, t.entityKey, t.dependsOnType, t.dependsOnKey),
    index('idx_ied_depends_on').on(t.batchId, t.dependsOnType, t.dependsOnKey),
    check(
      'stg_import_entity_dependencies_ied_ied_dependency_type_check',
      sql`${t.dependencyType} IN ('PREDECESSOR', 'PARENT', 'REFERENCE')`,
    ),
  ],
);

export type ImportBatchRow = typeof importBatches.$inferSelect;
export type NewImportBatchRow = typeof importBatches.$inferInsert;
export type StagedStepRow = typeof stagedSteps.$inferSelect;
export type NewStagedStepRow = typeof stagedSteps.$inferInsert;
export type StagedInstructionRow = typeof stagedInstructions.$inferSelect;
export type NewStagedInstructionRow = typeof stagedInstructions.$inferInsert;
export type ImportQueueRow = typeof importQueue.$inferSelect;
export type NewImportQueueRow = typeof importQueue.$inferInsert;
export type ImportResourceLockRow = typeof importResourceLocks.$inferSelect;
export type NewImportResourceLockRow = typeof importResourceLocks.$inferInsert;
export type ImportScheduleRow = typeof importSchedules.$inferSelect;
export type NewImportScheduleRow = typeof importSchedules.$inferInsert;
export type ScheduleExecutionRow = typeof scheduleExecutions.$inferSelect;
export type NewScheduleExecutionRow = typeof scheduleExecutions.$inferInsert;
export type TenantResourceLimitRow = typeof tenantResourceLimits.$inferSelect;
export type NewTenantResourceLimitRow = typeof tenantResourceLimits.$inferInsert;
export type ScheduleReservationRow = typeof scheduleReservations.$inferSelect;
export type NewScheduleReservationRow = typeof scheduleReservations.$inferInsert;
export type ImportOrchestrationRow = typeof importOrchestrations.$inferSelect;
export type NewImportOrchestrationRow = typeof importOrchestrations.$inferInsert;
export type OrchestrationDependencyRow = typeof orchestrationDependencies.$inferSelect;
export type NewOrchestrationDependencyRow = typeof orchestrationDependencies.$inferInsert;
export type ImportProgressRow = typeof importProgress.$inferSelect;
export type NewImportProgressRow = typeof importProgress.$inferInsert;
export type ImportRollbackActionRow = typeof importRollbackActions.$inferSelect;
export type NewImportRollbackActionRow = typeof importRollbackActions.$inferInsert;
export type ImportEntityDependencyRow = typeof importEntityDependencies.$inferSelect;
export type NewImportEntityDependencyRow = typeof importEntityDependencies.$inferInsert;

/** An import upload sent in parts (migration 0010): the files announced and the batch it became. */
export const importUploads = pgTable(
  'import_uploads_iup',
  {
    id: uuid('iup_id').primaryKey().defaultRandom(),
    // Null when the upload names a new plan (options.newPlan), created by the batch's promotion.
    masterPlanId: uuid('plm_id').references(() => masterPlans.id, { onDelete: 'cascade' }),
    format: varchar('iup_format', { length: 10 }).notNull(),
    files: jsonb('iup_files').$type<Array<{ name: string; bytes: number }>>().notNull(),
    options: jsonb('iup_options')
      .$type<{ priority?: number; chunkSize?: number; createMissing?: boolean; labelMigrationId?: string; newPlan?: { name: string; ownerTeam: string; description?: string | null } }>().notNull().default(sql`'{}'::jsonb`),
    status: varchar('iup_status', { length: 20 }).notNull().default('RECEIVING'),
    batchId: uuid('imb_id').references(() => importBatches.id, { onDelete: 'set null' }),
    expiresAt: timestamp('iup_expires_at', withTz).notNull(),
    ...auditColumns(),
  },
  (t) => [
    index('idx_iup_plm_id').on(t.masterPlanId),
    index('idx_iup_expires_at').on(t.expiresAt),
    index('idx_iup_imb_id').on(t.batchId),
    index('idx_iup_audit').on(t.createdAt),
    check('import_uploads_iup_iup_format_check', sql`${t.format} IN ('CSV', 'JSON')`),
    check('import_uploads_iup_iup_files_check', sql`jsonb_typeof(${t.files}) = 'array' AND jsonb_array_length(${t.files}) BETWEEN 1 AND 2`),
    check('import_uploads_iup_iup_status_check', sql`${t.status} IN ('RECEIVING', 'FINISHED')`),
  ],
);

export const importUploadParts = pgTable(
  'import_upload_parts_iupp',
  {
    uploadId: uuid('iup_id')
      .notNull()
      .references(() => importUploads.id, { onDelete: 'cascade' }),
    file: smallint('iupp_file').notNull(),
    index: integer('iupp_index').notNull(),
    bytes: integer('iupp_bytes').notNull(),
    content: text('iupp_content').notNull(),
    createdAt: timestamp('created_at', withTz).defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'import_upload_parts_iupp_pkey', columns: [t.uploadId, t.file, t.index] }),
    check('import_upload_parts_iupp_iupp_file_check', sql`${t.file} >= 0 AND ${t.file} <= 1`),
    check('import_upload_parts_iupp_iupp_index_check', sql`${t.index} >= 0`),
    check('import_upload_parts_iupp_iupp_bytes_check', sql`${t.bytes} >= 0`),
  ],
);
