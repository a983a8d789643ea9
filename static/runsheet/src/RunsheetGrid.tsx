import ProgressBar from '@atlaskit/progress-bar';
import { token } from '@atlaskit/tokens';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Fragment, memo, useCallback, useEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import type { Runsheet, StatusInfo } from '../../shared/api';
import { formatFullTime, formatMinutes, formatTime, statusLabel } from '../../shared/format';
import { look } from '../../shared/look';
import { StatusLozenge } from '../../shared/status-lozenge';
import { COLUMNS, columnsThatFit, minWidthOf, templateOf, type Column, type ColumnKey } from './columns';
import { formatVariance, type Row, type StepEntry, type StepTimes } from './model';

export interface Lookups {
  statusById: ReadonlyMap<number, StatusInfo>;
  teamName: ReadonlyMap<number, string>;
  typeName: ReadonlyMap<string, string>;
  planned: ReadonlyMap<string, StepTimes>;
}

const HEADER_HEIGHT = 36;
const STEP_HEIGHT = 40;
const PHASE_HEIGHT = 44;
const SEQUENCE_HEIGHT = 48;

const heightOf = (row: Row) => (row.kind === 'step' ? STEP_HEIGHT : row.kind === 'phase' ? PHASE_HEIGHT : SEQUENCE_HEIGHT);

const cell: CSSProperties = { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', padding: '0 0.5rem', minWidth: 0 };

export interface GridProps {
  runsheet: Runsheet;
  rows: readonly Row[];
  lookups: Lookups;
  selectedStepId: string | null;
  onOpenStep: (stepId: string) => void;
  onToggle: (containerId: string) => void;
  height: string;
  /** Every column, the table scrolling sideways; otherwise the columns that fit, by priority (columns.ts). */
  allColumns?: boolean;
}

/**
 * The runsheet table: a tree grid (sequence > phase > step rows) whose rows are virtualized, so
 * only the rows in view exist in the page whatever the runsheet's size. One row at a time is in
 * the tab order (roving tabindex); arrows move, Enter/Space toggles a header or opens a step,
 * Left/Right collapse and expand.
 */
export function RunsheetGrid({ rows, lookups, selectedStepId, onOpenStep, onToggle, height, allColumns = false }: GridProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const widthRem = useWidthRem(scrollRef);
  const columns = useMemo(() => (allColumns || widthRem === null ? [...COLUMNS] : columnsThatFit(widthRem)), [allColumns, widthRem]);
  const layout = useMemo(() => ({ columns, template: templateOf(columns), minWidth: minWidthOf(columns) }), [columns]);
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const focusPending = useRef(false);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => heightOf(rows[index]!),
    getItemKey: (index) => rows[index]!.key,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
  });

  // The active row is kept by key, so refreshes and filters that move it keep it active.
  let activeIndex = activeKey === null ? -1 : rows.findIndex((row) => row.key === activeKey);
  if (activeIndex === -1) activeIndex = selectedStepId ? rows.findIndex((row) => row.key === selectedStepId) : -1;
  const tabIndexRow = activeIndex === -1 ? 0 : activeIndex;

  useEffect(() => {
    if (!focusPending.current) return;
    // The row may be rendered only after the scroll it asked for: try again on the next render.
    const element = scrollRef.current?.querySelector<HTMLElement>(`[data-row-index="${tabIndexRow}"]`);
    if (!element) return;
    focusPending.current = false;
    element.focus({ preventScroll: true });
    // Into view in the grid (its scroll-padding keeps it clear of the sticky header) and in the
    // frame: the virtualizer's own scroll only brings the row near, and the frame may be shorter.
    element.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  });

  const moveTo = useCallback(
    (index: number) => {
      const bounded = Math.max(0, Math.min(rows.length - 1, index));
      const row = rows[bounded];
      if (!row) return;
      setActiveKey(row.key);
      focusPending.current = true;
      virtualizer.scrollToIndex(bounded, { align: 'auto' });
    },
    [rows, virtualizer],
  );

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = Number((event.target as HTMLElement).dataset.rowIndex ?? tabIndexRow);
    const row = rows[index];
    if (!row) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / STEP_HEIGHT) - 1);
    switch (event.key) {
      case 'ArrowDown':
        moveTo(index + 1);
        break;
      case 'ArrowUp':
        moveTo(index - 1);
        break;
      case 'PageDown':
        moveTo(index + page);
        break;
      case 'PageUp':
        moveTo(index - page);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rows.length - 1);
        break;
      case 'Enter':
      case ' ':
        if (row.kind === 'step') onOpenStep(row.key);
        else onToggle(row.kind === 'sequence' ? row.sequence.id : row.phase.id);
        break;
      case 'ArrowRight':
        if (row.kind !== 'step' && !row.expanded) onToggle(row.kind === 'sequence' ? row.sequence.id : row.phase.id);
        else moveTo(index + 1);
        break;
      case 'ArrowLeft':
        if (row.kind !== 'step' && row.expanded) onToggle(row.kind === 'sequence' ? row.sequence.id : row.phase.id);
        else moveTo(findParent(rows, index));
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  const items = virtualizer.getVirtualItems();
  return (
    <div
      ref={scrollRef}
      role="treegrid"
      aria-label="Runsheet steps"
      aria-rowcount={rows.length + 1}
      aria-multiselectable={false}
      onKeyDown={onKeyDown}
      style={{
        height,
        overflow: 'auto',
        scrollPaddingTop: HEADER_HEIGHT,
        position: 'relative',
        border: `1px solid ${token('color.border', '#0B120E24')}`,
        borderRadius: token('radius.small', '0.25rem'),
        backgroundColor: token('elevation.surface', '#FFFFFF'),
        contain: 'strict',
      }}
    >
      <div
        role="row"
        aria-rowindex={1}
        style={{
          display: 'grid',
          gridTemplateColumns: layout.template,
          minWidth: layout.minWidth,
          height: HEADER_HEIGHT,
          alignItems: 'center',
          position: 'sticky',
          top: 0,
          zIndex: 2,
          fontWeight: 600,
          color: token('color.text.subtle', '#505258'),
          backgroundColor: token('elevation.surface.sunken', '#F8F8F8'),
          borderBottom: `2px solid ${token('color.border', '#0B120E24')}`,
        }}
      >
        {layout.columns.map((column) => (
          <div key={column.key} role="columnheader" style={cell}>
            {column.title}
          </div>
        ))}
      </div>
      <div style={{ height: virtualizer.getTotalSize(), minWidth: layout.minWidth, position: 'relative' }}>
        {items.map((item) => {
          const row = rows[item.index]!;
          const offset = item.start - HEADER_HEIGHT;
          const tabIndex = item.index === tabIndexRow ? 0 : -1;
          if (row.kind === 'step') {
            return (
              <StepRow
                key={item.key}
                entry={row.entry}
                index={item.index}
                offset={offset}
                size={item.size}
                tabIndex={tabIndex}
                selected={row.key === selectedStepId}
                lookups={lookups}
                layout={layout}
                onOpen={onOpenStep}
                onFocusRow={setActiveKey}
              />
            );
          }
          return <HeaderRow
              key={item.key}
              row={row}
              index={item.index}
              offset={offset}
              size={item.size}
              tabIndex={tabIndex}
              onToggle={onToggle}
              onFocusRow={setActiveKey}
              minWidth={layout.minWidth}
            />;
        })}
      </div>
    </div>
  );
}

function placed(offset: number, size: number): CSSProperties {
  return { position: 'absolute', top: 0, left: 0, width: '100%', height: size, transform: `translateY(${offset}px)` };
}

function findParent(rows: readonly Row[], index: number): number {
  const row = rows[index];
  if (!row || row.kind === 'sequence') return index;
  const parentKind = row.kind === 'step' ? 'phase' : 'sequence';
  for (let at = index - 1; at >= 0; at--) if (rows[at]!.kind === parentKind) return at;
  return index;
}

interface HeaderRowProps {
  row: Exclude<Row, { kind: 'step' }>;
  index: number;
  offset: number;
  size: number;
  tabIndex: number;
  onToggle: (id: string) => void;
  onFocusRow: (key: string) => void;
  minWidth: string;
}

const HeaderRow = memo(function HeaderRow({ row, index, offset, size, tabIndex, onToggle, onFocusRow, minWidth }: HeaderRowProps) {
  const isSequence = row.kind === 'sequence';
  const container = isSequence ? row.sequence : row.phase;
  const progress = container.progress;
  const kind = isSequence ? 'Sequence' : 'Phase';
  const order = container.order ?? '';
  const name = container.name ?? `${kind} ${order}`;
  const label = `${kind} ${order} ${name}, ${progress.completedCount} of ${progress.stepCount} steps completed`;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-level={isSequence ? 1 : 2}
      aria-expanded={row.expanded}
      aria-label={label}
      data-row-index={index}
      data-row-kind={row.kind}
      data-container-id={container.id}
      tabIndex={tabIndex}
      onClick={() => onToggle(container.id)}
      onFocus={() => onFocusRow(row.key)}
      style={{
        ...placed(offset, size),
        display: 'flex',
        alignItems: 'center',
        gap: '0.75rem',
        minWidth,
        boxSizing: 'border-box',
        padding: `0 0.5rem 0 ${isSequence ? '0.5rem' : '1.75rem'}`,
        cursor: 'pointer',
        fontWeight: 600,
        backgroundColor: isSequence ? token('color.background.neutral', '#0515240F') : token('elevation.surface.sunken', '#F8F8F8'),
        borderBottom: `1px solid ${token('color.border', '#0B120E24')}`,
      }}
    >
      <div role="gridcell" style={{ display: 'flex', alignItems: 'center', gap: '0.75rem', flex: '1 1 auto', minWidth: 0 }}>
        <span aria-hidden="true" style={{ width: '1rem', display: 'inline-block' }}>
          {row.expanded ? '▾' : '▸'}
        </span>
        <span style={{ ...cell, padding: 0, fontSize: isSequence ? '1rem' : undefined }}>
          {kind} {order}: {name}
        </span>
        <StatusLozenge status={container.status} isBold={false} />
        {/* In a narrow table the bar and the figures give way before the name does. */}
        <span style={{ flex: '0 1 10rem', minWidth: '3rem' }}>
          <ProgressBar value={progress.ratio} ariaLabel={`${name} progress`} appearance={progress.percent === 100 ? 'success' : 'default'} />
        </span>
        <span style={{ color: token('color.text.subtle', '#505258'), fontWeight: 400, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', minWidth: 0, flex: '0 1 auto' }}>
          {progress.percent}% · {progress.completedCount}/{progress.stepCount} done · {row.shown} shown
        </span>
        {!isSequence && <PhaseGate phase={row.phase} />}
      </div>
    </div>
  );
});

function PhaseGate({ phase }: { phase: Extract<Row, { kind: 'phase' }>['phase'] }) {
  const { controls } = phase;
  return (
    <span style={{ whiteSpace: 'nowrap', fontWeight: 400, overflow: 'hidden', textOverflow: 'ellipsis', minWidth: 0, flex: '0 1 auto' }} data-phase-blocked={phase.blocked}>
      {phase.blocked ? (
        <span style={{ color: token('color.text.danger', '#AE2E24'), fontWeight: 600 }}>Blocked by {phase.blockedBy.join(', ')}</span>
      ) : (
        controls.total > 0 && (
          <span style={{ color: token('color.text.subtle', '#505258') }}>
            Controls {controls.passed}/{controls.total} passed{controls.failed > 0 ? `, ${controls.failed} failed` : ''}
          </span>
        )
      )}
    </span>
  );
}

/**
 * What a focused step row says: what a sighted user reads across the row (code and name, status,
 * owner, times, checklist progress, gate), in that order, so a screen reader user hears the
 * status first without moving cell by cell.
 */
export function stepRowLabel(entry: StepEntry, statusName: string, owner: string, planned: { start: string; end: string } | undefined, lookups: Pick<Lookups, 'typeName'>): string {
  const { step, phase } = entry;
  const parts = [
    `Step ${step.code ?? ''} ${step.name ?? ''}`.replace(/\s+/g, ' ').trim(),
    step.statusReason ? `${statusLabel(statusName)} because: ${step.statusReason}` : statusLabel(statusName),
    `owner ${owner === '—' ? 'none' : owner}`,
  ];
  if (step.typeCode) parts.push(`type ${lookups.typeName.get(step.typeCode) ?? step.typeCode}`);
  if (step.durationMinutes !== null) parts.push(`duration ${formatMinutes(step.durationMinutes)}`);
  if (planned) parts.push(`planned ${planned.start} to ${planned.end}`);
  if (step.startTime) parts.push(`started ${formatTime(step.startTime)}`);
  if (step.endTime) parts.push(`ended ${formatTime(step.endTime)}`);
  parts.push(step.instructions.total === 0 ? 'no instructions' : `${step.instructions.done} of ${step.instructions.total} instructions done`);
  if (phase.blocked) parts.push(`phase gate shut by ${phase.blockedBy.join(', ')}`);
  else if (phase.controls.total > 0) parts.push(`controls ${phase.controls.passed} of ${phase.controls.total} passed`);
  return parts.join(', ');
}

interface Layout {
  columns: readonly Column[];
  template: string;
  minWidth: string;
}

/** The scroll container's width in rem (null before the first measurement), followed as the frame resizes. */
function useWidthRem(ref: RefObject<HTMLDivElement | null>): number | null {
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    // Whole rem steps: a resize by a few pixels does not re-render every row.
    const measure = () => setWidth(Math.floor(element.clientWidth / rem));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

interface StepRowProps {
  layout: Layout;
  entry: StepEntry;
  index: number;
  offset: number;
  size: number;
  tabIndex: number;
  selected: boolean;
  lookups: Lookups;
  onOpen: (stepId: string) => void;
  onFocusRow: (key: string) => void;
}

const StepRow = memo(function StepRow({ layout, entry, index, offset, size, tabIndex, selected, lookups, onOpen, onFocusRow }: StepRowProps) {
  const { step, phase } = entry;
  const status = lookups.statusById.get(step.statusId) ?? { id: step.statusId, name: 'UNKNOWN', color: '#999999' };
  const owner = step.ownerTeamId === null ? '—' : (lookups.teamName.get(step.ownerTeamId) ?? '—');
  const planned = lookups.planned.get(step.id);
  const done = step.instructions.done;
  const total = step.instructions.total;
  const cells: Record<ColumnKey, ReactNode> = {
    code: (
      <div role="gridcell" data-column="code" style={{ ...cell, paddingLeft: '2rem', fontFamily: token('font.family.code', 'ui-monospace, monospace') }}>
        {step.code ?? '—'}
      </div>
    ),
    name: (
      <div role="gridcell" data-column="name" style={cell} title={step.name ?? undefined}>
        {step.name ?? '—'}
      </div>
    ),
    type: (
      <div role="gridcell" data-column="type" style={cell} title={step.typeCode ? lookups.typeName.get(step.typeCode) : undefined}>
        {step.typeCode ?? '—'}
      </div>
    ),
    owner: (
      <div role="gridcell" data-column="owner" style={cell} title={owner}>
        {owner}
      </div>
    ),
    status: (
      <div role="gridcell" data-column="status" style={cell} title={step.statusReason ? `Why: ${step.statusReason}` : undefined} data-status-reason={step.statusReason ?? undefined}>
        <StatusLozenge status={status} />
        {step.statusReason && <span style={{ marginLeft: '0.25rem', color: 'var(--ds-text-subtle, #44546F)' }}>{`· ${step.statusReason}`}</span>}
      </div>
    ),
    duration: (
      <div role="gridcell" data-column="duration" style={cell}>
        {formatMinutes(step.durationMinutes)}
      </div>
    ),
    planned: (
      <div role="gridcell" data-column="planned" style={cell} title={planned ? `${planned.offsets}${planned.critical ? ', on the critical path' : ''}` : undefined} data-critical={planned?.critical ? 'true' : undefined}>
        {planned ? (
          <>
            {planned.critical && (
              <span aria-label="Critical path" title="On the critical path" style={{ color: token('color.text.danger', '#AE2E24'), fontWeight: 600, marginRight: '0.25rem' }}>
                ◆
              </span>
            )}
            {`${planned.start} – ${planned.end}`}
          </>
        ) : (
          '—'
        )}
      </div>
    ),
    forecast: (
      <div role="gridcell" data-column="forecast" style={cell} data-late={planned?.late ? 'true' : undefined} title={planned?.variance != null ? `Variance ${formatVariance(planned.variance)}` : undefined}>
        {planned?.forecast ? (
          <>
            {planned.late && (
              <span style={{ color: token('color.text.danger', '#AE2E24'), fontWeight: 600, marginRight: '0.25rem' }}>Late</span>
            )}
            {planned.forecast}
          </>
        ) : (
          '—'
        )}
      </div>
    ),
    actual: (
      <div role="gridcell" data-column="actual" style={cell} title={step.startTime ? `${formatFullTime(step.startTime)} – ${formatFullTime(step.endTime)}` : undefined}>
        {step.startTime ? `${formatTime(step.startTime)} – ${step.endTime ? formatTime(step.endTime) : '…'}` : '—'}
      </div>
    ),
    instructions: (
      <div role="gridcell" data-column="instructions" style={cell}>
        {total === 0 ? (
          <span aria-label="No instructions">—</span>
        ) : (
          <>
            <span aria-hidden="true">{`${done}/${total}`}</span>
            <span style={look.visuallyHidden}>{`${done} of ${total} instructions done`}</span>
          </>
        )}
      </div>
    ),
    gate: (
      <div role="gridcell" data-column="gate" style={cell}>
        {phase.blocked ? (
          <span style={{ color: token('color.text.danger', '#AE2E24') }} title={`Blocked by ${phase.blockedBy.join(', ')}`}>
            Gate shut
          </span>
        ) : phase.controls.total > 0 ? (
          `${phase.controls.passed}/${phase.controls.total} passed`
        ) : (
          '—'
        )}
      </div>
    ),
  };
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-level={3}
      aria-selected={selected}
      aria-label={stepRowLabel(entry, status.name, owner, planned, lookups)}
      data-row-index={index}
      data-row-kind="step"
      data-step-id={step.id}
      data-step-code={step.code ?? ''}
      data-status={status.name}
      tabIndex={tabIndex}
      onClick={() => onOpen(step.id)}
      onFocus={() => onFocusRow(step.id)}
      style={{
        ...placed(offset, size),
        display: 'grid',
        gridTemplateColumns: layout.template,
        alignItems: 'center',
        boxSizing: 'border-box',
        cursor: 'pointer',
        borderBottom: `1px solid ${token('color.border', '#0B120E24')}`,
        backgroundColor: selected ? token('color.background.selected', '#E9F2FE') : undefined,
        boxShadow: selected ? `inset 3px 0 0 ${token('color.border.selected', '#1868DB')}` : undefined,
      }}
    >
      {layout.columns.map((column) => (
        <Fragment key={column.key}>{cells[column.key]}</Fragment>
      ))}
    </div>
  );
});
