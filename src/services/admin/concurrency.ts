import { createHash } from 'node:crypto';
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { columnOf } from './schema-meta';

/**
 * Optimistic concurrency for admin updates: the payload carries the version the user loaded;
 * the UPDATE only matches that version, so two people editing the same row cannot silently
 * overwrite each other. The second gets CONFLICT and reloads.
 */
export interface Concurrency<Shape extends z.ZodRawShape> {
  /** The fields an update (and optionally a delete) payload carries. */
  shape: Shape;
  /** The loaded version from a parsed payload; undefined when the payload did not send one. */
  token(input: Record<string, unknown>): unknown;
  /** True when the locked row is still the version the user loaded. */
  matches(row: Record<string, unknown>, token: unknown): boolean;
  /** The WHERE condition that makes the UPDATE itself conditional on that version. */
  condition(row: Record<string, unknown>, token: unknown): SQL | undefined;
  /** Columns to set on every update (the new version). */
  stamp(now: Date): Record<string, SQL | Date>;
}

const expectedUpdatedAt = z.iso
  .datetime({ offset: true, message: 'Send the updatedAt you loaded, as an ISO date-time.' })
  .nullable();

/**
 * Version = `updated_at` at millisecond precision (what a JavaScript Date carries, while
 * PostgreSQL keeps microseconds). Each update moves it forward by at least a millisecond, so two
 * updates within the same millisecond still produce two versions.
 */
export function byUpdatedAt(table: PgTable, prop = 'updatedAt', alsoStamp: readonly string[] = []): Concurrency<{ expectedUpdatedAt: typeof expectedUpdatedAt }> {
  const column = columnOf(table, prop);
  const type = sql.raw(column.getSQLType());
  const truncated = sql`date_trunc('milliseconds', ${column})`;
  const at = (value: Date) => sql`${sql.param(value, column)}::${type}`;
  return {
    shape: { expectedUpdatedAt },
    token: (input) => input.expectedUpdatedAt,
    matches(row, token) {
      const current = row[prop] as Date | null | undefined;
      if (token === null) return current == null;
      return current != null && typeof token === 'string' && current.getTime() === Date.parse(token);
    },
    condition(_row, token) {
      if (token === undefined) return undefined;
      if (token === null) return isNull(column);
      return sql`${truncated} = ${at(new Date(token as string))}`;
    },
    stamp(now) {
      const stamp: Record<string, SQL | Date> = { [prop]: sql`greatest(${at(now)}, ${truncated} + interval '1 millisecond')` };
      for (const other of alsoStamp) stamp[other] = now;
      return stamp;
    },
  };
}

const expectedVersion = z.string().min(1).max(64);

function serialise(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * For tables without `updated_at` (labels): the version is a hash of the editable columns, and
 * the UPDATE compares the whole row with the one that was locked and checked.
 */
export function byRowVersion(table: PgTable, props: readonly string[]): Concurrency<{ expectedVersion: typeof expectedVersion }> & {
  version(row: Record<string, unknown>): string;
} {
  const columns: Array<[string, AnyPgColumn]> = props.map((prop) => [prop, columnOf(table, prop)]);
  const version = (row: Record<string, unknown>) =>
    createHash('sha256')
      .update(JSON.stringify(props.map((prop) => serialise(row[prop]) ?? null)))
      .digest('base64url')
      .slice(0, 22);
  return {
    shape: { expectedVersion },
    version,
    token: (input) => input.expectedVersion,
    matches: (row, token) => version(row) === token,
    condition(row, token) {
      if (token === undefined) return undefined;
      return and(...columns.map(([prop, column]) => (row[prop] == null ? isNull(column) : eq(column, row[prop]))));
    },
    stamp: () => ({}),
  };
}
