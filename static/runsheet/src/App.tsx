import Button from '@atlaskit/button/new';
import ProgressBar from '@atlaskit/progress-bar';
import { token } from '@atlaskit/tokens';
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Runsheet } from '../../shared/api';
import { downloadText, fileSlug, toCsv } from '../../shared/csv';
import { afterPaint, recordPerf } from '../../shared/perf';
import { StatusLozenge } from '../../shared/status-lozenge';
import { look } from '../../shared/look';
import { AppFrame, EmptyState, ErrorState, LiveText, LoadingState, useSettledValue } from '../../shared/ui';
import { useForgeContext } from '../../shared/use-forge-context';
import { readRunsheetView, type RunsheetView } from './config';
import { FiltersBar } from './Filters';
import { buildRows, filterSteps, indexSteps, isFiltered, NO_FILTERS, stepTimes, type Filters, type StepEntry } from './model';
import { PrintView } from './PrintView';
import { TimingHeader } from './TimingHeader';
import { RunsheetGrid, type Lookups } from './RunsheetGrid';
import { useRefreshInterval, useRunsheet, type RunsheetHandle } from './use-runsheet';

const GRID_HEIGHT = '37.5rem';
/** How long the filters stay still before the number of matching steps is announced. */
const ANNOUNCE_AFTER_MS = 800;

// The step panel is loaded on first use: the table is on screen sooner.
const StepView = lazy(() => import('../../shared/step-view/StepView').then((module) => ({ default: module.StepView })));

export function App() {
  const state = useForgeContext();
  return (
    <AppFrame title="Iteration runsheet">
      {state.status === 'loading' && <LoadingState label="Loading the runsheet…" />}
      {state.status === 'error' && <ErrorState message={state.message} />}
      {state.status === 'ready' && <Configured raw={state.context.extension.config as unknown} />}
    </AppFrame>
  );
}

function Configured({ raw }: { raw: unknown }) {
  // The macro's settings, saved by the config dialog (static/config).
  const view = readRunsheetView(raw);
  if (!view) {
    return (
      <EmptyState title="No iteration chosen yet">
        Edit this macro and choose the iteration whose runsheet it shows.
      </EmptyState>
    );
  }
  return <RunsheetScreen view={view} />;
}

function RunsheetScreen({ view }: { view: RunsheetView }) {
  const handle = useRunsheet(view, useRefreshInterval());
  const { state } = handle;
  if (state.status === 'loading') return <LoadingState label="Loading the runsheet…" />;
  if (state.status === 'error') {
    return (
      <div style={{ display: 'grid', gap: '0.75rem', justifyItems: 'start' }}>
        <ErrorState message={state.message} />
        <Button onClick={handle.retry}>Try again</Button>
      </div>
    );
  }
  return <LoadedRunsheet runsheet={state.runsheet} handle={handle} view={view} />;
}

function LoadedRunsheet({ runsheet, handle, view }: { runsheet: Runsheet; handle: RunsheetHandle; view: RunsheetView }) {
  const [filters, setFilters] = useState<Filters>(() => ({ ...NO_FILTERS, teamId: view.teamId ?? null, labelId: view.labelId ?? null }));
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const [selectedStepId, setSelectedStepId] = useState<string | null>(null);
  const [allColumns, setAllColumns] = useState(false);
  const [printing, setPrinting] = useState(false);
  const printButton = useRef<HTMLButtonElement>(null);
  const filterChangedAt = useRef<number | null>(null);

  const statusIds = useMemo(() => new Map(runsheet.stepStatuses.map((status) => [status.name, status.id])), [runsheet.stepStatuses]);
  const entries = useMemo(() => indexSteps(runsheet), [runsheet]);
  const filtered = isFiltered(filters);
  const matching = useMemo(() => filterSteps(entries, filters, statusIds, handle.mine), [entries, filters, statusIds, handle.mine]);
  const rows = useMemo(() => buildRows(runsheet, matching, filtered, collapsed), [runsheet, matching, filtered, collapsed]);
  const lookups = useMemo<Lookups>(
    () => ({
      statusById: new Map(runsheet.stepStatuses.map((status) => [status.id, status])),
      teamName: new Map(runsheet.teams.map((team) => [team.id, team.name])),
      typeName: new Map(runsheet.stepTypes.map((type) => [type.code, type.name])),
      planned: stepTimes(runsheet),
    }),
    [runsheet],
  );

  // Figures for the browser tests: when the first rows are on screen, and how long a filter takes.
  useEffect(() => {
    afterPaint(() => {
      const ms = performance.now();
      document.body.dataset.umigInteractiveMs = String(Math.round(ms));
      recordPerf('interactive', ms, { steps: entries.length });
    });
    // Once: the first time the loaded runsheet is painted.
  }, []);
  useLayoutEffect(() => {
    const started = filterChangedAt.current;
    if (started === null) return;
    filterChangedAt.current = null;
    afterPaint(() => {
      const ms = performance.now() - started;
      document.body.dataset.umigRenderMs = String(Math.round(ms * 10) / 10);
      recordPerf('filter', ms, { shown: matching.length, of: entries.length });
    });
  }, [matching, entries.length]);
  useEffect(() => {
    document.body.dataset.umigShownSteps = String(matching.length);
  }, [matching.length]);

  const changeFilters = useCallback((next: Filters) => {
    filterChangedAt.current = performance.now();
    setFilters(next);
  }, []);

  const toggle = useCallback((id: string) => {
    setCollapsed((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);

  const openStep = useCallback((stepId: string) => setSelectedStepId(stepId), []);
  const closeStep = useCallback(() => {
    const stepId = selectedStepId;
    setSelectedStepId(null);
    // Back to the row the panel was opened from.
    window.setTimeout(() => document.querySelector<HTMLElement>(`[role="row"][data-step-id="${stepId}"]`)?.focus(), 0);
  }, [selectedStepId]);

  const { refreshSoon } = handle;
  const stepChanged = useCallback(() => refreshSoon(), [refreshSoon]);

  const exportCsv = useCallback(() => {
    downloadText(`${fileSlug(runsheet.iteration.name)}-runsheet.csv`, runsheetCsv(matching, lookups, runsheet));
  }, [matching, lookups, runsheet]);

  const stepCount = entries.length;
  const shownCount = filtered ? `${matching.length} of ${stepCount} steps match these filters` : `${stepCount} steps`;
  const announcedCount = useSettledValue(shownCount, ANNOUNCE_AFTER_MS);
  const selectedEntry = selectedStepId ? entries.find((entry) => entry.step.id === selectedStepId) : undefined;

  if (printing) {
    return (
      <PrintView
        runsheet={runsheet}
        matching={matching}
        lookups={lookups}
        onDone={() => {
          setPrinting(false);
          window.setTimeout(() => printButton.current?.focus(), 0);
        }}
      />
    );
  }

  return (
    <div>
      <Summary runsheet={runsheet} refreshError={handle.refreshError} />
      {stepCount === 0 ? (
        <EmptyState title="Nothing to run yet">The sequences, phases and steps of this iteration appear here once its plan is ready.</EmptyState>
      ) : (
        <>
          <FiltersBar
            runsheet={runsheet}
            filters={filters}
            onChange={changeFilters}
            mineAvailable={handle.mine !== null}
            mineHint={handle.mineError ?? (handle.mine === null ? 'Finding your steps…' : undefined)}
          />
          <TimingHeader runsheet={runsheet} />
          <div style={{ ...look.row, justifyContent: 'space-between', marginBottom: '0.5rem' }}>
            <span style={look.meta} data-testid="shown-count">
              {shownCount}
            </span>
            {/* Announced once the filters stop changing, not on every keystroke in the search. */}
            <LiveText text={announcedCount} />
            <div style={look.row}>
              <Button aria-pressed={allColumns} onClick={() => setAllColumns((current) => !current)}>
                All columns
              </Button>
              <Button ref={printButton} onClick={() => setPrinting(true)} isDisabled={matching.length === 0}>
                Print view
              </Button>
              <Button onClick={exportCsv} isDisabled={matching.length === 0}>
                Export CSV
              </Button>
            </div>
          </div>
          {/* Side by side when both fit; in a narrow frame (or at 400% zoom) the panel goes under the table. */}
          <div className="umig-split" style={{ display: 'flex', flexWrap: 'wrap', gap: token('space.200', '1rem'), alignItems: 'flex-start' }}>
            <div style={{ flex: '999 1 0', minWidth: 'min(100%, 30rem)' }}>
              {matching.length === 0 ? (
                <EmptyState title="No steps match these filters">Change or clear the filters to see steps again.</EmptyState>
              ) : (
                <RunsheetGrid
                  runsheet={runsheet}
                  rows={rows}
                  lookups={lookups}
                  selectedStepId={selectedStepId}
                  onOpenStep={openStep}
                  onToggle={toggle}
                  height={GRID_HEIGHT}
                  allColumns={allColumns}
                />
              )}
            </div>
            {selectedStepId && (
              <aside
                aria-label="Step details"
                className="umig-step-panel"
                onKeyDown={(event) => {
                  // Escape closes the panel, unless something inside (a dialog, a menu) used it first.
                  if (event.key === 'Escape' && !event.defaultPrevented) {
                    event.preventDefault();
                    closeStep();
                  }
                }}
                style={{
                  flex: '1 1 min(30rem, 100%)',
                  maxWidth: '100%',
                  overflow: 'auto',
                  boxSizing: 'border-box',
                  padding: token('space.200', '1rem'),
                  border: `1px solid ${token('color.border', '#0B120E24')}`,
                  borderRadius: token('radius.small', '0.25rem'),
                  backgroundColor: token('elevation.surface.raised', '#FFFFFF'),
                }}
              >
                <Suspense fallback={<LoadingState label="Loading the step…" />}>
                  <StepView
                    key={selectedStepId}
                    stepId={selectedStepId}
                    onChanged={stepChanged}
                    onClose={closeStep}
                    planned={selectedEntry ? lookups.planned.get(selectedEntry.step.id) : undefined}
                  />
                </Suspense>
              </aside>
            )}
          </div>
        </>
      )}
    </div>
  );
}

function Summary({ runsheet, refreshError }: { runsheet: Runsheet; refreshError?: string }) {
  const { iteration, progress } = runsheet;
  return (
    <section aria-label="Iteration" style={{ ...look.row, marginBottom: '0.75rem' }}>
      <strong>{iteration.name}</strong>
      <span style={look.meta}>{iteration.type.name}</span>
      <StatusLozenge status={iteration.status} />
      <span style={{ width: '12rem' }}>
        <ProgressBar value={progress.ratio} ariaLabel="Iteration progress" appearance={progress.percent === 100 ? 'success' : 'default'} />
      </span>
      <span style={look.meta}>
        {progress.percent}% · {progress.completedCount} of {progress.stepCount} steps completed
      </span>
      {refreshError && (
        <span role="alert" style={{ ...look.notice, padding: '0.125rem 0.5rem' }}>
          Not up to date: {refreshError}
        </span>
      )}
    </section>
  );
}

const CSV_HEADER = [
  'Sequence', 'Phase', 'Code', 'Step', 'Type', 'Owner team', 'Impacted teams', 'Status', 'Duration (min)',
  'Planned start', 'Planned end', 'Forecast', 'Actual start', 'Actual end', 'Instructions done', 'Instructions total', 'Labels', 'Phase gate',
];

/** The steps matching the filters, as shown (whatever is collapsed), one line each. */
export function runsheetCsv(matching: readonly StepEntry[], lookups: Lookups, runsheet: Runsheet): string {
  const labelName = new Map(runsheet.labels.map((label) => [label.id, label.name]));
  const team = (id: number) => lookups.teamName.get(id) ?? String(id);
  return toCsv(
    CSV_HEADER,
    matching.map(({ step, phase, sequence }) => {
      const planned = lookups.planned.get(step.id);
      return [
        sequence.name,
        phase.name,
        step.code,
        step.name,
        step.typeCode,
        step.ownerTeamId === null ? null : team(step.ownerTeamId),
        step.impactedTeamIds.map(team).join('; '),
        lookups.statusById.get(step.statusId)?.name ?? String(step.statusId),
        step.durationMinutes,
        planned?.start,
        planned?.end,
        planned?.forecast,
        step.startTime,
        step.endTime,
        step.instructions.done,
        step.instructions.total,
        step.labelIds.map((id) => labelName.get(id) ?? String(id)).join('; '),
        phase.blocked ? `Blocked by ${phase.blockedBy.join(', ')}` : 'Open',
      ];
    }),
  );
}
