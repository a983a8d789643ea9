import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Tx } from '../../db/client';
import { canManagePlans, canManageReferenceData, type Actor } from '../../domain/access/permissions';
import { domainError } from '../../domain/errors';
import { clampPage } from '../../domain/paging';
import { pageShape } from '../paging';
import { recordAudit } from '../audit';
import type { ServiceContext } from '../context';
import { describeKey, plain, type EntityHandle, type ManageAccess, type Plain } from './crud';
import { columnOf, referencesFrom, tableName } from './schema-meta';
import { capitalize, tableLabel } from './table-labels';

/**
 * Associations (team members, a step's impacted teams…): add / remove / list of one link table
 * between two entities. Adding a link that exists and removing one that does not are accepted
 * and report `changed: false` (a double click is not an error); an unknown end is NOT_FOUND.
 * Every change writes one audit row, ADMIN_<LINK>_ADDED / _REMOVED / _UPDATED.
 */

const MAY_MANAGE: Record<ManageAccess, (actor: Actor) => boolean> = {
  referenceData: canManageReferenceData,
  plans: canManagePlans,
};

interface LinkEnd {
  /** Property of the link table holding this end's key (also the payload field). */
  prop: string;
  entity: EntityHandle;
}

export interface LinkConfig<T extends PgTable, KeyShape extends z.ZodRawShape, ExtraShape extends z.ZodRawShape> {
  key: string;
  /** Audit entity type; also names the actions (team_member -> ADMIN_TEAM_MEMBER_ADDED). */
  entityType: string;
  /** "User "Ann Lee (ALE)" in team "DBA Team"", for audit details. */
  phrase(left: string, right: string): string;
  table: T;
  manage: ManageAccess;
  left: LinkEnd;
  right: LinkEnd;
  /** The two keys, e.g. { teamId, userId }; their names are the link table's properties. */
  keys: z.ZodObject<KeyShape, z.core.$strict>;
  /** Columns set when adding (e.g. the environment role of an iteration environment). */
  extra?: z.ZodObject<ExtraShape, z.core.$strict>;
}

export function defineLink<T extends PgTable, KeyShape extends z.ZodRawShape, ExtraShape extends z.ZodRawShape = Record<never, never>>(
  config: LinkConfig<T, KeyShape, ExtraShape>,
) {
  const { table, left, right } = config;
  const leftColumn = columnOf(table, left.prop);
  const rightColumn = columnOf(table, right.prop);
  const source: PgTable = table;
  const columns = getTableColumns(table) as Record<string, AnyPgColumn>;
  const extraProps = Object.keys(config.extra?.shape ?? {});
  const action = (verb: string) => `ADMIN_${config.entityType.toUpperCase()}_${verb}`;
  const plural = tableLabel(tableName(table)).plural;

  const extraShape = (config.extra?.shape ?? {}) as ExtraShape;
  const addInput = z.strictObject({ ...config.keys.shape, ...extraShape });
  const removeInput = config.keys;
  const listInput = config.keys
    .partial()
    .extend(pageShape)
    .refine((input) => [left.prop, right.prop].some((prop) => (input as Record<string, unknown>)[prop] !== undefined), {
      message: `Send ${left.prop} or ${right.prop} to list by.`,
    });

  function authorize(actor: Actor): void {
    if (!MAY_MANAGE[config.manage](actor)) throw domainError('FORBIDDEN', `Only administrators can change ${plural}.`);
  }

  async function ends(tx: Tx, input: Record<string, unknown>) {
    const found: Array<{ name: string; id: unknown }> = [];
    for (const end of [left, right]) {
      const id = input[end.prop];
      const row = await end.entity.findRow(tx, id);
      if (!row) throw domainError('NOT_FOUND', `${capitalize(end.entity.label.singular)} ${describeKey(id)} does not exist.`);
      found.push({ name: end.entity.describe(row), id });
    }
    return { phrase: config.phrase(found[0]!.name, found[1]!.name), leftId: found[0]!.id, rightId: found[1]!.id };
  }

  /** Extra columns point at other tables too (e.g. environment roles): name a missing one. */
  async function checkExtras(tx: Tx, values: Record<string, unknown>): Promise<void> {
    for (const fk of referencesFrom(table)) {
      const prop = fk.fromProps[0]!;
      if (!extraProps.includes(prop) || values[prop] == null) continue;
      const [hit] = await tx.select({ one: sql<number>`1` }).from(fk.toTable).where(eq(fk.toColumns[0]!, values[prop])).limit(1);
      if (!hit) throw domainError('NOT_FOUND', `${capitalize(tableLabel(fk.toTableName).singular)} ${describeKey(values[prop])} does not exist.`);
    }
  }

  function linkWhere(input: Record<string, unknown>): SQL {
    return and(eq(leftColumn, input[left.prop]), eq(rightColumn, input[right.prop]))!;
  }

  function writer(actor: Actor, now: Date): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    if (columns.createdBy) values.createdBy = columns.createdBy.dataType === 'number' ? actor.userId : actor.code;
    if (columns.createdAt) values.createdAt = now;
    return values;
  }

  async function add(ctx: ServiceContext, input: z.output<typeof addInput>): Promise<{ changed: boolean }> {
    authorize(ctx.actor);
    const payload = input as Record<string, unknown>;
    return ctx.db.transaction(async (tx) => {
      const { phrase, leftId, rightId } = await ends(tx, payload);
      await checkExtras(tx, payload);
      const extras = Object.fromEntries(extraProps.map((prop) => [prop, payload[prop] ?? null]));
      const [existing] = (await tx
        .select()
        .from(source)
        .where(linkWhere(payload))
        .for('update')) as Array<Record<string, unknown>>;
      const audit = { entityType: config.entityType, entityId: `${String(leftId)}:${String(rightId)}` };
      if (existing) {
        if (extraProps.every((prop) => existing[prop] === extras[prop])) return { changed: false };
        await tx
          .update(table)
          .set(extras as never)
          .where(linkWhere(payload));
        await recordAudit(tx, ctx.actor, {
          ...audit,
          action: action('UPDATED'),
          before: plain(existing),
          after: { ...plain(existing), ...extras },
          extra: { link: phrase },
        });
        return { changed: true };
      }
      const inserted = await tx
        .insert(table)
        .values({ [left.prop]: leftId, [right.prop]: rightId, ...extras, ...writer(ctx.actor, ctx.now()) } as never)
        .onConflictDoNothing()
        .returning();
      if ((inserted as unknown[]).length === 0) return { changed: false };
      await recordAudit(tx, ctx.actor, { ...audit, action: action('ADDED'), after: { [left.prop]: leftId, [right.prop]: rightId, ...extras }, extra: { link: phrase } });
      return { changed: true };
    });
  }

  async function remove(ctx: ServiceContext, input: z.output<typeof removeInput>): Promise<{ changed: boolean }> {
    authorize(ctx.actor);
    const payload = input as Record<string, unknown>;
    return ctx.db.transaction(async (tx) => {
      const { phrase, leftId, rightId } = await ends(tx, payload);
      const deleted = (await tx.delete(table).where(linkWhere(payload)).returning()) as Array<Record<string, unknown>>;
      if (deleted.length === 0) return { changed: false };
      await recordAudit(tx, ctx.actor, {
        entityType: config.entityType,
        entityId: `${String(leftId)}:${String(rightId)}`,
        action: action('REMOVED'),
        before: plain(deleted[0]!),
        extra: { link: phrase },
      });
      return { changed: true };
    });
  }

  /** Every known user may list links, like the entities they join. */
  async function list(ctx: ServiceContext, input: z.output<typeof listInput>): Promise<Array<Plain<T['$inferSelect']>>> {
    const payload = input as Record<string, unknown>;
    const page = clampPage(input as { limit?: number; offset?: number });
    const conditions = [left, right].filter((end) => payload[end.prop] !== undefined).map((end) => eq(columnOf(table, end.prop), payload[end.prop]));
    const rows = (await ctx.db
      .select()
      .from(source)
      .where(and(...conditions))
      .orderBy(leftColumn, rightColumn)
      .limit(page.limit)
      .offset(page.offset)) as Array<Record<string, unknown>>;
    return rows.map((row) => plain(row) as Plain<T['$inferSelect']>);
  }

  return { key: config.key, inputs: { add: addInput, remove: removeInput, list: listInput }, add, remove, list };
}
