import { and, asc, eq, type SQL } from 'drizzle-orm';
import { createInsertSchema } from 'drizzle-zod';
import { z } from 'zod';
import { emailTemplates, systemConfiguration } from '../../../db/schema';
import { domainError } from '../../../domain/errors';
import { compileSafePattern } from '../../../domain/patterns';
import { byUpdatedAt } from '../concurrency';
import { defineEntity, plain } from '../crud';
import { BODY_MAX, clearable, lengthOf, LONG_TEXT_MAX, nameOf, textOf } from '../fields';
import { validateTemplate } from '../../notifications/templates';

export const CONFIGURATION_CATEGORIES = ['MACRO_LOCATION', 'API_CONFIG', 'SYSTEM_SETTING'] as const;
export const CONFIGURATION_DATA_TYPES = ['STRING', 'NUMBER', 'BOOLEAN', 'JSON'] as const;
export type ConfigurationDataType = (typeof CONFIGURATION_DATA_TYPES)[number];

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** Why `value` is not a valid `dataType`, or null when it is. */
export function configurationValueProblem(value: string, dataType: ConfigurationDataType): string | null {
  switch (dataType) {
    case 'NUMBER':
      return NUMBER.test(value.trim()) && Number.isFinite(Number(value)) ? null : `"${value}" is not a number.`;
    case 'BOOLEAN':
      return value === 'true' || value === 'false' ? null : 'A BOOLEAN setting holds true or false.';
    case 'JSON':
      try {
        JSON.parse(value);
        return null;
      } catch {
        return 'The value is not valid JSON.';
      }
    default:
      return null;
  }
}


const configurationFields = z.strictObject({
  ...createInsertSchema(systemConfiguration).pick({ environmentId: true }).shape,
  key: z
    .string()
    .trim()
    .min(1, 'Enter a key.')
    .max(lengthOf(systemConfiguration.key))
    .regex(/^[A-Za-z0-9_.:-]+$/, 'A key uses letters, digits, dots, colons, dashes or underscores only (e.g. api.timeout_ms).'),
  category: clearable(z.enum(CONFIGURATION_CATEGORIES)),
  value: clearable(textOf(systemConfiguration.value, LONG_TEXT_MAX)),
  description: clearable(textOf(systemConfiguration.description)),
  isActive: clearable(z.boolean()),
  dataType: z.enum(CONFIGURATION_DATA_TYPES).optional(),
  validationPattern: clearable(
    z
      .string()
      .min(1)
      .max(lengthOf(systemConfiguration.validationPattern))
      .superRefine((pattern, ctx) => {
        const compiled = compileSafePattern(pattern);
        if (!compiled.ok) ctx.addIssue({ code: 'custom', message: compiled.reason });
      }),
  ),
});

/**
 * Settings per environment. The value must read as its data type and match the validation
 * pattern (a whole-value match is not implied: write ^…$ to anchor it). Both are checked on the
 * setting as it would be after the change, so changing the type or pattern re-checks the value.
 * Settings UMIG manages itself (scf_is_system_managed) can be edited but not deleted, and only
 * the system sets that flag. Only administrators can read settings.
 */
export const systemConfigurationEntity = defineEntity({
  key: 'systemConfiguration',
  entityType: 'system_configuration',
  label: { singular: 'configuration setting', plural: 'configuration settings' },
  table: systemConfiguration,
  id: { prop: 'id', schema: z.uuid() },
  manage: 'referenceData',
  read: 'administrators',
  create: configurationFields,
  update: configurationFields.partial(),
  list: {
    input: z.strictObject({ environmentId: z.number().int().optional(), category: z.enum(CONFIGURATION_CATEGORIES).optional() }),
    where: (input) => {
      const conditions: SQL[] = [];
      if (input.environmentId !== undefined) conditions.push(eq(systemConfiguration.environmentId, input.environmentId));
      if (input.category !== undefined) conditions.push(eq(systemConfiguration.category, input.category));
      return conditions.length > 0 ? and(...conditions) : undefined;
    },
  },
  orderBy: [asc(systemConfiguration.environmentId), asc(systemConfiguration.key)],
  concurrency: byUpdatedAt(systemConfiguration),
  uniqueMessage: (_key, next) => `A setting "${next.key}" already exists for this environment.`,
  nameOf: (row) => row.key,
  check(next) {
    if (next.value == null) return;
    const dataType = (next.dataType ?? 'STRING') as ConfigurationDataType;
    const problem = configurationValueProblem(next.value, dataType);
    if (problem) throw domainError('VALIDATION', `${problem} Setting "${next.key}" is of type ${dataType}.`);
    if (next.validationPattern) {
      const compiled = compileSafePattern(next.validationPattern);
      if (!compiled.ok) throw domainError('VALIDATION', `Setting "${next.key}": ${compiled.reason}`);
      if (!compiled.pattern.test(next.value)) {
        throw domainError('VALIDATION', `The value of setting "${next.key}" does not match its validation pattern ${next.validationPattern}.`);
      }
    }
  },
  guardDelete(row) {
    if (row.isSystemManaged) throw domainError('CONFLICT', `Setting "${row.key}" is managed by UMIG itself and cannot be deleted.`);
  },
  toView: (row) => plain(row),
});

export const EMAIL_TEMPLATE_TYPES = ['STEP_NOTIFICATION', 'MIGRATION_UPDATE', 'SYSTEM_ALERT'] as const;

const emailTemplateFields = z.strictObject({
  type: z.enum(EMAIL_TEMPLATE_TYPES),
  name: nameOf(emailTemplates.name),
  subject: z.string().trim().min(1, 'Enter a subject.').max(1_000),
  bodyHtml: textOf(emailTemplates.bodyHtml, BODY_MAX),
  bodyText: clearable(textOf(emailTemplates.bodyText, BODY_MAX)),
  isActive: clearable(z.boolean()),
});

/** Only administrators can read templates (they may hold internal addresses and wording). */
export const emailTemplateEntity = defineEntity({
  key: 'emailTemplates',
  entityType: 'email_template',
  label: { singular: 'email template', plural: 'email templates' },
  table: emailTemplates,
  id: { prop: 'id', schema: z.uuid() },
  manage: 'referenceData',
  read: 'administrators',
  create: emailTemplateFields,
  update: emailTemplateFields.partial(),
  orderBy: [asc(emailTemplates.type), asc(emailTemplates.name)],
  concurrency: byUpdatedAt(emailTemplates),
  // A template naming a variable UMIG cannot fill would send broken emails mid-cutover.
  check: (next) => {
    validateTemplate({ subject: next.subject, bodyHtml: next.bodyHtml, bodyText: next.bodyText });
  },
  nameOf: (row) => row.name ?? row.id,
  toView: (row) => plain(row),
});
