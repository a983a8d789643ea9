import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { planInstances, stepInstances } from './execution';
import { masterPhases, masterPlans, masterSequences, masterSteps } from './master';
import { auditColumns, withTz } from './columns';

// The step dependency graph and a plan's backout markers (migrations/0009_step_dependencies.sql).
// The seed's stm_id_predecessor / sti_id_predecessor hold a step's first dependency.

export const DEPENDENCY_KINDS = ['FS', 'SS'] as const;
export type DependencyKind = (typeof DEPENDENCY_KINDS)[number];

export const masterStepDependencies = pgTable(
  'step_dependencies_master_sdm',
  {
    id: uuid('sdm_id').primaryKey().defaultRandom(),
    stepId: uuid('stm_id')
      .notNull()
      .references(() => masterSteps.id, { onDelete: 'cascade' }),
    predecessorId: uuid('stm_id_predecessor')
      .notNull()
      .references(() => masterSteps.id, { onDelete: 'cascade' }),
    kind: varchar('sdm_kind', { length: 2 }).$type<DependencyKind>().notNull().default('FS'),
    lagMinutes: integer('sdm_lag_minutes').notNull().default(0),
    order: integer('sdm_order').notNull().default(0),
    ...auditColumns(),
  },
  (t) => [
    uniqueIndex('uq_sdm_step_predecessor').on(t.stepId, t.predecessorId),
    index('idx_sdm_predecessor').on(t.predecessorId),
    check('step_dependencies_master_sdm_sdm_kind_check', sql`${t.kind} IN ('FS', 'SS')`),
    check('step_dependencies_master_sdm_sdm_lag_minutes_check', sql`${t.lagMinutes} >= 0`),
    check('step_dependencies_master_sdm_check', sql`${t.stepId} <> ${t.predecessorId}`),
  ],
);

export const stepInstanceDependencies = pgTable(
  'step_dependencies_instance_sdi',
  {
    id: uuid('sdi_id').primaryKey().defaultRandom(),
    stepId: uuid('sti_id')
      .notNull()
      .references(() => stepInstances.id, { onDelete: 'cascade' }),
    predecessorId: uuid('sti_id_predecessor')
      .notNull()
      .references(() => stepInstances.id, { onDelete: 'cascade' }),
    kind: varchar('sdi_kind', { length: 2 }).$type<DependencyKind>().notNull().default('FS'),
    lagMinutes: integer('sdi_lag_minutes').notNull().default(0),
    order: integer('sdi_order').notNull().default(0),
    ...auditColumns(),
  },
  (t) => [
    uniqueIndex('uq_sdi_step_predecessor').on(t.stepId, t.predecessorId),
    index('idx_sdi_predecessor').on(t.predecessorId),
    check('step_dependencies_instance_sdi_sdi_kind_check', sql`${t.kind} IN ('FS', 'SS')`),
    check('step_dependencies_instance_sdi_sdi_lag_minutes_check', sql`${t.lagMinutes} >= 0`),
    check('step_dependencies_instance_sdi_check', sql`${t.stepId} <> ${t.predecessorId}`),
  ],
);

export const BACKOUT_MARKER_KINDS = ['BACKOUT_SEQUENCE', 'BACKOUT_PHASE', 'POINT_OF_NO_RETURN'] as const;
export type BackoutMarkerKind = (typeof BACKOUT_MARKER_KINDS)[number];

export const planBackoutMarkers = pgTable(
  'plan_backout_markers_master_pbm',
  {
    id: uuid('pbm_id').primaryKey().defaultRandom(),
    planId: uuid('plm_id')
      .notNull()
      .references(() => masterPlans.id, { onDelete: 'cascade' }),
    kind: varchar('pbm_kind', { length: 20 }).$type<BackoutMarkerKind>().notNull(),
    sequenceId: uuid('sqm_id').references(() => masterSequences.id, { onDelete: 'cascade' }),
    phaseId: uuid('phm_id').references(() => masterPhases.id, { onDelete: 'cascade' }),
    stepId: uuid('stm_id').references(() => masterSteps.id, { onDelete: 'cascade' }),
    ...auditColumns(),
  },
  (t) => [
    index('idx_pbm_plm_id').on(t.planId),
    uniqueIndex('uq_pbm_point_of_no_return').on(t.planId).where(sql`(pbm_kind)::text = 'POINT_OF_NO_RETURN'`),
    check('plan_backout_markers_master_pbm_pbm_kind_check', sql`${t.kind} IN ('BACKOUT_SEQUENCE', 'BACKOUT_PHASE', 'POINT_OF_NO_RETURN')`),
    check(
      'plan_backout_markers_master_pbm_check',
      sql`(${t.kind} = 'BACKOUT_SEQUENCE' AND ${t.sequenceId} IS NOT NULL AND ${t.phaseId} IS NULL AND ${t.stepId} IS NULL)
        OR (${t.kind} = 'BACKOUT_PHASE' AND ${t.phaseId} IS NOT NULL AND ${t.sequenceId} IS NULL AND ${t.stepId} IS NULL)
        OR (${t.kind} = 'POINT_OF_NO_RETURN' AND ${t.stepId} IS NOT NULL AND ${t.sequenceId} IS NULL AND ${t.phaseId} IS NULL)`,
    ),
  ],
);

/** Planned start and window end of a run (0013); pli_start_time/pli_end_time hold the actual ones. */
export const planInstanceSchedules = pgTable(
  'plan_instance_schedule_pis',
  {
    planInstanceId: uuid('pli_id')
      .primaryKey()
      .references(() => planInstances.id, { onDelete: 'cascade' }),
    plannedStart: timestamp('pis_planned_start', withTz),
    windowEnd: timestamp('pis_window_end', withTz),
    updatedBy: varchar('updated_by', { length: 255 }).default('system'),
    updatedAt: timestamp('updated_at', withTz).defaultNow(),
  },
  (t) => [
    check(
      'plan_instance_schedule_pis_check',
      sql`${t.windowEnd} IS NULL OR ${t.plannedStart} IS NULL OR ${t.windowEnd} > ${t.plannedStart}`,
    ),
  ],
);
