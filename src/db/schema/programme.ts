import { sql } from 'drizzle-orm';
import { date, index, integer, pgTable, primaryKey, text, uuid, varchar } from 'drizzle-orm/pg-core';
import { environments } from './catalog';
import { masterPlans } from './master';
import { users } from './people';
import { environmentRoles, iterationTypes, statuses } from './reference';
import { auditColumns } from './columns';

/** `type` is free text in the seed, not a reference to migration_types_mit. */
export const migrations = pgTable(
  'migrations_mig',
  {
    id: uuid('mig_id').primaryKey().defaultRandom(),
    ownerId: integer('usr_id_owner')
      .notNull()
      .references(() => users.id),
    name: varchar('mig_name', { length: 255 }).notNull(),
    description: text('mig_description'),
    type: varchar('mig_type', { length: 50 }).notNull(),
    startDate: date('mig_start_date', { mode: 'string' }),
    endDate: date('mig_end_date', { mode: 'string' }),
    businessCutoverDate: date('mig_business_cutover_date', { mode: 'string' }),
    statusId: integer('mig_status')
      .notNull()
      .references(() => statuses.id),
    ...auditColumns(),
  },
  (t) => [
    index('idx_migrations_mig_status_id').on(t.statusId),
    // Status ids are fixed (docs/decisions.md): 1, 2 = Migration PLANNING, IN_PROGRESS.
    index('idx_active_migrations').on(t.id).where(sql`mig_status IN (1, 2)`),
    index('idx_mig_audit').on(t.createdAt),
  ],
);

export const iterations = pgTable(
  'iterations_ite',
  {
    id: uuid('ite_id').primaryKey().defaultRandom(),
    migrationId: uuid('mig_id')
      .notNull()
      .references(() => migrations.id),
    masterPlanId: uuid('plm_id').references(() => masterPlans.id),
    iterationTypeCode: varchar('itt_code', { length: 10 })
      .notNull()
      .references(() => iterationTypes.code),
    name: varchar('ite_name', { length: 255 }).notNull(),
    description: text('ite_description'),
    startDate: date('ite_start_date', { mode: 'string' }),
    endDate: date('ite_end_date', { mode: 'string' }),
    statusId: integer('ite_status')
      .notNull()
      .references(() => statuses.id),
    ...auditColumns(),
  },
  (t) => [
    index('idx_iterations_ite_status_id').on(t.statusId),
    // Status ids are fixed (docs/decisions.md): 9, 10 = Iteration PLANNING, IN_PROGRESS.
    index('idx_active_iterations').on(t.id).where(sql`ite_status IN (9, 10)`),
    index('idx_ite_audit').on(t.createdAt),
    index('idx_ite_mig_id').on(t.migrationId),
  ],
);

export const iterationEnvironments = pgTable(
  'environments_env_x_iterations_ite',
  {
    environmentId: integer('env_id')
      .notNull()
      .references(() => environments.id),
    iterationId: uuid('ite_id')
      .notNull()
      .references(() => iterations.id),
    environmentRoleId: integer('enr_id').references(() => environmentRoles.id),
  },
  (t) => [primaryKey({ name: 'environments_env_x_iterations_ite_pkey', columns: [t.environmentId, t.iterationId] })],
);

export type MigrationRow = typeof migrations.$inferSelect;
export type NewMigrationRow = typeof migrations.$inferInsert;
export type IterationRow = typeof iterations.$inferSelect;
export type NewIterationRow = typeof iterations.$inferInsert;
export type IterationEnvironmentRow = typeof iterationEnvironments.$inferSelect;
export type NewIterationEnvironmentRow = typeof iterationEnvironments.$inferInsert;
