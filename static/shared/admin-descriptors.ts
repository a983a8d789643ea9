import type {
  AdminCreate,
  AdminEntityKey,
  AdminFieldName,
  AdminLinkAdd,
  AdminLinkKey,
  AdminLinkProp,
  AdminListFilter,
  AdminRow,
  AnyRow,
} from './admin-api';
import type { Option, OptionSource } from './admin-options';

/**
 * An entity descriptor says what the generic admin pieces need to manage one entity: how its
 * rows are named and shown (columns), what a person fills in (fields), which links it has, and
 * the scope it is shown in (a list filter, values fixed on create). One table, one form and one
 * delete dialog serve every entity from it.
 */

export type FieldKind = 'text' | 'textarea' | 'number' | 'boolean' | 'select' | 'date' | 'color' | 'email';

export interface FieldSpec {
  /** The payload field (create and update). */
  name: string;
  label: string;
  kind: FieldKind;
  /** Marked as required; the service still decides and says why. */
  required?: boolean;
  /** Emptying it sends null (the service clears the value). */
  clearable?: boolean;
  /** Shown only when creating or only when editing. */
  on?: 'create' | 'edit';
  /** Set once on creation (codes, parents): read-only when editing. */
  fixedAfterCreate?: boolean;
  /** Choices of a select, loaded from a list resolver… */
  source?: OptionSource;
  /** …or fixed. */
  options?: readonly Option[];
  hint?: string;
  placeholder?: string;
  maxLength?: number;
  /** Starting value of a new row. */
  defaultValue?: unknown;
  /** The row's current value, when it is not `row[name]`. */
  read?: (row: AnyRow) => unknown;
}

export type ColumnKind = 'text' | 'boolean' | 'color' | 'long' | 'date';

export interface ColumnSpec {
  header: string;
  value: (row: AnyRow) => unknown;
  /** The value is an id or code among these options: the table shows the option's label. */
  source?: OptionSource;
  kind?: ColumnKind;
  width?: string;
  /** Kept on one line (codes). */
  nowrap?: boolean;
}

export interface LinkSpec {
  link: AdminLinkKey;
  /** Row action, e.g. "Members"; its accessible name is "Members of <row name>". */
  action: string;
  /** The payload field naming the row the dialog was opened on, e.g. teamId. */
  ownerProp: string;
  /** The payload field naming the other end, e.g. userId. */
  otherProp: string;
  /** What the other end is called ("user") and where its choices come from. */
  other: { singular: string; plural: string; source: OptionSource };
  /**
   * A value the link itself carries (an iteration environment's role): chosen when adding, shown
   * in the list.
   */
  extra?: { prop: string; label: string; source: OptionSource };
  /** Dialog title, e.g. `Members of team "DBA"`. */
  title: (ownerName: string) => string;
}

export interface EntityDescriptor {
  entity: AdminEntityKey;
  singular: string;
  plural: string;
  nameOf(row: AnyRow): string;
  columns: ColumnSpec[];
  fields: FieldSpec[];
  links?: LinkSpec[];
  /** Labels carry a version hash instead of updated_at. */
  concurrency?: 'updatedAt' | 'version';
  /** The list payload (e.g. { planId }), for entities shown inside a parent. */
  filter?: Record<string, unknown>;
  /** Create payload values given by the scope (e.g. the plan a sequence is created in). */
  fixed?: Record<string, unknown>;
  /** What to say when there are no rows yet. */
  emptyHint?: string;
}

// ----- typed builders: the descriptors are checked against the backend's Definitions

export interface TypedColumn<K extends AdminEntityKey> extends Omit<ColumnSpec, 'value'> {
  value: (row: AdminRow<K>) => unknown;
}

export interface TypedField<K extends AdminEntityKey> extends Omit<FieldSpec, 'name' | 'read'> {
  name: AdminFieldName<K>;
  read?: (row: AdminRow<K>) => unknown;
}

export interface TypedEntity<K extends AdminEntityKey> extends Omit<EntityDescriptor, 'entity' | 'nameOf' | 'columns' | 'fields' | 'filter' | 'fixed'> {
  entity: K;
  nameOf(row: AdminRow<K>): string;
  columns: Array<TypedColumn<K>>;
  fields: Array<TypedField<K>>;
  filter?: AdminListFilter<K>;
  fixed?: Partial<AdminCreate<K>>;
}

export function defineAdminEntity<K extends AdminEntityKey>(spec: TypedEntity<K>): EntityDescriptor {
  // The typed spec is the erased one with narrower row types; the generic pieces read rows as records.
  return spec as unknown as EntityDescriptor;
}

export interface TypedLink<L extends AdminLinkKey> extends Omit<LinkSpec, 'link' | 'ownerProp' | 'otherProp' | 'extra'> {
  link: L;
  ownerProp: AdminLinkProp<L>;
  otherProp: AdminLinkProp<L>;
  extra?: Omit<NonNullable<LinkSpec['extra']>, 'prop'> & { prop: Extract<Exclude<keyof AdminLinkAdd<L>, AdminLinkProp<L>>, string> };
}

export function defineAdminLink<L extends AdminLinkKey>(spec: TypedLink<L>): LinkSpec {
  return spec;
}

/** The fields a form shows when creating (`mode` create) or editing a row. */
export function fieldsFor(descriptor: EntityDescriptor, mode: 'create' | 'edit'): FieldSpec[] {
  return descriptor.fields.filter((field) => !field.on || field.on === mode);
}

export function rowIdOf(row: AnyRow): string | number {
  const id = row.id;
  return typeof id === 'number' || typeof id === 'string' ? id : String(id);
}
