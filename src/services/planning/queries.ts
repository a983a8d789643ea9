import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { iterations, migrations, planInstances, sequenceInstances, statuses } from '../../db/schema';
import { domainError } from '../../domain/errors';
import { clampPage } from '../../domain/paging';
import { pageShape } from '../paging';
import type { ServiceContext } from '../context';

export interface StatusView {
  id: number;
  name: string;
  color: string;
}

const statusView = { id: statuses.id, name: statuses.name, color: statuses.color };

export const listMigrationsInput = z.strictObject({ ...pageShape });

/** The migrations a page editor can pick from, newest first by start date. */
export async function listMigrations(ctx: ServiceContext, input: z.output<typeof listMigrationsInput>) {
  const page = clampPage(input);
  return ctx.db
    .select({
      id: migrations.id,
      name: migrations.name,
      type: migrations.type,
      startDate: migrations.startDate,
      endDate: migrations.endDate,
      businessCutoverDate: migrations.businessCutoverDate,
      status: statusView,
      iterationCount: sql<number>`(select count(*)::int from ${iterations} where ${iterations.migrationId} = ${migrations.id})`,
    })
    .from(migrations)
    .innerJoin(statuses, eq(statuses.id, migrations.statusId))
    .orderBy(sql`${migrations.startDate} desc nulls last`, asc(migrations.name), asc(migrations.id))
    .limit(page.limit)
    .offset(page.offset);
}

export const listIterationsInput = z.strictObject({ migrationId: z.uuid(), ...pageShape });

export async function listIterations(ctx: ServiceContext, input: z.output<typeof listIterationsInput>) {
  const page = clampPage(input);
  return ctx.db
    .select({
      id: iterations.id,
      migrationId: iterations.migrationId,
      name: iterations.name,
      typeCode: iterations.iterationTypeCode,
      startDate: iterations.startDate,
      endDate: iterations.endDate,
      masterPlanId: iterations.masterPlanId,
      status: statusView,
      /** Runs in use: archived ones are not counted. */
      planInstanceCount: sql<number>`(select count(*)::int from ${planInstances} where ${planInstances.iterationId} = ${iterations.id} and ${planInstances.archivedAt} is null)`,
    })
    .from(iterations)
    .innerJoin(statuses, eq(statuses.id, iterations.statusId))
    .where(eq(iterations.migrationId, input.migrationId))
    .orderBy(sql`${iterations.startDate} asc nulls last`, asc(iterations.name), asc(iterations.id))
    .limit(page.limit)
    .offset(page.offset);
}

export const listPlanInstancesInput = z.strictObject({
  iterationId: z.uuid(),
  /** Archived runs are left out unless asked for (the administration page asks; the pickers do not). */
  includeArchived: z.boolean().optional(),
  ...pageShape,
});

export async function listPlanInstances(ctx: ServiceContext, input: z.output<typeof listPlanInstancesInput>) {
  const inIteration = eq(planInstances.iterationId, input.iterationId);
  const page = clampPage(input);
  return ctx.db
    .select({
      id: planInstances.id,
      name: planInstances.name,
      masterPlanId: planInstances.masterPlanId,
      iterationId: planInstances.iterationId,
      startTime: planInstances.startTime,
      endTime: planInstances.endTime,
      status: statusView,
      archivedAt: planInstances.archivedAt,
      archivedBy: planInstances.archivedBy,
      /** The version to send back with planInstances/delete, archive or restore. */
      updatedAt: planInstances.updatedAt,
    })
    .from(planInstances)
    .innerJoin(statuses, eq(statuses.id, planInstances.statusId))
    .where(input.includeArchived ? inIteration : and(inIteration, isNull(planInstances.archivedAt)))
    .orderBy(asc(planInstances.createdAt), asc(planInstances.id))
    .limit(page.limit)
    .offset(page.offset);
}

export const listPlanSequencesInput = z.strictObject({ planInstanceId: z.uuid(), ...pageShape });

/** The sequences of one plan instance, in runsheet order: the runsheet macro's sequence choices. */
export async function listPlanSequences(ctx: ServiceContext, input: z.output<typeof listPlanSequencesInput>) {
  return ctx.db.transaction(
    async (tx) => {
      const [plan] = await tx.select({ id: planInstances.id }).from(planInstances).where(eq(planInstances.id, input.planInstanceId));
      if (!plan) throw domainError('NOT_FOUND', 'That plan instance does not exist.');
      return tx
        .select({ id: sequenceInstances.id, name: sequenceInstances.name, order: sequenceInstances.order })
        .from(sequenceInstances)
        .where(eq(sequenceInstances.planId, input.planInstanceId))
        .orderBy(sql`${sequenceInstances.order} asc nulls last`, asc(sequenceInstances.id))
        .limit(clampPage(input).limit)
        .offset(clampPage(input).offset);
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
