import { token } from '@atlaskit/tokens';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type CSSProperties, type ReactNode } from 'react';

/**
 * A plain, accessible data table (real <table> semantics, sticky header). Above
 * `virtualizeAbove` rows only the rows in view are rendered, between two spacer rows, so a table
 * of thousands of master steps stays quick; aria-rowcount/aria-rowindex keep the true positions.
 */

export interface TableColumn<R> {
  header: string;
  cell: (row: R) => ReactNode;
  width?: string;
  /** Right-aligned (actions). */
  end?: boolean;
  /** Kept on one line (codes such as TRT-010, which would break at the dash). */
  nowrap?: boolean;
}

export interface AdminTableProps<R> {
  /** The table's accessible name, e.g. "Teams". */
  label: string;
  rows: readonly R[];
  columns: ReadonlyArray<TableColumn<R>>;
  rowKey: (row: R) => string | number;
  virtualizeAbove?: number;
  /** Max height of the scrolling area when virtualized. */
  height?: string;
}

export const VIRTUALIZE_ABOVE = 200;
const ROW_ESTIMATE = 41;

const styles = {
  scroller: {
    overflow: 'auto',
    border: `1px solid ${token('color.border', '#0B120E24')}`,
    borderRadius: token('radius.medium', '0.375rem'),
    backgroundColor: token('elevation.surface', '#FFFFFF'),
  },
  table: {
    width: '100%',
    borderCollapse: 'separate',
    borderSpacing: 0,
  },
  th: {
    position: 'sticky',
    top: 0,
    zIndex: 1,
    textAlign: 'left',
    padding: `${token('space.100', '0.5rem')} ${token('space.100', '0.5rem')}`,
    backgroundColor: token('elevation.surface.sunken', '#F8F8F8'),
    color: token('color.text.subtle', '#505258'),
    font: token('font.heading.xxsmall', 'normal 653 0.75rem/1rem ui-sans-serif, -apple-system, "Segoe UI", sans-serif'),
    borderBottom: `2px solid ${token('color.border', '#0B120E24')}`,
  },
  td: {
    padding: `${token('space.075', '0.375rem')} ${token('space.100', '0.5rem')}`,
    borderBottom: `1px solid ${token('color.border', '#0B120E24')}`,
    verticalAlign: 'middle',
    color: token('color.text', '#292A2E'),
    // Text wraps between words only: codes, emails and account ids stay whole, and a table
    // too wide for the frame scrolls sideways.
    overflowWrap: 'normal',
  },
  endHeader: { textAlign: 'right' },
  // Room for two buttons a line: fewer, shorter rows than one button a line.
  endCell: { textAlign: 'right', minWidth: '8.5rem' },
} satisfies Record<string, CSSProperties>;

export function AdminTable<R>({ label, rows, columns, rowKey, virtualizeAbove = VIRTUALIZE_ABOVE, height = '65vh' }: AdminTableProps<R>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = rows.length > virtualizeAbove;
  const virtualizer = useVirtualizer({
    count: virtual ? rows.length : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    getItemKey: (index) => rowKey(rows[index]!),
    overscan: 10,
  });

  const items = virtual ? virtualizer.getVirtualItems() : [];
  const shown: Array<{ row: R; index: number }> = virtual
    ? items.map((item) => ({ row: rows[item.index]!, index: item.index }))
    : rows.map((row, index) => ({ row, index }));
  const paddingTop = virtual ? (items[0]?.start ?? 0) : 0;
  const paddingBottom = virtual ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;

  return (
    <div
      ref={scrollRef}
      style={{ ...styles.scroller, maxHeight: virtual ? height : undefined }}
      data-virtualized={virtual || undefined}
      // A scrolling region must be reachable by keyboard to be scrolled.
      tabIndex={virtual ? 0 : undefined}
      role={virtual ? 'region' : undefined}
      aria-label={virtual ? `${label} (scrollable)` : undefined}
    >
      <table style={styles.table} aria-label={label} aria-rowcount={rows.length + 1}>
        <thead>
          <tr aria-rowindex={1}>
            {columns.map((column) => (
              <th key={column.header} scope="col" style={{ ...styles.th, width: column.width, ...(column.end ? styles.endHeader : {}) }}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columns.length} style={{ height: paddingTop, padding: 0, border: 0 }} />
            </tr>
          )}
          {shown.map(({ row, index }) => (
            <tr
              key={rowKey(row)}
              aria-rowindex={index + 2}
              data-index={index}
              ref={virtual ? virtualizer.measureElement : undefined}
            >
              {columns.map((column) => (
                <td key={column.header} style={{ ...styles.td, ...(column.end ? styles.endCell : {}), ...(column.nowrap ? { whiteSpace: 'nowrap' } : {}) }}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
          {paddingBottom > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columns.length} style={{ height: paddingBottom, padding: 0, border: 0 }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Rows whose text contains every word of the query, ignoring case and accents. */
export function filterRows<R>(rows: readonly R[], query: string, textOf: (row: R) => string): readonly R[] {
  const words = normalize(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((row) => {
    const text = normalize(textOf(row));
    return words.every((word) => text.includes(word));
  });
}

function normalize(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}
