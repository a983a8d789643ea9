import { asc, eq, sql } from 'drizzle-orm';
import { createInsertSchema } from 'drizzle-zod';
import { z } from 'zod';
import { iterations, migrations, migrationTypes } from '../../../db/schema';
import { domainError } from '../../../domain/errors';
import { CONTAINER_STATUS_ID } from '../../../domain/statuses';
import { byUpdatedAt } from '../concurrency';
import { defineEntity, plain } from '../crud';
import { clearable, isoDate, lengthOf, nameOf, textOf } from '../fields';
import { expectDateOrder, expectStatusKind } from '../rules';

const migrationFields = z.strictObject({
  ...createInsertSchema(migrations).pick({ ownerId: true, statusId: true }).partial().shape,
  name: nameOf(migrations.name),
  description: clearable(textOf(migrations.description)),
  /** A migration type code (migration_types_mit.mit_code); stored as text, as in the seed. */
  type: z.string().trim().min(1).max(lengthOf(migrations.type)),
  startDate: clearable(isoDate),
  endDate: clearable(isoDate),
  businessCutoverDate: clearable(isoDate),
});

/** The owner defaults to the acting administrator and the status to PLANNING. */
export const migrationEntity = defineEntity({
  key: 'migrations',
  entityType: 'migration',
  label: { singular: 'migration', plural: 'migrations' },
  table: migrations,
  id: { prop: 'id', schema: z.uuid() },
  manage: 'plans',
  create: migrationFields,
  update: migrationFields.partial(),
  orderBy: [sql`${migrations.startDate} desc nulls last`, asc(migrations.name)],
  concurrency: byUpdatedAt(migrations),
  nameOf: (row) => row.name,
  prepare(fields, { actor, previous }) {
    if (previous) return fields;
    return { ownerId: actor.userId, statusId: CONTAINER_STATUS_ID.Migration.PLANNING, ...fields };
  },
  async check(next, { tx, previous }) {
    if (!previous || next.statusId !== previous.statusId) await expectStatusKind(tx, next.statusId, 'Migration');
    if (!previous || next.type !== previous.type) {
      const [type] = await tx.select({ id: migrationTypes.id }).from(migrationTypes).where(eq(migrationTypes.code, next.type));
      if (!type) throw domainError('NOT_FOUND', `Migration type "${next.type}" does not exist.`);
    }
    expectDateOrder(next.startDate, next.endDate);
    expectDateOrder(next.startDate, next.businessCutoverDate, 'business cutover date');
  },
  toView: (row) => plain(row),
});

const iterationFields = z.strictObject({
  ...createInsertSchema(iterations).pick({ migrationId: true, masterPlanId: true, iterationTypeCode: true }).shape,
  ...createInsertSchema(iterations).pick({ statusId: true }).partial().shape,
  name: nameOf(iterations.name),
  description: clearable(textOf(iterations.description)),
  startDate: clearable(isoDate),
  endDate: clearable(isoDate),
});

/** The status defaults to PLANNING. */
export const iterationEntity = defineEntity({
  key: 'iterations',
  entityType: 'iteration',
  label: { singular: 'iteration', plural: 'iterations' },
  table: iterations,
  id: { prop: 'id', schema: z.uuid() },
  manage: 'plans',
  create: iterationFields,
  update: iterationFields.partial(),
  list: {
    input: z.strictObject({ migrationId: z.uuid().optional() }),
    where: (input) => (input.migrationId ? eq(iterations.migrationId, input.migrationId) : undefined),
  },
  orderBy: [sql`${iterations.startDate} asc nulls last`, asc(iterations.name)],
  concurrency: byUpdatedAt(iterations),
  // Two "Dress rehearsal 1" in one migration make every picker and report ambiguous.
  extraUniqueKeys: [['migrationId', 'name']],
  uniqueMessage: (key, next) => (key.join() === 'migrationId,name' ? `This migration already has an iteration named "${next.name}"; choose another name.` : undefined),
  nameOf: (row) => row.name,
  prepare(fields, { previous }) {
    if (previous) return fields;
    return { statusId: CONTAINER_STATUS_ID.Iteration.PLANNING, ...fields };
  },
  async check(next, { tx, previous }) {
    if (!previous || next.statusId !== previous.statusId) await expectStatusKind(tx, next.statusId, 'Iteration');
    expectDateOrder(next.startDate, next.endDate);
  },
  toView: (row) => plain(row),
});
