import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { DURATION_MAX_MINUTES } from '../../domain/planning/durations';

/**
 * Payload fields for the admin entities. Plain column types (ids, foreign keys, booleans) come
 * from drizzle-zod (`createInsertSchema(table).pick(…)`); the fields below add what a column type
 * cannot say (no blank names, bounded `text`, colours, codes) and read their length from the
 * Drizzle column, so a payload can never hold more than the column does.
 */

/** Descriptions and other free text stored in `text` columns. */
export const TEXT_MAX = 10_000;
/** Instruction bodies and configuration values may hold scripts or JSON. */
export const LONG_TEXT_MAX = 50_000;
/** Email template bodies (HTML). */
export const BODY_MAX = 200_000;

/** `varchar(n)` gives n; `text` gives the fallback. */
export function lengthOf(column: AnyPgColumn, fallback = TEXT_MAX): number {
  const length = (column as unknown as { length?: number }).length;
  return typeof length === 'number' && length > 0 ? length : fallback;
}

function tooLong(max: number): string {
  return `Keep this to ${max.toLocaleString('en')} characters or fewer.`;
}

/** A required human name: surrounding spaces removed, not blank, within the column. */
export function nameOf(column: AnyPgColumn, max = 255) {
  const limit = lengthOf(column, max);
  return z.string().trim().min(1, 'Enter a name; it cannot be blank.').max(limit, tooLong(limit));
}

/** Free text within the column (`text` columns get `max`). */
export function textOf(column: AnyPgColumn, max = TEXT_MAX) {
  const limit = lengthOf(column, max);
  return z.string().max(limit, tooLong(limit));
}

/** An optional, clearable field: absent leaves it as it is (or the default), null clears it. */
export function clearable<S extends z.ZodType>(schema: S) {
  return schema.nullable().optional();
}

/** `#RRGGBB`, as the seed's CHECK on `sts_color` demands. */
export const HEX_COLOR = /^#[0-9A-Fa-f]{6}$/;
export const hexColor = z.string().regex(HEX_COLOR, 'Use a colour written as #RRGGBB, e.g. #1F6FEB.');

/** Codes other rows refer to: capitals, digits and underscores, within the column. */
export function codeOf(column: AnyPgColumn, pattern = /^[A-Z0-9_]+$/, hint = 'Use capital letters, digits or underscores only.') {
  const limit = lengthOf(column, 50);
  return z.string().trim().min(1, 'Enter a code.').max(limit, tooLong(limit)).regex(pattern, hint);
}

export function emailOf(column: AnyPgColumn) {
  const limit = lengthOf(column, 255);
  return z.string().trim().toLowerCase().max(limit, tooLong(limit)).regex(z.regexes.email, 'Enter a valid email address.');
}

/** ISO calendar date (YYYY-MM-DD), as stored in `date` columns. */
export const isoDate = z.iso.date('Use a date written as YYYY-MM-DD.');

/** Order numbers and durations: whole, not negative, within int4. */
export const wholeNumber = z.number().int('Use a whole number.').min(0, 'Use a whole number from 0.').max(2_147_483_647);

/** A step or instruction duration: see DURATION_MAX_MINUTES. */
export const durationMinutes = z
  .number()
  .int('Use a whole number of minutes.')
  .min(0, 'Use a whole number of minutes from 0.')
  .max(DURATION_MAX_MINUTES, `A duration is at most ${DURATION_MAX_MINUTES.toLocaleString('en')} minutes (7 days); split longer work into several steps.`);

/** Serial ids. */
export const serialId = z.number().int().positive().max(2_147_483_647);
