import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import Spinner from '@atlaskit/spinner';
import Textfield from '@atlaskit/textfield';
import { token } from '@atlaskit/tokens';
import { useCallback, useEffect, useId, useMemo, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { adminList, readProblem, type AnyRow, type Problem } from './admin-api';
import { rowIdOf, type ColumnSpec, type EntityDescriptor, type LinkSpec } from './admin-descriptors';
import { capitalize, DeleteDialog, EntityFormDialog, ProblemMessage } from './admin-dialogs';
import { LinkDialog } from './admin-link-dialog';
import { labelOf, optionCache, textOf, useOptionSets, type Option } from './admin-options';
import { AdminTable, filterRows, type TableColumn } from './admin-table';
import { formatFullTime } from './format';
import { look } from './look';
import { styles } from './styles';
import { LiveText, useSettledValue } from './ui';

/**
 * One entity's screen, built from its descriptor: a heading, a search box, a Create button, the
 * table (virtualized when long) with Edit / links / Delete on every row, and the dialogs they
 * open. Every change reloads the table and drops the cached choices built on the entity.
 */

export interface RowAction {
  label: string;
  /** Accessible name; default "<label> <row name>". */
  ariaLabel?: (row: AnyRow, name: string) => string;
  onClick: (row: AnyRow, name: string) => void;
  appearance?: 'default' | 'primary' | 'subtle';
}

export interface EntityPageProps {
  descriptor: EntityDescriptor;
  /** The heading; default the plural, capitalized. */
  title?: string;
  headingLevel?: 2 | 3;
  /** A sentence under the heading. */
  intro?: ReactNode;
  /** Actions of every row besides Edit, the links and Delete (drill-down, plan instances…). */
  rowActions?: RowAction[];
}

/** From this many link kinds on, one "Links" button opens them all: the rows stay narrow. */
const GROUP_LINKS_FROM = 3;

type Load = { status: 'loading' } | { status: 'error'; problem: Problem } | { status: 'ready'; rows: AnyRow[]; refreshing: boolean };
type Dialog =
  | { kind: 'none' }
  | { kind: 'create' }
  | { kind: 'edit'; row: AnyRow }
  | { kind: 'delete'; row: AnyRow }
  | { kind: 'link'; row: AnyRow; specs: readonly LinkSpec[] };

const pageStyles = {
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: token('space.100', '0.5rem'),
    marginBottom: token('space.150', '0.75rem'),
  },
  search: { flex: '1 1 16rem', maxWidth: '24rem' },
  count: { color: token('color.text.subtle', '#505258'), marginRight: 'auto' },
  swatch: {
    display: 'inline-block',
    width: '0.875rem',
    height: '0.875rem',
    borderRadius: token('radius.small', '0.25rem'),
    border: `1px solid ${token('color.border', '#0B120E24')}`,
    verticalAlign: 'middle',
    marginRight: token('space.050', '0.25rem'),
  },
  long: { display: 'block', maxWidth: '24rem', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  actions: { display: 'flex', flexWrap: 'wrap', justifyContent: 'flex-end', gap: token('space.050', '0.25rem') },
} satisfies Record<string, CSSProperties>;

function textOfValue(column: ColumnSpec, value: unknown, sets: ReadonlyMap<string, Option[]>): string {
  if (value === null || value === undefined || value === '') return '';
  if (Array.isArray(value)) return value.map((item) => textOfValue(column, item, sets)).join(', ');
  if (column.source) return labelOf(sets.get(column.source.key) ?? [], value, 'short');
  if (column.kind === 'boolean' || typeof value === 'boolean') return value === true ? 'Yes' : 'No';
  if (column.kind === 'date' && typeof value === 'string') return formatFullTime(value);
  return textOf(value);
}

function CellView({ column, row, sets }: { column: ColumnSpec; row: AnyRow; sets: ReadonlyMap<string, Option[]> }) {
  const value = column.value(row);
  const text = textOfValue(column, value, sets);
  if (text === '') return <span style={{ color: token('color.text.subtlest', '#6B6E76') }}>—</span>;
  if (column.kind === 'boolean' || typeof value === 'boolean') {
    return value === true ? <Lozenge appearance="success">Yes</Lozenge> : <Lozenge>No</Lozenge>;
  }
  if (column.kind === 'color') {
    return (
      <span>
        <span aria-hidden="true" style={{ ...pageStyles.swatch, backgroundColor: text }} />
        {text}
      </span>
    );
  }
  if (column.kind === 'long') {
    return (
      <span style={pageStyles.long} title={text}>
        {text}
      </span>
    );
  }
  return <>{text}</>;
}

export function EntityPage({ descriptor, title, headingLevel = 2, intro, rowActions = [] }: EntityPageProps) {
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const searchId = useId();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [query, setQuery] = useState('');
  const [dialog, setDialog] = useState<Dialog>({ kind: 'none' });
  const [status, setStatus] = useState('');
  const generation = useRef(0);
  const sets = useOptionSets(descriptor.columns.map((column) => column.source));

  const { entity, plural, singular } = descriptor;
  const filterKey = JSON.stringify(descriptor.filter ?? {});
  const heading = title ?? capitalize(plural);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';

  const reload = useCallback(
    async (mode: 'initial' | 'refresh') => {
      const mine = ++generation.current;
      setLoad((current) => (mode === 'refresh' && current.status === 'ready' ? { ...current, refreshing: true } : { status: 'loading' }));
      try {
        const rows = (await adminList(entity, JSON.parse(filterKey) as never)) as AnyRow[];
        if (mine === generation.current) setLoad({ status: 'ready', rows, refreshing: false });
      } catch (error) {
        if (mine === generation.current) setLoad({ status: 'error', problem: readProblem(error) });
      }
    },
    [entity, filterKey],
  );

  useEffect(() => {
    void reload('initial');
  }, [reload]);

  const rows = useMemo(() => (load.status === 'ready' ? load.rows : []), [load]);
  const shown = useMemo(
    () => filterRows(rows, query, (row) => [descriptor.nameOf(row), ...descriptor.columns.map((column) => textOfValue(column, column.value(row), sets))].join(' ')),
    [rows, query, descriptor, sets],
  );

  function changed(message: string) {
    optionCache.invalidate(entity);
    setStatus(message);
    void reload('refresh');
  }

  const countText =
    load.status === 'ready' ? (shown.length === rows.length ? countOf(rows.length, singular, plural) : `${shown.length} of ${countOf(rows.length, singular, plural)}`) : '';
  const announcedCount = useSettledValue(countText, 700);

  const links = descriptor.links ?? [];
  const columns: Array<TableColumn<AnyRow>> = [
    ...descriptor.columns.map((column) => ({
      header: column.header,
      width: column.width,
      nowrap: column.nowrap,
      cell: (row: AnyRow) => <CellView column={column} row={row} sets={sets} />,
    })),
    {
      header: 'Actions',
      end: true,
      cell: (row: AnyRow) => {
        const name = descriptor.nameOf(row);
        return (
          <span style={pageStyles.actions}>
            {rowActions.map((action) => (
              <Button
                key={action.label}
                spacing="compact"
                appearance={action.appearance ?? 'default'}
                aria-label={action.ariaLabel ? action.ariaLabel(row, name) : `${action.label} ${name}`}
                onClick={() => action.onClick(row, name)}
              >
                {action.label}
              </Button>
            ))}
            {links.length >= GROUP_LINKS_FROM ? (
              <Button spacing="compact" aria-label={`Links of ${name}`} onClick={() => setDialog({ kind: 'link', row, specs: links })}>
                Links
              </Button>
            ) : (
              links.map((spec) => (
                <Button key={`${spec.link}-${spec.ownerProp}`} spacing="compact" aria-label={`${spec.action} of ${name}`} onClick={() => setDialog({ kind: 'link', row, specs: [spec] })}>
                  {spec.action}
                </Button>
              ))
            )}
            <Button spacing="compact" aria-label={`Edit ${name}`} onClick={() => setDialog({ kind: 'edit', row })}>
              Edit
            </Button>
            <Button spacing="compact" appearance="subtle" aria-label={`Delete ${name}`} onClick={() => setDialog({ kind: 'delete', row })}>
              Delete
            </Button>
          </span>
        );
      },
    },
  ];

  return (
    <section aria-labelledby={headingId} data-entity={entity} style={look.section}>
      <Heading id={headingId} ref={headingRef} tabIndex={-1} style={headingLevel === 2 ? styles.subheading : look.sectionTitle}>
        {heading}
      </Heading>
      {intro && <p style={styles.subtle}>{intro}</p>}
      <div style={pageStyles.toolbar}>
        <div style={pageStyles.search}>
          <label htmlFor={searchId} style={look.visuallyHidden}>
            {`Search ${plural}`}
          </label>
          <Textfield
            id={searchId}
            type="search"
            isCompact
            placeholder={`Search ${plural}`}
            value={query}
            onChange={(event) => setQuery((event.target as HTMLInputElement).value)}
            autoComplete="off"
          />
        </div>
        <span style={pageStyles.count}>
          {countText}
          {load.status === 'ready' && load.refreshing && (
            <span style={{ marginLeft: '0.5rem' }}>
              <Spinner size="small" label="Refreshing" />
            </span>
          )}
        </span>
        <Button appearance="primary" onClick={() => setDialog({ kind: 'create' })}>
          {`Create ${singular}`}
        </Button>
      </div>
      {/* The count, announced once the search has stopped changing (not on every keystroke). */}
      <LiveText text={announcedCount} />
      <p role="status" aria-live="polite" style={{ ...look.meta, margin: `0 0 ${token('space.100', '0.5rem')}`, minHeight: '1rem' }} data-testid="admin-status">
        {status}
      </p>

      {load.status === 'loading' && (
        <div style={{ ...look.row, color: token('color.text.subtle', '#505258') }}>
          <Spinner size="medium" label={`Loading ${plural}`} />
          <span>{`Loading ${plural}…`}</span>
        </div>
      )}
      {load.status === 'error' && (
        <ProblemMessage problem={load.problem} actions={<Button onClick={() => void reload('initial')}>Try again</Button>} />
      )}
      {load.status === 'ready' && rows.length === 0 && (
        <div style={styles.panel}>
          <p style={{ margin: 0 }}>{`No ${plural} yet.`}</p>
          {descriptor.emptyHint && <p style={{ ...styles.subtle, margin: `${token('space.050', '0.25rem')} 0 0` }}>{descriptor.emptyHint}</p>}
        </div>
      )}
      {load.status === 'ready' && rows.length > 0 && shown.length === 0 && (
        <div style={styles.panel}>
          <p style={{ margin: 0 }}>{`No ${plural} match "${query.trim()}".`}</p>
        </div>
      )}
      {load.status === 'ready' && shown.length > 0 && <AdminTable label={heading} rows={shown} columns={columns} rowKey={(row) => rowIdOf(row)} />}

      {(dialog.kind === 'create' || dialog.kind === 'edit') && (
        <EntityFormDialog
          descriptor={descriptor}
          row={dialog.kind === 'edit' ? dialog.row : undefined}
          onClose={() => setDialog({ kind: 'none' })}
          onSaved={(saved, mode) => {
            setDialog({ kind: 'none' });
            changed(`${capitalize(singular)} "${descriptor.nameOf(saved)}" ${mode === 'create' ? 'created' : 'saved'}.`);
          }}
        />
      )}
      {dialog.kind === 'delete' && (
        <DeleteDialog
          descriptor={descriptor}
          row={dialog.row}
          onClose={() => setDialog({ kind: 'none' })}
          onReload={() => void reload('refresh')}
          focusAfterDelete={headingRef}
          onDeleted={() => {
            setDialog({ kind: 'none' });
            changed(`${capitalize(singular)} "${descriptor.nameOf(dialog.row)}" deleted.`);
          }}
        />
      )}
      {dialog.kind === 'link' && (
        <LinkDialog
          specs={dialog.specs}
          ownerId={rowIdOf(dialog.row)}
          ownerName={descriptor.nameOf(dialog.row)}
          onClose={() => setDialog({ kind: 'none' })}
          onChanged={() => {
            optionCache.invalidate(entity);
            void reload('refresh');
          }}
        />
      )}
    </section>
  );
}

export function countOf(count: number, singular: string, plural: string): string {
  return `${count.toLocaleString('en')} ${count === 1 ? singular : plural}`;
}
