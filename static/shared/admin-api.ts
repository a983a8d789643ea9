import { umig, type UmigData, type UmigFunction, type UmigPayload } from './api';
import { ServiceError, describeError } from './bridge';
import { readAllPages } from './paging';

/**
 * The admin engine's resolvers as the admin page uses them: 'admin/<entity>/list|get|create|update|delete'
 * and 'admin/<link>/list|add|remove'. Entity and link names, rows and payloads are all derived from
 * the backend's Definitions, so a renamed resolver, field or view property fails the typecheck.
 */

type FnOf<S extends string> = Extract<S, UmigFunction>;
type EntityOf<F> = F extends `admin/${infer E}/update` ? E : never;
type LinkOf<F> = F extends `admin/${infer L}/add` ? L : never;

/** 'teams', 'users', 'masterSteps'… every entity the admin engine manages. */
export type AdminEntityKey = EntityOf<UmigFunction>;
/** 'teamMembers', 'stepLabels'… every association the admin engine manages. */
export type AdminLinkKey = LinkOf<UmigFunction>;

/** One row of `admin/<entity>/list` (the entity's view). */
export type AdminRow<K extends AdminEntityKey> = UmigData<FnOf<`admin/${K}/list`>>[number];
export type AdminListFilter<K extends AdminEntityKey> = UmigPayload<FnOf<`admin/${K}/list`>>;
export type AdminCreate<K extends AdminEntityKey> = UmigPayload<FnOf<`admin/${K}/create`>>;
export type AdminUpdate<K extends AdminEntityKey> = UmigPayload<FnOf<`admin/${K}/update`>>;
export type AdminId<K extends AdminEntityKey> = UmigPayload<FnOf<`admin/${K}/get`>>['id'];
/** The payload fields a create or an update can carry (the version fields and `id` excluded). */
export type AdminFieldName<K extends AdminEntityKey> = Exclude<
  Extract<keyof AdminCreate<K> | keyof AdminUpdate<K>, string>,
  'id' | 'expectedUpdatedAt' | 'expectedVersion'
>;

export type AdminLinkKeys<L extends AdminLinkKey> = UmigPayload<FnOf<`admin/${L}/remove`>>;
/** What `add` sends: the two keys, plus what the link carries (an iteration environment's role). */
export type AdminLinkAdd<L extends AdminLinkKey> = UmigPayload<FnOf<`admin/${L}/add`>>;
export type AdminLinkRow<L extends AdminLinkKey> = UmigData<FnOf<`admin/${L}/list`>>[number];
export type AdminLinkProp<L extends AdminLinkKey> = Extract<keyof AdminLinkKeys<L>, string>;

export type PlanInstanceRow = UmigData<'planInstances/list'>[number];
export type InstantiatedPlan = UmigData<'planInstances/create'>;

/** A row whatever its entity: what the generic table and form work with. */
export type AnyRow = Record<string, unknown>;
export type RowId = string | number;

// One untyped door, used only by the functions below; their signatures carry the real types.
const call = umig as unknown as (functionKey: string, payload?: unknown) => Promise<unknown>;

export function adminList<K extends AdminEntityKey>(entity: K, filter?: AdminListFilter<K>): Promise<Array<AdminRow<K>>> {
  return readAllPages((page) => call(`admin/${entity}/list`, { ...(filter ?? {}), ...page }) as Promise<Array<AdminRow<K>>>);
}

export function adminGet<K extends AdminEntityKey>(entity: K, id: AdminId<K>): Promise<AdminRow<K>> {
  return call(`admin/${entity}/get`, { id }) as Promise<AdminRow<K>>;
}

export function adminCreate<K extends AdminEntityKey>(entity: K, payload: AdminCreate<K>): Promise<AdminRow<K>> {
  return call(`admin/${entity}/create`, payload) as Promise<AdminRow<K>>;
}

export function adminUpdate<K extends AdminEntityKey>(entity: K, payload: AdminUpdate<K>): Promise<AdminRow<K>> {
  return call(`admin/${entity}/update`, payload) as Promise<AdminRow<K>>;
}

export function adminDelete<K extends AdminEntityKey>(
  entity: K,
  payload: UmigPayload<FnOf<`admin/${K}/delete`>>,
): Promise<UmigData<FnOf<`admin/${K}/delete`>>> {
  return call(`admin/${entity}/delete`, payload) as Promise<UmigData<FnOf<`admin/${K}/delete`>>>;
}

export function linkList<L extends AdminLinkKey>(link: L, filter: Partial<AdminLinkKeys<L>>): Promise<Array<AdminLinkRow<L>>> {
  return readAllPages((page) => call(`admin/${link}/list`, { ...filter, ...page }) as Promise<Array<AdminLinkRow<L>>>);
}

export function linkAdd<L extends AdminLinkKey>(link: L, keys: AdminLinkKeys<L>): Promise<{ changed: boolean }> {
  return call(`admin/${link}/add`, keys) as Promise<{ changed: boolean }>;
}

export function linkRemove<L extends AdminLinkKey>(link: L, keys: AdminLinkKeys<L>): Promise<{ changed: boolean }> {
  return call(`admin/${link}/remove`, keys) as Promise<{ changed: boolean }>;
}

/**
 * The version an update or delete sends: what the row said when it was loaded. Labels have no
 * updated_at; their view carries a `version` hash sent back as `expectedVersion`.
 */
export function versionOf(row: AnyRow, concurrency: 'updatedAt' | 'version' = 'updatedAt'): Record<string, string | null> {
  if (concurrency === 'version') return { expectedVersion: typeof row.version === 'string' ? row.version : '' };
  return { expectedUpdatedAt: typeof row.updatedAt === 'string' ? row.updatedAt : null };
}

// ----- failures, as the page shows them

/** What a failed call means for the screen: the sentence, per-field messages, what to offer. */
export interface Problem {
  code: string;
  /** The service's sentence, shown as it is. */
  message: string;
  /** Field name -> message, from VALIDATION details (zod issue paths) or a uniqueness CONFLICT. */
  fields: Record<string, string>;
  /** A CONFLICT about the row itself (someone changed it meanwhile): offer a reload. */
  reloadable: boolean;
}

interface Issue {
  path: string;
  message: string;
}

function issuesOf(details: unknown): Issue[] {
  if (!Array.isArray(details)) return [];
  return details.filter(
    (issue): issue is Issue =>
      typeof issue === 'object' && issue !== null && typeof (issue as Issue).path === 'string' && typeof (issue as Issue).message === 'string',
  );
}

function duplicateFieldsOf(details: unknown): string[] {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return [];
  const fields = (details as { fields?: unknown }).fields;
  return Array.isArray(fields) ? fields.filter((field): field is string => typeof field === 'string') : [];
}

/** A delete refused because other rows still use the row: reloading would not change that. */
function hasReferences(details: unknown): boolean {
  return typeof details === 'object' && details !== null && 'references' in details;
}

/**
 * Reads a failure against the fields the form shows. A VALIDATION issue lands on its field when
 * its path names one (the first segment: 'name', 'order'); a duplicate lands on the last field of
 * the unique key the form shows (for phase + type + number: the number). Everything else stays
 * in the sentence.
 */
/** The banner's sentence once messages stand under their fields: it points there instead of repeating them. */
function pointToFields(marked: number, elsewhere: readonly string[]): string | undefined {
  if (marked === 0) return undefined;
  return [marked === 1 ? 'Check the field marked below.' : `Check the ${marked} fields marked below.`, ...new Set(elsewhere)].join(' ');
}

export function readProblem(error: unknown, shownFields: readonly string[] = []): Problem {
  const message = describeError(error);
  if (!(error instanceof ServiceError)) return { code: 'UNKNOWN', message, fields: {}, reloadable: false };
  const fields: Record<string, string> = {};
  const shown = new Set(shownFields);
  let summary = message;
  if (error.code === 'VALIDATION') {
    const elsewhere: string[] = [];
    for (const issue of issuesOf(error.details)) {
      const field = issue.path.split('.')[0] ?? '';
      if (shown.has(field)) fields[field] ??= issue.message;
      else elsewhere.push(issue.message);
    }
    summary = pointToFields(Object.keys(fields).length, elsewhere) ?? message;
  }
  const duplicate = error.code === 'CONFLICT' ? duplicateFieldsOf(error.details) : [];
  if (duplicate.length > 0) {
    const field = [...duplicate].reverse().find((name) => shown.has(name));
    if (field) {
      fields[field] = message;
      summary = pointToFields(1, []) ?? message;
    }
  }
  return { code: error.code, message: summary, fields, reloadable: error.code === 'CONFLICT' && duplicate.length === 0 && !hasReferences(error.details) };
}

export function isForbidden(error: unknown): boolean {
  return error instanceof ServiceError && (error.code === 'FORBIDDEN' || error.code === 'UNKNOWN_USER');
}
