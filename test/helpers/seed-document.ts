import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Reads the data model's source of truth (docs/data-model/umig-data-architecture.md) into plain
 * objects, so conformance tests compare the database with the seed's own text instead of with a
 * hand-typed copy of it. Only the ```sql fences are read; DROP and SELECT statements are skipped.
 */

/** The copy the schema follows, kept in the repository so a lone clone can test itself. */
export const SEED_DOCUMENT_PATH = path.resolve(__dirname, '../..', 'docs/data-model/umig-data-architecture.md');

/**
 * An upstream copy of the document to compare with, named by UMIG_UPSTREAM_DATA_MODEL (a path,
 * relative to the repository). Nothing outside the repository is read unless someone asks: a clone
 * from elsewhere has no upstream, and the tests never depend on one.
 */
export function upstreamSeedDocumentPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env.UMIG_UPSTREAM_DATA_MODEL?.trim();
  return named ? path.resolve(__dirname, '../..', named) : undefined;
}

/** The upstream document when one is named and exists, else undefined. */
export function upstreamSeedDocumentText(): string | undefined {
  const upstream = upstreamSeedDocumentPath();
  return upstream && existsSync(upstream) ? readFileSync(upstream, 'utf8') : undefined;
}

/** The five import-tracking tables the seed counts (55) but never defines; added by 0002 (docs/decisions.md). */
export const IMPORT_TRACKING_TABLES = [
  'import_batches_imb',
  'stg_import_orchestrations_ior',
  'stg_import_progress_tracking_ipt',
  'stg_import_rollback_actions_ira',
  'stg_import_entity_dependencies_ied',
] as const;

/**
 * Tables that later features add by their own migrations, beyond the foundation's 55. Each names
 * the migration that creates it, so the table-set tests stay exact as the schema grows.
 */
export const TABLES_ADDED_LATER: Readonly<Record<string, string>> = {
  email_outbox_eob: '0007_email_outbox',
  notification_preferences_npr: '0007_email_outbox',
  migration_notification_settings_mns: '0007_email_outbox',
  step_dependencies_master_sdm: '0009_step_dependencies',
  step_dependencies_instance_sdi: '0009_step_dependencies',
  plan_backout_markers_master_pbm: '0009_step_dependencies',
  import_uploads_iup: '0010_import_uploads',
  import_upload_parts_iupp: '0010_import_uploads',
  plan_instance_schedule_pis: '0015_plan_instance_schedule',
};

export interface SeedColumn {
  name: string;
  /** The type as the seed writes it, e.g. `VARCHAR(20)`, `int4`, `SERIAL`. */
  rawType: string;
  /** The type as PostgreSQL's format_type() prints it, e.g. `character varying(20)`, `integer`. */
  type: string;
  serial: boolean;
  /** Written NOT NULL, or implied by SERIAL/PRIMARY KEY. */
  notNull: boolean;
  /** The DEFAULT expression as written (SERIAL: the nextval() PostgreSQL creates for it). */
  default?: string;
  /** Inline CHECK expressions, as written inside CHECK ( … ). */
  checks: string[];
  unique: boolean;
  primaryKey: boolean;
}

export interface SeedCheck {
  table: string;
  /** The column the CHECK is written on; undefined for a table-level CHECK. */
  column?: string;
  expression: string;
}

export interface SeedTable {
  name: string;
  columns: SeedColumn[];
  /** Primary key columns in order; empty when the seed declares none. */
  primaryKey: string[];
  /** Column lists of UNIQUE constraints (inline or table-level). */
  uniques: string[][];
  checks: SeedCheck[];
  comment?: string;
  columnComments: Record<string, string>;
}

export interface SeedIndex {
  name: string;
  table: string;
  unique: boolean;
  method: string;
  /** Key columns as written, with `DESC` kept (e.g. `iqm_priority DESC`). */
  columns: string[];
  /** The partial index predicate as written, without WHERE. */
  where?: string;
}

export type ReferentialAction = 'NO ACTION' | 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'SET DEFAULT';

export interface SeedForeignKey {
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
  /** The statement as written, for failure messages. */
  statement: string;
}

export type SqlValue = string | number | boolean | null;

export interface SeedInsert {
  table: string;
  columns: string[];
  rows: SqlValue[][];
}

export interface SeedDocument {
  tables: SeedTable[];
  indexes: SeedIndex[];
  foreignKeys: SeedForeignKey[];
  inserts: SeedInsert[];
  sequences: string[];
  /** Statements the parser did not recognise (DROP and SELECT are skipped on purpose, not listed). */
  unrecognised: string[];
  table(name: string): SeedTable;
  /** The rows of the seed's INSERTs into `table`, as objects keyed by column. */
  rowsOf(table: string): Record<string, SqlValue>[];
}

export function loadSeedDocument(file = SEED_DOCUMENT_PATH): SeedDocument {
  if (!existsSync(file)) {
    throw new Error(
      `The data model is missing: expected ${file} (docs/data-model/umig-data-architecture.md in the repository). ` +
        'The schema conformance tests compare the database with it and cannot run without it.',
    );
  }
  return parseSeedDocument(readFileSync(file, 'utf8'));
}

/** The concatenated contents of every ```sql fence of a markdown document. */
export function sqlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sql[^\n]*\n([\s\S]*?)^```/gm)].map((match) => match[1]!);
}

export function parseSeedDocument(markdown: string): SeedDocument {
  const tables = new Map<string, SeedTable>();
  const indexes: SeedIndex[] = [];
  const foreignKeys: SeedForeignKey[] = [];
  const inserts: SeedInsert[] = [];
  const sequences: string[] = [];
  const unrecognised: string[] = [];
  const pendingComments: Array<{ table: string; column?: string; text: string; statement: string }> = [];

  for (const block of sqlBlocks(markdown)) {
    for (const statement of splitStatements(block)) {
      const s = new Cursor(statement.tokens, statement.source);
      if (s.accept('drop') || s.peekIs('select')) continue;
      if (s.accept('create')) {
        if (s.accept('sequence')) {
          s.accept('if', 'not', 'exists');
          sequences.push(s.qualifiedName().at(-1)!);
        } else if (s.accept('table')) {
          const table = parseCreateTable(s);
          tables.set(table.name, table);
        } else if (s.peekIs('unique') || s.peekIs('index')) {
          indexes.push(parseCreateIndex(s));
        } else {
          unrecognised.push(statement.text);
        }
      } else if (s.accept('comment', 'on')) {
        const kind = s.identifier();
        const name = s.qualifiedName();
        // Drop the schema: `"public"."t"` / `"public"."t"."c"`.
        if (name.length > (kind === 'column' ? 2 : 1)) name.shift();
        s.expect('is');
        const text = s.string();
        if (kind === 'table') pendingComments.push({ table: name[0]!, text, statement: statement.text });
        else if (kind === 'column') pendingComments.push({ table: name[0]!, column: name[1]!, text, statement: statement.text });
        else unrecognised.push(statement.text);
      } else if (s.accept('alter', 'table')) {
        s.accept('only');
        const table = s.tableName();
        s.expect('add');
        if (s.accept('constraint')) s.identifier();
        if (s.accept('foreign', 'key')) foreignKeys.push(parseForeignKey(s, table, s.columnList(), statement.text));
        else unrecognised.push(statement.text);
      } else if (s.accept('insert', 'into')) {
        inserts.push(parseInsert(s));
      } else {
        unrecognised.push(statement.text);
      }
    }
  }

  for (const comment of pendingComments) {
    const table = tables.get(comment.table);
    if (!table) unrecognised.push(`${comment.statement} (no such table in the seed)`);
    else if (comment.column === undefined) table.comment = comment.text;
    else table.columnComments[comment.column] = comment.text;
  }

  const tableList = [...tables.values()];
  return {
    tables: tableList,
    indexes,
    foreignKeys,
    inserts,
    sequences,
    unrecognised,
    table(name) {
      const table = tables.get(name);
      if (!table) throw new Error(`The seed defines no table ${name}`);
      return table;
    },
    rowsOf(table) {
      return inserts
        .filter((insert) => insert.table === table)
        .flatMap((insert) => insert.rows.map((row) => Object.fromEntries(insert.columns.map((column, i) => [column, row[i] ?? null]))));
    },
  };
}

function parseCreateTable(s: Cursor): SeedTable {
  s.accept('if', 'not', 'exists');
  const name = s.tableName();
  const table: SeedTable = { name, columns: [], primaryKey: [], uniques: [], checks: [], columnComments: {} };
  s.expect('(');
  for (const item of s.splitUntilClose()) {
    const c = new Cursor(item, s.source);
    if (c.accept('constraint')) c.identifier();
    if (c.accept('primary', 'key')) table.primaryKey = c.columnList();
    else if (c.accept('unique')) table.uniques.push(c.columnList());
    else if (c.accept('check')) table.checks.push({ table: name, expression: c.parenthesised() });
    else if (c.accept('foreign', 'key')) throw new Error(`Table-level FOREIGN KEY in ${name} is not supported by the seed parser`);
    else table.columns.push(parseColumn(c, table));
  }
  for (const column of table.columns) {
    if (column.primaryKey) table.primaryKey = [column.name];
    if (column.unique) table.uniques.push([column.name]);
    for (const expression of column.checks) table.checks.push({ table: name, column: column.name, expression });
  }
  for (const column of table.columns) {
    if (table.primaryKey.includes(column.name)) column.notNull = true;
  }
  return table;
}

const COLUMN_CONSTRAINT_WORDS = new Set(['not', 'null', 'default', 'check', 'unique', 'primary', 'references', 'constraint', 'collate']);

function parseColumn(c: Cursor, table: SeedTable): SeedColumn {
  const name = c.identifier();
  const rawType = c.textUntil((token, depth) => depth === 0 && token.kind === 'ident' && COLUMN_CONSTRAINT_WORDS.has(token.value));
  if (!rawType) throw new Error(`Column ${table.name}.${name} has no type`);
  const serial = /^(small|big)?serial[248]?$/i.test(rawType);
  const column: SeedColumn = { name, rawType, type: normalizeType(rawType), serial, notNull: serial, checks: [], unique: false, primaryKey: false };
  if (serial) column.default = `nextval('${table.name}_${name}_seq'::regclass)`;
  while (!c.done()) {
    if (c.accept('constraint')) c.identifier();
    else if (c.accept('not', 'null')) column.notNull = true;
    else if (c.accept('null')) continue;
    else if (c.accept('default')) {
      column.default = c.textUntil((token, depth, index) => index > 0 && depth === 0 && token.kind === 'ident' && COLUMN_CONSTRAINT_WORDS.has(token.value));
    } else if (c.accept('check')) column.checks.push(c.parenthesised());
    else if (c.accept('unique')) column.unique = true;
    else if (c.accept('primary', 'key')) {
      column.primaryKey = true;
      column.notNull = true;
    } else if (c.accept('references')) {
      throw new Error(`Inline REFERENCES on ${table.name}.${name} is not supported by the seed parser`);
    } else throw new Error(`Unexpected "${c.peek()?.text}" in column ${table.name}.${name}`);
  }
  return column;
}

function parseCreateIndex(s: Cursor): SeedIndex {
  const unique = s.accept('unique');
  s.expect('index');
  s.accept('concurrently');
  s.accept('if', 'not', 'exists');
  const name = s.identifier();
  s.expect('on');
  s.accept('only');
  const table = s.tableName();
  const method = s.accept('using') ? s.identifier() : 'btree';
  s.expect('(');
  const columns = s.splitUntilClose().map((tokens) => textOf(tokens, s.source));
  const where = s.accept('where') ? s.rest() : undefined;
  if (!s.done()) throw new Error(`Unexpected "${s.peek()?.text}" in index ${name}`);
  return { name, table, unique, method, columns, where };
}

function parseForeignKey(s: Cursor, table: string, columns: string[], statement: string): SeedForeignKey {
  s.expect('references');
  const refTable = s.tableName();
  const refColumns = s.columnList();
  let onDelete: ReferentialAction = 'NO ACTION';
  let onUpdate: ReferentialAction = 'NO ACTION';
  while (s.accept('on')) {
    const event = s.identifier();
    const action = referentialAction(s);
    if (event === 'delete') onDelete = action;
    else if (event === 'update') onUpdate = action;
    else throw new Error(`Unexpected ON ${event} in: ${statement}`);
  }
  if (!s.done()) throw new Error(`Unexpected "${s.peek()?.text}" in: ${statement}`);
  return { table, columns, refTable, refColumns, onDelete, onUpdate, statement };
}

function referentialAction(s: Cursor): ReferentialAction {
  if (s.accept('cascade')) return 'CASCADE';
  if (s.accept('restrict')) return 'RESTRICT';
  if (s.accept('no', 'action')) return 'NO ACTION';
  if (s.accept('set', 'null')) return 'SET NULL';
  if (s.accept('set', 'default')) return 'SET DEFAULT';
  throw new Error(`Unknown referential action "${s.peek()?.text}"`);
}

function parseInsert(s: Cursor): SeedInsert {
  const table = s.tableName();
  const columns = s.columnList();
  s.expect('values');
  const rows: SqlValue[][] = [];
  do {
    s.expect('(');
    rows.push(s.splitUntilClose().map((tokens) => literalValue(tokens, s.source)));
  } while (s.accept(','));
  if (!s.done()) throw new Error(`INSERT INTO ${table}: clauses after VALUES (${s.rest()}) are not supported by the seed parser`);
  return { table, columns, rows };
}

function literalValue(tokens: Token[], source: string): SqlValue {
  const [first, ...rest] = tokens;
  if (first && rest.length === 0) {
    if (first.kind === 'string') return first.value;
    if (first.kind === 'number') return Number(first.value);
    if (first.kind === 'ident' && (first.value === 'true' || first.value === 'false')) return first.value === 'true';
    if (first.kind === 'ident' && first.value === 'null') return null;
  }
  if (first?.text === '-' && rest.length === 1 && rest[0]!.kind === 'number') return -Number(rest[0]!.value);
  throw new Error(`Not a literal value: ${textOf(tokens, source)}`);
}

/* ---------- normalisation shared by the conformance tests ---------- */

/** A type as PostgreSQL's format_type() prints it: `VARCHAR(20)` -> `character varying(20)`, `int4` -> `integer`. */
export function normalizeType(raw: string): string {
  const t = raw.trim().toLowerCase().replace(/\s+/g, ' ').replace(/\s*\(\s*/g, '(').replace(/\s*,\s*/g, ',').replace(/\s*\)/g, ')');
  const sized = /^([a-z][a-z0-9_ ]*?)(\(\d+(?:,\d+)?\))?(\[\])?$/.exec(t);
  if (!sized) return t;
  const [, base = '', size = '', array = ''] = sized;
  const names: Record<string, string> = {
    int: 'integer',
    int4: 'integer',
    integer: 'integer',
    serial: 'integer',
    serial4: 'integer',
    int2: 'smallint',
    smallint: 'smallint',
    smallserial: 'smallint',
    serial2: 'smallint',
    int8: 'bigint',
    bigint: 'bigint',
    bigserial: 'bigint',
    serial8: 'bigint',
    bool: 'boolean',
    boolean: 'boolean',
    varchar: 'character varying',
    'character varying': 'character varying',
    char: 'character',
    character: 'character',
    bpchar: 'character',
    float8: 'double precision',
    'double precision': 'double precision',
    float4: 'real',
    real: 'real',
    decimal: 'numeric',
    numeric: 'numeric',
    timestamptz: 'timestamp with time zone',
    'timestamp with time zone': 'timestamp with time zone',
    timestamp: 'timestamp without time zone',
    'timestamp without time zone': 'timestamp without time zone',
    timetz: 'time with time zone',
    time: 'time without time zone',
  };
  return `${names[base] ?? base}${size}${array}`;
}

/**
 * A canonical text for a SQL expression (DEFAULT, CHECK, index predicate), so that what the seed
 * writes and what PostgreSQL prints back compare equal when they mean the same thing: casts
 * (`'system'::character varying`), grouping parentheses and ARRAY brackets are dropped, keywords
 * and identifiers are lower-cased, `x = ANY (ARRAY[a, b])` reads as `x in a , b` like `x IN (a, b)`,
 * and `now()` reads as `current_timestamp`. String and number literals are kept verbatim.
 */
export function canonicalExpression(sql: string): string {
  const tokens = tokenize(sql.trim().replace(/^check\b/i, '').replace(/\bnot valid\s*$/i, ''));
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.text === '::') {
      i = skipCastType(tokens, i + 1) - 1;
      continue;
    }
    if (token.text === '(' || token.text === ')' || token.text === '[' || token.text === ']') continue;
    if (token.kind === 'ident' && token.value === 'array') continue;
    if (token.kind === 'ident' && token.value === 'any' && out.at(-1) === '=') {
      out[out.length - 1] = 'in';
      continue;
    }
    if (token.kind === 'ident' && token.value === 'now' && tokens[i + 1]?.text === '(' && tokens[i + 2]?.text === ')') {
      out.push('current_timestamp');
      i += 2;
      continue;
    }
    if (token.kind === 'string') {
      const value = out.at(-1) === 'nextval' ? token.value.replace(/^public\./, '') : token.value;
      out.push(`'${value.replace(/'/g, "''")}'`);
    } else out.push(token.kind === 'ident' || token.kind === 'qident' ? token.value : token.text);
  }
  return out.join(' ');
}

const MULTIWORD_TYPE_PARTS = new Set(['varying', 'precision', 'with', 'without', 'time', 'zone']);

/** Index just past the type name of a `::type` cast starting at `i`. */
function skipCastType(tokens: Token[], i: number): number {
  let j = i;
  if (tokens[j]?.kind === 'ident' || tokens[j]?.kind === 'qident') j++;
  while (tokens[j]?.kind === 'ident' && MULTIWORD_TYPE_PARTS.has(tokens[j]!.value)) j++;
  if (tokens[j]?.text === '(' && tokens[j + 1]?.kind === 'number' && tokens[j + 2]?.text === ')') j += 3;
  while (tokens[j]?.text === '[' && tokens[j + 1]?.text === ']') j += 2;
  return j;
}

/* ---------- tokenizer and cursor ---------- */

export interface Token {
  kind: 'string' | 'qident' | 'ident' | 'number' | 'op';
  /** ident: lower-cased; string / qident: unescaped content; otherwise the text. */
  value: string;
  text: string;
  start: number;
  end: number;
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) throw new Error('Unterminated /* comment in the seed SQL');
      i = end + 2;
    } else if (ch === "'" || ch === '"') {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw new Error(`Unterminated ${ch === "'" ? 'string' : 'quoted identifier'} in the seed SQL: ${sql.slice(start, start + 60)}`);
        if (sql[i] === ch) {
          if (sql[i + 1] === ch) {
            value += ch;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += sql[i];
        i++;
      }
      tokens.push({ kind: ch === "'" ? 'string' : 'qident', value, text: sql.slice(start, i), start, end: i });
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))!;
      tokens.push({ kind: 'ident', value: match[0].toLowerCase(), text: match[0], start: i, end: i + match[0].length });
      i += match[0].length;
    } else if (/[0-9]/.test(ch)) {
      const match = /^[0-9]+(\.[0-9]+)?/.exec(sql.slice(i))!;
      tokens.push({ kind: 'number', value: match[0], text: match[0], start: i, end: i + match[0].length });
      i += match[0].length;
    } else {
      const op = ['::', '>=', '<=', '<>', '!=', '||'].find((candidate) => sql.startsWith(candidate, i)) ?? ch;
      tokens.push({ kind: 'op', value: op, text: op, start: i, end: i + op.length });
      i += op.length;
    }
  }
  return tokens;
}

interface Statement {
  tokens: Token[];
  /** The statement, whitespace collapsed, for messages. */
  text: string;
  /** The SQL block the tokens' offsets point into. */
  source: string;
}

function splitStatements(sql: string): Statement[] {
  const statements: Statement[] = [];
  let current: Token[] = [];
  const flush = () => {
    if (current.length > 0) statements.push({ tokens: current, text: textOf(current, sql).replace(/\s+/g, ' '), source: sql });
    current = [];
  };
  for (const token of tokenize(sql)) {
    if (token.text === ';') flush();
    else current.push(token);
  }
  flush();
  return statements;
}

function textOf(tokens: Token[], source: string): string {
  if (tokens.length === 0) return '';
  return source.slice(tokens[0]!.start, tokens.at(-1)!.end);
}

class Cursor {
  private i = 0;

  constructor(
    private readonly tokens: Token[],
    /** The text the tokens' offsets point into. */
    readonly source: string,
  ) {}

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  peekIs(word: string): boolean {
    const token = this.peek();
    return token !== undefined && (token.kind === 'ident' ? token.value === word : token.text === word);
  }

  /** Consumes the words (keywords or punctuation) if all of them come next. */
  accept(...words: string[]): boolean {
    const matches = words.every((word, k) => {
      const token = this.tokens[this.i + k];
      return token !== undefined && (token.kind === 'ident' ? token.value === word : token.text === word);
    });
    if (matches) this.i += words.length;
    return matches;
  }

  expect(word: string): void {
    if (!this.accept(word)) throw new Error(`Expected "${word}" but found "${this.peek()?.text ?? 'end of statement'}" in: ${this.rest()}`);
  }

  identifier(): string {
    const token = this.peek();
    if (!token || (token.kind !== 'ident' && token.kind !== 'qident')) throw new Error(`Expected a name but found "${token?.text ?? 'end of statement'}"`);
    this.i++;
    return token.value;
  }

  string(): string {
    const token = this.peek();
    if (token?.kind !== 'string') throw new Error(`Expected a string but found "${token?.text ?? 'end of statement'}"`);
    this.i++;
    return token.value;
  }

  qualifiedName(): string[] {
    const parts = [this.identifier()];
    while (this.accept('.')) parts.push(this.identifier());
    return parts;
  }

  /** A table name without its `public.` schema. */
  tableName(): string {
    return this.qualifiedName().at(-1)!;
  }

  /** `( a, b )` -> ['a', 'b']. */
  columnList(): string[] {
    this.expect('(');
    return this.splitUntilClose().map((tokens) => {
      const c = new Cursor(tokens, this.source);
      const name = c.identifier();
      if (!c.done()) throw new Error(`Expected a column name, found ${textOf(tokens, this.source)}`);
      return name;
    });
  }

  /** After an opening parenthesis: the comma-separated items up to the matching close. */
  splitUntilClose(): Token[][] {
    const items: Token[][] = [[]];
    let depth = 0;
    for (; this.i < this.tokens.length; this.i++) {
      const token = this.tokens[this.i]!;
      if (token.text === '(') depth++;
      if (token.text === ')') {
        if (depth === 0) {
          this.i++;
          return items.filter((item, k) => item.length > 0 || k < items.length - 1);
        }
        depth--;
      }
      if (token.text === ',' && depth === 0) items.push([]);
      else items.at(-1)!.push(token);
    }
    throw new Error('Unbalanced parentheses in the seed SQL');
  }

  /** `( expr )` -> the text of expr. */
  parenthesised(): string {
    this.expect('(');
    const start = this.i;
    let depth = 0;
    for (; this.i < this.tokens.length; this.i++) {
      const token = this.tokens[this.i]!;
      if (token.text === '(') depth++;
      if (token.text === ')') {
        if (depth === 0) {
          const text = textOf(this.tokens.slice(start, this.i), this.source);
          this.i++;
          return text;
        }
        depth--;
      }
    }
    throw new Error('Unbalanced parentheses in the seed SQL');
  }

  /** Consumes tokens until `stop` says so (at parenthesis depth `depth`), returning their text. */
  textUntil(stop: (token: Token, depth: number, index: number) => boolean): string {
    const start = this.i;
    let depth = 0;
    for (; this.i < this.tokens.length; this.i++) {
      const token = this.tokens[this.i]!;
      if (stop(token, depth, this.i - start)) break;
      if (token.text === '(') depth++;
      if (token.text === ')') depth--;
    }
    return textOf(this.tokens.slice(start, this.i), this.source);
  }

  /** Everything left, as text. */
  rest(): string {
    const text = textOf(this.tokens.slice(this.i), this.source);
    this.i = this.tokens.length;
    return text;
  }
}
