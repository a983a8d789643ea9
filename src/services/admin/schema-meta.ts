import { getTableColumns, is } from 'drizzle-orm';
import { getTableConfig, IndexedColumn, PgTable, type AnyPgColumn } from 'drizzle-orm/pg-core';
import * as schema from '../../db/schema';

/**
 * What the admin engine reads from the Drizzle schema instead of hand-listing it: which foreign
 * keys point at a table (to refuse or describe a delete), which a table holds (to say "Step type
 * "ZZZ" does not exist"), and which column sets are unique (to say "A team named … already exists").
 * The schema is checked against the migrations by test/integration/schema-drift.test.ts, so this
 * metadata is the database's.
 */

export type OnDelete = 'cascade' | 'restrict' | 'no action' | 'set null' | 'set default';

export interface ForeignKeyLink {
  fromTable: PgTable;
  fromTableName: string;
  /** Property names of the referencing columns, in key order. */
  fromProps: string[];
  fromColumns: AnyPgColumn[];
  toTable: PgTable;
  toTableName: string;
  toProps: string[];
  toColumns: AnyPgColumn[];
  onDelete: OnDelete;
}

export function tableName(table: PgTable): string {
  return getTableConfig(table).name;
}

/** Property name (e.g. `teamId`) of a database column (e.g. `tms_id`) of a table. */
export function propertyOf(table: PgTable, columnName: string): string {
  for (const [prop, column] of Object.entries(getTableColumns(table))) {
    if (column.name === columnName) return prop;
  }
  throw new Error(`${tableName(table)} has no column ${columnName}`);
}

export function columnOf(table: PgTable, prop: string): AnyPgColumn {
  const column = (getTableColumns(table) as Record<string, AnyPgColumn>)[prop];
  if (!column) throw new Error(`${tableName(table)} has no property ${prop}`);
  return column;
}

let allTables: PgTable[] | undefined;
let allForeignKeys: ForeignKeyLink[] | undefined;

/** Every table of the schema; computed on first use so module load order never matters. */
export function schemaTables(): PgTable[] {
  allTables ??= (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));
  return allTables;
}

export function foreignKeys(): ForeignKeyLink[] {
  allForeignKeys ??= schemaTables().flatMap((table) =>
    getTableConfig(table).foreignKeys.map((fk): ForeignKeyLink => {
      const reference = fk.reference();
      const target = reference.foreignTable;
      return {
        fromTable: table,
        fromTableName: tableName(table),
        fromProps: reference.columns.map((column) => propertyOf(table, column.name)),
        fromColumns: reference.columns,
        toTable: target,
        toTableName: tableName(target),
        toProps: reference.foreignColumns.map((column) => propertyOf(target, column.name)),
        toColumns: reference.foreignColumns,
        onDelete: (fk.onDelete ?? 'no action'),
      };
    }),
  );
  return allForeignKeys;
}

/** Foreign keys elsewhere (or in the same table) that point at `table`. */
export function referencesTo(table: PgTable): ForeignKeyLink[] {
  return foreignKeys().filter((fk) => fk.toTable === table);
}

/** Foreign keys held by `table`. */
export function referencesFrom(table: PgTable): ForeignKeyLink[] {
  return foreignKeys().filter((fk) => fk.fromTable === table);
}

/**
 * Column sets (as property names) the database keeps unique: the primary key, unique columns and
 * constraints, and unique indexes without a WHERE clause or expressions.
 */
export function uniqueKeys(table: PgTable): string[][] {
  const config = getTableConfig(table);
  const keys: string[][] = [];
  const primary = config.columns.filter((column) => column.primary).map((column) => propertyOf(table, column.name));
  if (primary.length > 0) keys.push(primary);
  for (const pk of config.primaryKeys) keys.push(pk.columns.map((column) => propertyOf(table, column.name)));
  for (const column of config.columns) if (column.isUnique) keys.push([propertyOf(table, column.name)]);
  for (const unique of config.uniqueConstraints) keys.push(unique.columns.map((column) => propertyOf(table, column.name)));
  for (const index of config.indexes) {
    const { unique, where, columns } = index.config;
    if (!unique || where || !columns.every((column) => is(column, IndexedColumn))) continue;
    keys.push((columns).map((column) => propertyOf(table, column.name!)));
  }
  const seen = new Set<string>();
  return keys.filter((key) => {
    const id = key.join('\u0000');
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
