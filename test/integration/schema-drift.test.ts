import {
  createTableRelationsHelpers,
  eq,
  extractTablesRelationalConfig,
  getTableName,
  is,
  normalizeRelation,
  One,
  SQL,
  type Relation,
} from 'drizzle-orm';
import { getTableConfig, PgDialect, PgTable, type IndexedColumn } from 'drizzle-orm/pg-core';
import * as schema from '../../src/db/schema';
import { TABLES_ADDED_LATER } from '../helpers/seed-document';
import { openTestDatabase, type TestDatabase } from '../helpers/test-database';

/**
 * The migrations are the truth for the database; the Drizzle schema must describe exactly what
 * they create. Each aspect is compared as a sorted list of readable lines, so a failure shows
 * the missing or extra lines as a diff.
 */

const dialect = new PgDialect();
const drizzleTables = Object.values(schema as Record<string, unknown>).filter((value): value is PgTable => is(value, PgTable));
const configs = drizzleTables.map((table) => getTableConfig(table));

const sorted = (lines: string[]) => [...lines].sort();
const renderSql = (value: SQL) => dialect.sqlToQuery(value).sql;
const names = (columns: readonly { name: string }[]) => columns.map((column) => column.name);

/** Drizzle's spelling of a type in the catalog's (format_type) spelling. */
function catalogType(sqlType: string): string {
  const varchar = /^varchar(\(\d+\))?$/.exec(sqlType);
  if (varchar) return `character varying${varchar[1] ?? ''}`;
  if (sqlType === 'timestamp') return 'timestamp without time zone';
  if (sqlType === 'serial') return 'integer';
  return sqlType;
}

/** The database's default expression, without the casts PostgreSQL adds to literals. */
function catalogDefault(expression: string | null): string | null {
  if (expression === null) return null;
  const literal = /^('(?:[^']|'')*')::(?:character varying|text)$/.exec(expression);
  if (literal) return literal[1]!;
  // defaultNow() is now(); the seed writes CURRENT_TIMESTAMP: the same value.
  if (expression === 'CURRENT_TIMESTAMP') return 'now()';
  return expression;
}

function drizzleDefault(column: { default: unknown }): string | null {
  const value = column.default;
  if (value === undefined) return null;
  if (is(value, SQL)) return renderSql(value);
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

const columnLine = (table: string, column: string, type: string, notNull: boolean, defaultValue: string | null) =>
  `${table}.${column} ${type}${notNull ? ' not null' : ''}${defaultValue === null ? '' : ` default ${defaultValue}`}`;

/** An index column; NULLS placement shown only when it is not PostgreSQL's default for the direction. */
function indexColumn(name: string, order: 'asc' | 'desc', nulls: 'first' | 'last'): string {
  const defaultNulls = order === 'desc' ? 'first' : 'last';
  return `${name}${order === 'desc' ? ' desc' : ''}${nulls === defaultNulls ? '' : ` nulls ${nulls}`}`;
}

const ON_DELETE: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

interface Catalog {
  tables: string[];
  columns: string[];
  primaryKeys: string[];
  foreignKeys: string[];
  /** Foreign keys without the on-delete action, to match relations against. */
  foreignKeyLinks: Set<string>;
  uniqueConstraints: string[];
  indexes: string[];
  /** Predicates of partial indexes as PostgreSQL deparses them. */
  partialIndexes: string[];
  checks: string[];
}

const link = (table: string, columns: string[], foreignTable: string, foreignColumns: string[]) =>
  `${table} (${columns.join(', ')}) -> ${foreignTable} (${foreignColumns.join(', ')})`;

async function readCatalog(database: TestDatabase): Promise<Catalog> {
  const { rows: tables } = await database.raw.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const { rows: columns } = await database.raw.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    character_maximum_length: number | null;
    is_nullable: 'YES' | 'NO';
    column_default: string | null;
  }>(
    `SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'public'`,
  );
  const { rows: constraints } = await database.raw.query<{
    name: string;
    type: 'p' | 'f' | 'u' | 'c';
    table_name: string;
    columns: string | null;
    foreign_table: string | null;
    foreign_columns: string | null;
    on_delete: string;
  }>(
    `SELECT con.conname AS name, con.contype::text AS type, rel.relname AS table_name,
            (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
               FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
            frel.relname AS foreign_table,
            (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
               FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS foreign_columns,
            con.confdeltype::text AS on_delete
       FROM pg_constraint con
       JOIN pg_class rel ON rel.oid = con.conrelid
       JOIN pg_namespace ns ON ns.oid = rel.relnamespace
       LEFT JOIN pg_class frel ON frel.oid = con.confrelid
      WHERE ns.nspname = 'public' AND con.contype IN ('p', 'f', 'u', 'c')`,
  );
  // Indexes that back a primary key or a UNIQUE constraint are compared as those constraints.
  const { rows: indexes } = await database.raw.query<{ table_name: string; name: string; unique: boolean; predicate: string | null; columns: string }>(
    `SELECT t.relname AS table_name, c.relname AS name, i.indisunique AS unique, pg_get_expr(i.indpred, i.indrelid) AS predicate,
            (SELECT string_agg(a.attname || ':' || k.option, ', ' ORDER BY k.ord)
               FROM unnest(i.indkey::int2[], i.indoption::int2[]) WITH ORDINALITY AS k(attnum, option, ord)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS columns
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace ns ON ns.oid = t.relnamespace
      WHERE ns.nspname = 'public'
        AND NOT EXISTS (SELECT 1 FROM pg_constraint con
                         WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u'))`,
  );

  const split = (list: string | null) => (list ?? '').split(',');
  const foreignKeys = constraints.filter((c) => c.type === 'f');
  return {
    tables: sorted(tables.map((t) => t.table_name)),
    columns: sorted(
      columns.map((c) => {
        const type = c.data_type === 'character varying' && c.character_maximum_length !== null ? `character varying(${c.character_maximum_length})` : c.data_type;
        return columnLine(c.table_name, c.column_name, type, c.is_nullable === 'NO', catalogDefault(c.column_default));
      }),
    ),
    primaryKeys: sorted(constraints.filter((c) => c.type === 'p').map((c) => `${c.table_name} (${split(c.columns).join(', ')})`)),
    foreignKeys: sorted(
      foreignKeys.map(
        (c) => `${link(c.table_name, split(c.columns), c.foreign_table!, split(c.foreign_columns))} on delete ${ON_DELETE[c.on_delete]}`,
      ),
    ),
    foreignKeyLinks: new Set(foreignKeys.map((c) => link(c.table_name, split(c.columns), c.foreign_table!, split(c.foreign_columns)))),
    uniqueConstraints: sorted(constraints.filter((c) => c.type === 'u').map((c) => `${c.table_name}.${c.name} (${split(c.columns).join(', ')})`)),
    indexes: sorted(
      indexes.map((i) => {
        // indoption bit 1: DESC; bit 2: NULLS FIRST.
        const columns = i.columns.split(', ').map((entry) => {
          const [name, option] = entry.split(':');
          return indexColumn(name!, (Number(option) & 1) === 1 ? 'desc' : 'asc', (Number(option) & 2) === 2 ? 'first' : 'last');
        });
        return `${i.table_name}.${i.name} ${i.unique ? 'unique ' : ''}(${columns.join(', ')})${i.predicate === null ? '' : ' partial'}`;
      }),
    ),
    partialIndexes: sorted(indexes.filter((i) => i.predicate !== null).map((i) => `${i.table_name}.${i.name} where ${i.predicate}`)),
    checks: sorted(constraints.filter((c) => c.type === 'c').map((c) => `${c.table_name}.${c.name}`)),
  };
}

describe('Drizzle schema against the migrated database', () => {
  let database: TestDatabase;
  let catalog: Catalog;

  beforeAll(async () => {
    database = await openTestDatabase();
    catalog = await readCatalog(database);
  });
  afterAll(() => database.close());

  it('declares every table exactly once, and no table the database lacks', () => {
    const names = configs.map((config) => config.name);
    expect(sorted(names)).toEqual(catalog.tables);
    expect(new Set(names).size).toBe(names.length);
    expect(catalog.tables).toHaveLength(55 + Object.keys(TABLES_ADDED_LATER).length);
  });

  it('declares every column with its type, nullability and default', () => {
    const columns = configs.flatMap((config) =>
      config.columns.map((column) => columnLine(config.name, column.name, catalogType(column.getSQLType()), column.notNull, drizzleDefault(column))),
    );
    expect(sorted(columns)).toEqual(catalog.columns);
  });

  it('declares the same primary keys', () => {
    const primaryKeys = configs.flatMap((config) => [
      ...config.columns.filter((column) => column.primary).map((column) => `${config.name} (${column.name})`),
      ...config.primaryKeys.map((pk) => `${config.name} (${names(pk.columns).join(', ')})`),
    ]);
    expect(sorted(primaryKeys)).toEqual(catalog.primaryKeys);
  });

  it('declares the same foreign keys, with their on-delete actions', () => {
    const foreignKeys = configs.flatMap((config) =>
      config.foreignKeys.map((fk) => {
        const { columns, foreignColumns } = fk.reference();
        const target = getTableName(foreignColumns[0]!.table);
        return `${link(config.name, names(columns), target, names(foreignColumns))} on delete ${fk.onDelete ?? 'no action'}`;
      }),
    );
    expect(sorted(foreignKeys)).toEqual(catalog.foreignKeys);
  });

  it('declares the same unique constraints', () => {
    const uniques = configs.flatMap((config) => [
      ...config.columns.filter((column) => column.isUnique).map((column) => `${config.name}.${column.uniqueName} (${column.name})`),
      ...config.uniqueConstraints.map((u) => `${config.name}.${u.name} (${names(u.columns).join(', ')})`),
    ]);
    expect(sorted(uniques)).toEqual(catalog.uniqueConstraints);
  });

  it('declares the same indexes, by name, uniqueness, columns and partiality', () => {
    const indexes = configs.flatMap((config) =>
      config.indexes.map((index) => {
        const columns = index.config.columns
          .map((column) => {
            if (is(column, SQL)) return renderSql(column);
            const indexed = column as IndexedColumn;
            const order = indexed.indexConfig?.order ?? 'asc';
            return indexColumn(indexed.name ?? '(unnamed column)', order, indexed.indexConfig?.nulls ?? (order === 'desc' ? 'first' : 'last'));
          })
          .join(', ');
        return `${config.name}.${index.config.name} ${index.config.unique ? 'unique ' : ''}(${columns})${index.config.where ? ' partial' : ''}`;
      }),
    );
    expect(sorted(indexes)).toEqual(catalog.indexes);
  });

  it('declares the same partial-index predicates', async () => {
    const declared = configs.flatMap((config) =>
      config.indexes.filter((index) => index.config.where).map((index) => ({ table: config.name, name: index.config.name!, where: renderSql(index.config.where!) })),
    );
    const predicates: string[] = [];
    for (const [n, index] of declared.entries()) {
      // Spellings differ (IN vs = ANY); an index built on this private copy with Drizzle's
      // predicate lets PostgreSQL deparse both the same way.
      const probe = `drift_probe_${n}`;
      await database.raw.exec(`CREATE INDEX ${probe} ON ${index.table} ((1)) WHERE ${index.where}`);
      const { rows } = await database.raw.query<{ predicate: string }>(
        'SELECT pg_get_expr(indpred, indrelid) AS predicate FROM pg_index WHERE indexrelid = $1::regclass',
        [probe],
      );
      await database.raw.exec(`DROP INDEX ${probe}`);
      predicates.push(`${index.table}.${index.name} where ${rows[0]!.predicate}`);
    }
    expect(sorted(predicates)).toEqual(catalog.partialIndexes);
  });

  it('declares the same check constraints, each a valid expression on its table', async () => {
    const checks = configs.flatMap((config) => config.checks.map((c) => `${config.name}.${c.name}`));
    expect(sorted(checks)).toEqual(catalog.checks);
    // The seed's spellings (= ANY (ARRAY[...]::text[])) deparse differently from the declared IN
    // lists, so the expressions cannot be compared as text; PostgreSQL must at least accept them.
    for (const config of configs) {
      for (const c of config.checks) {
        await database.raw.exec(`ALTER TABLE ${config.name} ADD CONSTRAINT drift_probe CHECK (${renderSql(c.value)}) NOT VALID`);
        await database.raw.exec(`ALTER TABLE ${config.name} DROP CONSTRAINT drift_probe`);
      }
    }
  });

  it('resolves every relation, each along a foreign key except the instance predecessors', () => {
    const { tables, tableNamesMap } = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
    const withoutForeignKey: string[] = [];
    for (const table of Object.values(tables)) {
      for (const relation of Object.values<Relation>(table.relations)) {
        // Throws when a `many` has no single `one` pointing back.
        const { fields, references } = normalizeRelation(tables, tableNamesMap, relation);
        const source = getTableName(relation.sourceTable);
        const target = getTableName(relation.referencedTable);
        // A `one` holds the foreign key; a `many` is the far side of one.
        const implied = is(relation, One)
          ? link(source, names(fields), target, names(references))
          : link(target, names(references), source, names(fields));
        if (!catalog.foreignKeyLinks.has(implied)) withoutForeignKey.push(implied);
      }
    }
    expect(sorted(withoutForeignKey)).toEqual([
      'phases_instance_phi (predecessor_phi_id) -> phases_instance_phi (phi_id)',
      'sequences_instance_sqi (predecessor_sqi_id) -> sequences_instance_sqi (sqi_id)',
      'steps_instance_sti (sti_id_predecessor) -> steps_instance_sti (sti_id)',
    ]);
  });

  it('writes and reads a user with team memberships through db.query', async () => {
    const { db } = database;
    const [team] = await db.insert(schema.teams).values({ name: 'Cutover Core', email: 'core@example.com' }).returning();
    const [user] = await db
      .insert(schema.users)
      .values({ code: 'ABC', firstName: 'Ada', lastName: 'Byron', email: 'ada@example.com', confluenceUserId: 'acc-123' })
      .returning();
    await db.insert(schema.teamMembers).values({ teamId: team!.id, userId: user!.id, createdBy: 'ABC' });
    const admin = await db.query.roles.findFirst({ where: eq(schema.roles.code, 'ADMIN') });
    await db.update(schema.users).set({ roleId: admin!.id }).where(eq(schema.users.id, user!.id));

    const found = await db.query.users.findFirst({
      where: eq(schema.users.confluenceUserId, 'acc-123'),
      with: { role: true, teamMemberships: { with: { team: true } } },
    });

    expect(found).toMatchObject({
      code: 'ABC',
      firstName: 'Ada',
      active: true,
      isAdmin: false,
      createdBy: 'system',
      role: { code: 'ADMIN' },
      teamMemberships: [{ createdBy: 'ABC', team: { name: 'Cutover Core', email: 'core@example.com' } }],
    });
    expect(found!.createdAt).toBeInstanceOf(Date);
    expect(typeof found!.id).toBe('number');

    const members = await db.query.teams.findFirst({ where: eq(schema.teams.id, team!.id), with: { members: { with: { user: true } } } });
    expect(members!.members.map((m) => m.user.code)).toEqual(['ABC']);
  });
});
