import { asc, eq } from 'drizzle-orm';
import { createInsertSchema } from 'drizzle-zod';
import { z } from 'zod';
import { applications, environments, labels } from '../../../db/schema';
import { byRowVersion, byUpdatedAt } from '../concurrency';
import { defineEntity, plain } from '../crud';
import { clearable, codeOf, hexColor, nameOf, serialId, textOf } from '../fields';

const CATALOG_CODE = /^[A-Z0-9_.-]+$/;
const CATALOG_CODE_HINT = 'Use capital letters, digits, dots, dashes or underscores only (e.g. CRM-CORE).';

const applicationFields = z.strictObject({
  code: codeOf(applications.code, CATALOG_CODE, CATALOG_CODE_HINT),
  name: nameOf(applications.name),
  description: clearable(textOf(applications.description)),
});

export const applicationEntity = defineEntity({
  key: 'applications',
  entityType: 'application',
  label: { singular: 'application', plural: 'applications' },
  table: applications,
  id: { prop: 'id', schema: serialId },
  manage: 'referenceData',
  create: applicationFields,
  update: applicationFields.partial(),
  orderBy: [asc(applications.code)],
  concurrency: byUpdatedAt(applications),
  nameOf: (row) => row.name ?? row.code,
  toView: (row) => plain(row),
});

const environmentFields = z.strictObject({
  code: codeOf(environments.code, CATALOG_CODE, CATALOG_CODE_HINT),
  name: nameOf(environments.name),
  description: clearable(textOf(environments.description)),
});

export const environmentEntity = defineEntity({
  key: 'environments',
  entityType: 'environment',
  label: { singular: 'environment', plural: 'environments' },
  table: environments,
  id: { prop: 'id', schema: serialId },
  manage: 'referenceData',
  create: environmentFields,
  update: environmentFields.partial(),
  orderBy: [asc(environments.code)],
  concurrency: byUpdatedAt(environments),
  nameOf: (row) => row.name ?? row.code ?? `#${row.id}`,
  toView: (row) => plain(row),
});

const labelFields = z.strictObject({
  ...createInsertSchema(labels).pick({ migrationId: true }).shape,
  name: nameOf(labels.name, 100),
  description: clearable(textOf(labels.description)),
  color: clearable(hexColor),
});

/** labels_lbl has no updated_at: edits are checked against a hash of the editable columns (`version`). */
const labelVersion = byRowVersion(labels, ['name', 'description', 'color']);

/** A label belongs to one migration for life; to move it, create it in the other migration. */
export const labelEntity = defineEntity({
  key: 'labels',
  entityType: 'label',
  label: { singular: 'label', plural: 'labels' },
  table: labels,
  id: { prop: 'id', schema: serialId },
  manage: 'referenceData',
  create: labelFields,
  update: labelFields.omit({ migrationId: true }).partial(),
  list: {
    input: z.strictObject({ migrationId: z.uuid().optional() }),
    where: (input) => (input.migrationId ? eq(labels.migrationId, input.migrationId) : undefined),
  },
  orderBy: [asc(labels.name)],
  concurrency: labelVersion,
  uniqueMessage: (_key, next) => `A label named "${next.name}" already exists in this migration.`,
  nameOf: (row) => row.name,
  toView: (row) => ({ ...plain(row), version: labelVersion.version(row) }),
});
