import { and, count, eq, getTableColumns, ne, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { DbOrTx, Tx } from '../../db/client';
import { canManagePlans, canManageReferenceData, isAdministrator, type Actor } from '../../domain/access/permissions';
import { domainError } from '../../domain/errors';
import { clampPage } from '../../domain/paging';
import { pageShape } from '../paging';
import { recordAudit } from '../audit';
import type { ServiceContext } from '../context';
import type { Concurrency } from './concurrency';
import { columnOf, referencesFrom, referencesTo, tableName, uniqueKeys, type ForeignKeyLink } from './schema-meta';
import { capitalize, countOf, joinWords, tableLabel, withArticle } from './table-labels';

/**
 * The admin engine: one declaration per entity (src/services/admin/entities/*) becomes
 * list / get / create / update / delete use cases that all behave the same way:
 *
 * - authorize first (FORBIDDEN before anything is read or written);
 * - one transaction per mutation, serialised per table with an advisory lock so the uniqueness
 *   pre-checks hold, with the audit row written inside it;
 * - unknown foreign keys -> NOT_FOUND naming what is missing, duplicates -> CONFLICT naming the
 *   field, both found from the Drizzle schema (schema-meta.ts) rather than from SQL errors;
 * - updates are conditional on the version the user loaded (concurrency.ts) -> CONFLICT;
 * - a delete of something still referenced -> CONFLICT naming who references it, with counts,
 *   from the schema's foreign keys; cascading links go with it and the audit row says so.
 */

export type RowOf<T extends PgTable> = T['$inferSelect'];
type Values = Record<string, unknown>;

export type ManageAccess = 'referenceData' | 'plans';
/** Who may list and get: every known user, or administrators only (configuration, templates). */
export type ReadAccess = 'everyone' | 'administrators';

const MAY_MANAGE: Record<ManageAccess, (actor: Actor) => boolean> = {
  referenceData: canManageReferenceData,
  plans: canManagePlans,
};

export interface RuleContext<T extends PgTable> {
  tx: Tx;
  actor: Actor;
  now: Date;
  /** The row as it was before this change; undefined on create. */
  previous: RowOf<T> | undefined;
}

export interface ViewContext<X> {
  viewer: Actor;
  extras: X;
}

/** A Date-free copy of a row, as it crosses the bridge (JSON) and as tests see it. */
export type Plain<R> = { [K in keyof R]: R[K] extends Date ? string : R[K] extends Date | null ? string | null : R[K] };

export function plain<R extends object>(row: R): Plain<R> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = value instanceof Date ? value.toISOString() : value;
  return out as Plain<R>;
}

export interface SoftReference<T extends PgTable> {
  /** Database table whose rows refer to this one without a foreign key (e.g. by code). */
  tableName: string;
  count(tx: Tx, row: RowOf<T>): Promise<number>;
}

export interface EntityConfig<
  T extends PgTable,
  IdSchema extends z.ZodType<string | number>,
  CreateShape extends z.ZodRawShape,
  UpdateShape extends z.ZodRawShape,
  ListShape extends z.ZodRawShape,
  VersionShape extends z.ZodRawShape,
  View,
  Extras,
> {
  /** Resolver segment: 'teams' gives 'admin/teams/list' … */
  key: string;
  /** Audit entity type; also names the actions (team -> ADMIN_TEAM_CREATED). */
  entityType: string;
  label: { singular: string; plural: string };
  table: T;
  id: { prop: string; schema: IdSchema };
  manage: ManageAccess;
  read?: ReadAccess;
  create: z.ZodObject<CreateShape, z.core.$strict>;
  /** The changeable fields, all optional; the engine adds `id` and the version fields. */
  update: z.ZodObject<UpdateShape, z.core.$strict>;
  list?: { input: z.ZodObject<ListShape, z.core.$strict>; where(input: z.output<z.ZodObject<ListShape>>): SQL | undefined };
  orderBy: SQL[];
  concurrency: Concurrency<VersionShape>;
  nameOf(row: RowOf<T>): string;
  /** How sentences name a row after its label; default the quoted name ('Team "DBA Team"'). */
  describe?(row: RowOf<T>): string;
  /** Loads what the views of a batch of rows need beyond the row (role codes, links…). */
  loadExtras?(db: DbOrTx, rows: readonly RowOf<T>[]): Promise<Extras>;
  toView(row: RowOf<T>, context: ViewContext<Extras>): View;
  /** Payload fields -> column values (lookups, defaults). Default: the fields as they are. */
  prepare?(fields: Values, rc: RuleContext<T>): Promise<Values> | Values;
  /** Rules on the row as it would be after the change; may return derived column values. */
  check?(next: RowOf<T>, rc: RuleContext<T>): Promise<Values | void> | Values | void;
  /** Uniqueness the application keeps on top of the database's (e.g. team names). */
  extraUniqueKeys?: string[][];
  uniqueMessage?(key: readonly string[], next: RowOf<T>, tx: Tx): Promise<string | undefined> | string | undefined;
  softReferences?: SoftReference<T>[];
  guardDelete?(row: RowOf<T>, rc: RuleContext<T>): Promise<void> | void;
  /** Appended to the "still used by" sentence, e.g. "Deactivate the user instead." */
  deleteHint?: string;
}

/** "TRT" -> "TRT"; 12 and uuids -> with id …  */
export function describeKey(value: unknown): string {
  if (typeof value === 'string' && !/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(value)) return `"${value}"`;
  return `with id ${String(value)}`;
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b || (a == null && b == null);
}

function words(prop: string): string {
  return prop.replace(/Id$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function withoutUndefined(values: Values): Values {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

function keyCondition(columns: readonly AnyPgColumn[], values: readonly unknown[]): SQL {
  return and(...columns.map((column, i) => eq(column, values[i])))!;
}

export function defineEntity<
  T extends PgTable,
  IdSchema extends z.ZodType<string | number>,
  CreateShape extends z.ZodRawShape,
  UpdateShape extends z.ZodRawShape,
  VersionShape extends z.ZodRawShape,
  View,
  Extras = undefined,
  ListShape extends z.ZodRawShape = Record<never, never>,
>(config: EntityConfig<T, IdSchema, CreateShape, UpdateShape, ListShape, VersionShape, View, Extras>) {
  const { table, label } = config;
  const Label = capitalize(label.singular);
  const databaseTable = tableName(table);
  const idProp = config.id.prop;
  const idColumn = columnOf(table, idProp);
  /** The table as Drizzle's generic select sees it; rows are typed back with RowOf<T>. */
  const source: PgTable = table;
  const columns = getTableColumns(table) as Record<string, AnyPgColumn>;
  const action = (verb: string) => `ADMIN_${config.entityType.toUpperCase()}_${verb}`;
  const versionKeys = new Set(Object.keys(config.concurrency.shape));
  const uniques = [...uniqueKeys(table), ...(config.extraUniqueKeys ?? [])];
  const outgoing = referencesFrom(table);

  const idOf = (row: RowOf<T>) => (row as Values)[idProp] as string | number;
  const titleOf = (row: RowOf<T>) => `${Label} ${config.describe ? config.describe(row) : `"${config.nameOf(row)}"`}`;

  // ----- payload schemas

  // Every list is paged: at most LIST_PAGE_MAX rows, `limit` clamped to it (src/domain/paging.ts).
  const listInput = (config.list?.input ?? (z.strictObject({}) as unknown as z.ZodObject<ListShape, z.core.$strict>)).extend(pageShape);
  const getInput = z.strictObject({ id: config.id.schema });
  const createInput = config.create;
  const updateInput = z
    .strictObject({ ...config.update.shape, id: config.id.schema, ...config.concurrency.shape })
    .refine((input) => Object.keys(input).some((key) => key !== 'id' && !versionKeys.has(key)), {
      message: 'Send at least one field to change.',
    });
  const deleteInput = z.strictObject({
    id: config.id.schema,
    ...(Object.fromEntries(Object.entries(config.concurrency.shape).map(([key, schema]) => [key, (schema as z.ZodType).optional()])) as unknown as {
      [K in keyof VersionShape]: z.ZodOptional<VersionShape[K]>;
    }),
  });

  // ----- access

  function authorizeRead(actor: Actor): void {
    if (config.read === 'administrators' && !isAdministrator(actor)) {
      throw domainError('FORBIDDEN', `Only administrators can see ${label.plural}.`);
    }
  }

  function authorizeManage(actor: Actor): void {
    if (!MAY_MANAGE[config.manage](actor)) throw domainError('FORBIDDEN', `Only administrators can change ${label.plural}.`);
  }

  // ----- reads

  async function selectRows(db: DbOrTx, where: SQL | undefined, lock = false): Promise<RowOf<T>[]> {
    const query = db
      .select()
      .from(source)
      .where(where);
    const rows = lock ? await query.for('update') : await query.orderBy(...config.orderBy);
    return rows;
  }

  async function findRow(db: DbOrTx, id: unknown, lock = false): Promise<RowOf<T> | undefined> {
    const [row] = await selectRows(db, eq(idColumn, id), lock);
    return row;
  }

  async function requireRow(db: DbOrTx, id: unknown, lock = false): Promise<RowOf<T>> {
    const row = await findRow(db, id, lock);
    if (!row) throw domainError('NOT_FOUND', `${Label} ${describeKey(id)} does not exist (it may have just been deleted).`);
    return row;
  }

  async function views(db: DbOrTx, rows: readonly RowOf<T>[], viewer: Actor): Promise<View[]> {
    const extras = (config.loadExtras ? await config.loadExtras(db, rows) : undefined) as Extras;
    return rows.map((row) => config.toView(row, { viewer, extras }));
  }

  async function viewOf(db: DbOrTx, row: RowOf<T>, viewer: Actor): Promise<View> {
    return (await views(db, [row], viewer))[0]!;
  }

  // ----- rules shared by create and update

  async function serialiseWriters(tx: Tx): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`umig.admin.${databaseTable}`}))`);
  }

  async function checkForeignKeys(tx: Tx, next: Values, changed: ReadonlySet<string> | undefined): Promise<void> {
    for (const fk of outgoing) {
      if (changed && !fk.fromProps.some((prop) => changed.has(prop))) continue;
      const values = fk.fromProps.map((prop) => next[prop]);
      if (values.some((value) => value == null)) continue;
      const [hit] = await tx
        .select({ one: sql<number>`1` })
        .from(fk.toTable)
        .where(keyCondition(fk.toColumns, values))
        .limit(1);
      if (!hit) throw domainError('NOT_FOUND', `${capitalize(tableLabel(fk.toTableName).singular)} ${describeKey(values[0])} does not exist.`);
    }
  }

  function defaultUniqueMessage(key: readonly string[], next: Values): string {
    const a = capitalize(withArticle(label.singular));
    if (key.length === 1) {
      const value = String(next[key[0]!]);
      return key[0] === 'name' ? `${a} named "${value}" already exists.` : `${a} with ${words(key[0]!)} "${value}" already exists.`;
    }
    return `${a} with the same ${joinWords(key.map(words))} already exists.`;
  }

  async function checkUniques(tx: Tx, next: Values, previous: Values | undefined, changed: ReadonlySet<string> | undefined): Promise<void> {
    for (const key of uniques) {
      if (changed && !key.some((prop) => changed.has(prop))) continue;
      const values = key.map((prop) => next[prop]);
      if (values.some((value) => value == null)) continue;
      const conditions = [keyCondition(key.map((prop) => columnOf(table, prop)), values)];
      if (previous) conditions.push(ne(idColumn, previous[idProp]));
      const [hit] = await tx
        .select({ one: sql<number>`1` })
        .from(source)
        .where(and(...conditions))
        .limit(1);
      if (hit) {
        const custom = await config.uniqueMessage?.(key, next, tx);
        throw domainError('CONFLICT', custom ?? defaultUniqueMessage(key, next), { fields: key });
      }
    }
  }

  /** Who wrote it and when, in whichever of the seed's audit columns the table has. */
  function writerColumns(actor: Actor, now: Date, creating: boolean): Values {
    const values: Values = {};
    const by = (prop: string) => (columns[prop]?.dataType === 'number' ? actor.userId : actor.code);
    for (const prop of creating ? ['createdBy', 'updatedBy'] : ['updatedBy']) if (columns[prop]) values[prop] = by(prop);
    if (creating) for (const prop of ['createdAt', 'updatedAt', 'createdDate', 'updatedDate']) if (columns[prop]) values[prop] = now;
    return values;
  }

  // ----- references, for delete

  interface ReferenceCount {
    tableName: string;
    count: number;
  }

  /** Rows of each referencing table that point at `row` through any of that table's keys. */
  async function countReferences(tx: Tx, row: Values, links: readonly ForeignKeyLink[]): Promise<ReferenceCount[]> {
    const byTable = new Map<string, ForeignKeyLink[]>();
    for (const fk of links) byTable.set(fk.fromTableName, [...(byTable.get(fk.fromTableName) ?? []), fk]);
    const counts: ReferenceCount[] = [];
    for (const [name, fks] of byTable) {
      const from = fks[0]!.fromTable;
      let where = or(...fks.map((fk) => keyCondition(fk.fromColumns, fk.toProps.map((prop) => row[prop]))))!;
      // A row pointing at itself goes with it.
      if (from === table) where = and(where, ne(idColumn, row[idProp]))!;
      const [result] = await tx.select({ n: count() }).from(from).where(where);
      const n = Number(result?.n ?? 0);
      if (n > 0) counts.push({ tableName: name, count: n });
    }
    return counts;
  }

  function describeCounts(counts: readonly ReferenceCount[]): string {
    return joinWords(
      [...counts]
        .sort((a, b) => b.count - a.count || tableLabel(a.tableName).singular.localeCompare(tableLabel(b.tableName).singular))
        .map((c) => countOf(c.count, c.tableName)),
    );
  }

  // ----- use cases

  async function list(ctx: ServiceContext, input: z.output<typeof listInput>): Promise<View[]> {
    authorizeRead(ctx.actor);
    const page = clampPage(input as { limit?: number; offset?: number });
    // The key breaks ties, so consecutive pages neither repeat nor skip a row.
    const rows = (await ctx.db
      .select()
      .from(source)
      .where(config.list?.where(input as z.output<z.ZodObject<ListShape>>))
      .orderBy(...config.orderBy, idColumn)
      .limit(page.limit)
      .offset(page.offset)) as RowOf<T>[];
    return views(ctx.db, rows, ctx.actor);
  }

  async function get(ctx: ServiceContext, input: z.output<typeof getInput>): Promise<View> {
    authorizeRead(ctx.actor);
    return viewOf(ctx.db, await requireRow(ctx.db, (input as Values).id), ctx.actor);
  }

  async function create(ctx: ServiceContext, input: z.output<typeof createInput>): Promise<View> {
    authorizeManage(ctx.actor);
    const now = ctx.now();
    return ctx.db.transaction(async (tx) => {
      await serialiseWriters(tx);
      const rc: RuleContext<T> = { tx, actor: ctx.actor, now, previous: undefined };
      const values = withoutUndefined(config.prepare ? await config.prepare({ ...input }, rc) : { ...input });
      await checkForeignKeys(tx, values, undefined);
      await checkUniques(tx, values, undefined, undefined);
      Object.assign(values, (await config.check?.(values as RowOf<T>, rc)) ?? {});
      const [row] = (await tx
        .insert(table)
        .values({ ...values, ...writerColumns(ctx.actor, now, true) } as never)
        .returning()) as unknown as RowOf<T>[];
      const view = await viewOf(tx, row!, ctx.actor);
      await recordAudit(tx, ctx.actor, { action: action('CREATED'), entityType: config.entityType, entityId: idOf(row!), after: view });
      return view;
    });
  }

  function stale(row: RowOf<T>) {
    return domainError(
      'CONFLICT',
      `${titleOf(row)} was changed by someone else since you opened it; reload it and make your change again.`,
    );
  }

  async function update(ctx: ServiceContext, input: z.output<typeof updateInput>): Promise<View> {
    authorizeManage(ctx.actor);
    const now = ctx.now();
    const payload = input as Values;
    const token = config.concurrency.token(payload);
    const fields = Object.fromEntries(Object.entries(payload).filter(([key]) => key !== 'id' && !versionKeys.has(key)));
    return ctx.db.transaction(async (tx) => {
      await serialiseWriters(tx);
      const previous = await requireRow(tx, payload.id, true);
      if (!config.concurrency.matches(previous, token)) throw stale(previous);
      const rc: RuleContext<T> = { tx, actor: ctx.actor, now, previous };
      const values = withoutUndefined(config.prepare ? await config.prepare(fields, rc) : fields);
      const before = previous as Values;
      const changed = new Set(Object.keys(values).filter((key) => !same(values[key], before[key])));
      if (changed.size === 0) return viewOf(tx, previous, ctx.actor);
      const next = { ...before, ...values };
      await checkForeignKeys(tx, next, changed);
      await checkUniques(tx, next, before, changed);
      Object.assign(values, (await config.check?.(next as RowOf<T>, rc)) ?? {});
      const [row] = (await tx
        .update(table)
        .set({ ...values, ...writerColumns(ctx.actor, now, false), ...config.concurrency.stamp(now) } as never)
        .where(and(eq(idColumn, payload.id), config.concurrency.condition(before, token)))
        .returning()) as unknown as RowOf<T>[];
      if (!row) throw stale(previous);
      const [beforeView, afterView] = await views(tx, [previous, row], ctx.actor);
      await recordAudit(tx, ctx.actor, {
        action: action('UPDATED'),
        entityType: config.entityType,
        entityId: idOf(row),
        before: beforeView,
        after: afterView,
        extra: { changed: [...changed] },
      });
      return afterView!;
    });
  }

  async function remove(ctx: ServiceContext, input: z.output<typeof deleteInput>): Promise<{ id: string | number; deleted: true }> {
    authorizeManage(ctx.actor);
    const now = ctx.now();
    const payload = input as Values;
    const token = config.concurrency.token(payload);
    return ctx.db.transaction(async (tx) => {
      const row = await requireRow(tx, payload.id, true);
      if (token !== undefined && !config.concurrency.matches(row, token)) throw stale(row);
      await config.guardDelete?.(row, { tx, actor: ctx.actor, now, previous: row });
      const incoming = referencesTo(table);
      const blocking = await countReferences(
        tx,
        row,
        incoming.filter((fk) => fk.onDelete !== 'cascade' && fk.onDelete !== 'set null'),
      );
      for (const soft of config.softReferences ?? []) {
        const n = await soft.count(tx, row);
        if (n > 0) blocking.push({ tableName: soft.tableName, count: n });
      }
      if (blocking.length > 0) {
        const hint = config.deleteHint ? ` ${config.deleteHint}` : '';
        throw domainError(
          'CONFLICT',
          `${titleOf(row)} is still used by ${describeCounts(blocking)}; remove those first.${hint}`,
          { references: Object.fromEntries(blocking.map((c) => [c.tableName, c.count])) },
        );
      }
      const cascaded = await countReferences(tx, row, incoming.filter((fk) => fk.onDelete === 'cascade'));
      const cleared = await countReferences(tx, row, incoming.filter((fk) => fk.onDelete === 'set null'));
      const before = await viewOf(tx, row, ctx.actor);
      await tx.delete(table).where(eq(idColumn, payload.id));
      await recordAudit(tx, ctx.actor, {
        action: action('DELETED'),
        entityType: config.entityType,
        entityId: idOf(row),
        before,
        extra: {
          ...(cascaded.length > 0 ? { alsoDeleted: describeCounts(cascaded), alsoDeletedCounts: Object.fromEntries(cascaded.map((c) => [c.tableName, c.count])) } : {}),
          ...(cleared.length > 0 ? { unlinked: describeCounts(cleared) } : {}),
        },
      });
      return { id: idOf(row), deleted: true as const };
    });
  }

  return {
    config,
    key: config.key,
    label,
    table,
    idColumn,
    idProp,
    nameOf: (row: RowOf<T>) => config.nameOf(row),
    describe: (row: object) => config.nameOf(row as RowOf<T>),
    findRow,
    requireRow,
    inputs: { list: listInput, get: getInput, create: createInput, update: updateInput, delete: deleteInput },
    list,
    get,
    create,
    update,
    delete: remove,
  };
}

/** What links (associations) need from an entity: its label, its rows and their names. */
export interface EntityHandle {
  label: { singular: string; plural: string };
  findRow(db: DbOrTx, id: unknown, lock?: boolean): Promise<object | undefined>;
  describe(row: object): string;
}
