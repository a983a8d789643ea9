import { asc, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { iterationTypes, migrations, migrationTypes, statuses, stepTypes } from '../../../db/schema';
import { domainError } from '../../../domain/errors';
import { statusColorProblem } from '../../../domain/look/contrast';
import { describeStatusId, type StatusKind } from '../../../domain/statuses';
import { byUpdatedAt } from '../concurrency';
import { defineEntity, plain } from '../crud';
import { clearable, codeOf, hexColor, lengthOf, nameOf, textOf } from '../fields';

/**
 * Lookup tables. Their codes are what other rows store (steps store stt_code, iterations itt_code,
 * migrations mig_type), so a code is fixed once created: to "rename" one, create the new code,
 * move its users, delete the old one.
 */

const displayFields = {
  color: clearable(hexColor),
  icon: clearable(z.string().trim().min(1).max(lengthOf(iterationTypes.icon))),
  displayOrder: clearable(z.number().int().min(0).max(1_000_000)),
  active: clearable(z.boolean()),
};

const iterationTypeFields = z.strictObject({
  code: codeOf(iterationTypes.code, /^[A-Z0-9_]+$/),
  name: nameOf(iterationTypes.name),
  description: clearable(textOf(iterationTypes.description)),
  ...displayFields,
});

export const iterationTypeEntity = defineEntity({
  key: 'iterationTypes',
  entityType: 'iteration_type',
  label: { singular: 'iteration type', plural: 'iteration types' },
  table: iterationTypes,
  id: { prop: 'code', schema: z.string().min(1).max(lengthOf(iterationTypes.code)) },
  manage: 'referenceData',
  create: iterationTypeFields,
  update: iterationTypeFields.omit({ code: true }).partial(),
  orderBy: [asc(iterationTypes.displayOrder), asc(iterationTypes.code)],
  concurrency: byUpdatedAt(iterationTypes),
  nameOf: (row) => row.name,
  toView: (row) => ({ ...plain(row), id: row.code }),
});

const migrationTypeFields = z.strictObject({
  code: codeOf(migrationTypes.code, /^[A-Z0-9_]+$/),
  name: nameOf(migrationTypes.name),
  description: clearable(textOf(migrationTypes.description)),
  ...displayFields,
});

/** migrations_mig.mig_type stores the code as free text (no FK), so deletes count those by hand. */
export const migrationTypeEntity = defineEntity({
  key: 'migrationTypes',
  entityType: 'migration_type',
  label: { singular: 'migration type', plural: 'migration types' },
  table: migrationTypes,
  id: { prop: 'id', schema: z.number().int().positive() },
  manage: 'referenceData',
  create: migrationTypeFields,
  update: migrationTypeFields.omit({ code: true }).partial(),
  orderBy: [asc(migrationTypes.displayOrder), asc(migrationTypes.code)],
  concurrency: byUpdatedAt(migrationTypes),
  softReferences: [
    {
      tableName: 'migrations_mig',
      async count(tx, row) {
        const [result] = await tx.select({ n: count() }).from(migrations).where(eq(migrations.type, row.code));
        return Number(result?.n ?? 0);
      },
    },
  ],
  nameOf: (row) => row.name,
  toView: (row) => plain(row),
});

const stepTypeFields = z.strictObject({
  // Letters and digits only, so a step code (TRT-010) always splits back at the dash.
  code: codeOf(stepTypes.code, /^[A-Z0-9]{1,3}$/, 'A step type code is one to three capital letters or digits, e.g. TRT.'),
  name: nameOf(stepTypes.name),
  description: clearable(textOf(stepTypes.description)),
});

export const stepTypeEntity = defineEntity({
  key: 'stepTypes',
  entityType: 'step_type',
  label: { singular: 'step type', plural: 'step types' },
  table: stepTypes,
  id: { prop: 'code', schema: z.string().min(1).max(lengthOf(stepTypes.code)) },
  manage: 'referenceData',
  create: stepTypeFields,
  update: stepTypeFields.omit({ code: true }).partial(),
  orderBy: [asc(stepTypes.code)],
  concurrency: byUpdatedAt(stepTypes),
  nameOf: (row) => row.name,
  toView: (row) => ({ ...plain(row), id: row.code }),
});

export const STATUS_KINDS = ['Migration', 'Iteration', 'Plan', 'Sequence', 'Phase', 'Step', 'Control'] as const satisfies readonly StatusKind[];

const statusFields = z.strictObject({
  name: nameOf(statuses.name).regex(/^[A-Z][A-Z0-9_]*$/, 'A status name is written in capitals, e.g. ON_HOLD.'),
  // Lozenges show the status name on this colour: refuse one no text colour can be read on.
  color: hexColor.superRefine((color, context) => {
    const problem = statusColorProblem(color);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  }),
  type: z.enum(STATUS_KINDS),
});

function seeded(id: number): boolean {
  return describeStatusId(id) !== undefined;
}

/**
 * The 31 seeded statuses (ids 1..31) are named by id in code and in the seed's indexes, so they
 * keep their name and type for good and cannot be deleted; their colour may change.
 */
export const statusEntity = defineEntity({
  key: 'statuses',
  entityType: 'status',
  label: { singular: 'status', plural: 'statuses' },
  table: statuses,
  id: { prop: 'id', schema: z.number().int().positive() },
  manage: 'referenceData',
  create: statusFields,
  update: statusFields.partial(),
  orderBy: [asc(statuses.type), asc(statuses.id)],
  concurrency: byUpdatedAt(statuses, 'updatedAt', ['updatedDate']),
  uniqueMessage: (_key, next) => `A ${next.type.toLowerCase()} status named "${next.name}" already exists.`,
  nameOf: (row) => `${row.name} (${row.type})`,
  describe: (row) => `"${row.name}" (${row.type})`,
  check(next, { previous }) {
    if (previous && seeded(previous.id) && (next.name !== previous.name || next.type !== previous.type)) {
      throw domainError(
        'CONFLICT',
        `Status "${previous.name}" (${previous.type}) is one of the statuses UMIG itself relies on; it cannot be renamed or moved to another type. Only its colour can change.`,
      );
    }
  },
  guardDelete(row) {
    if (seeded(row.id)) {
      throw domainError('CONFLICT', `Status "${row.name}" (${row.type}) is one of the statuses UMIG itself relies on; it cannot be deleted.`);
    }
  },
  toView: (row) => ({ ...plain(row), seeded: seeded(row.id) }),
});
