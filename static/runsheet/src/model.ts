/**
 * The runsheet as the app holds it: the service's answer ('runsheet/get'), patched in place by
 * 'runsheet/changesSince', flattened into rows for the virtual table. Everything here is pure and
 * linear in the number of steps, so a filter change stays well inside one frame at 2,000 steps.
 */

import type { Runsheet, RunsheetChanges, RunsheetPhase, RunsheetPlan, RunsheetSequence, RunsheetStep } from '../../shared/api';

export interface StepEntry {
  step: RunsheetStep;
  phase: RunsheetPhase;
  sequence: RunsheetSequence;
  plan: RunsheetPlan;
  /** Lower-case code and name, for the text search. */
  haystack: string;
}

export interface Filters {
  teamId: number | null;
  labelId: number | null;
  /** Step status names; empty means every status. */
  statuses: readonly string[];
  mine: boolean;
  text: string;
}

export const NO_FILTERS: Filters = { teamId: null, labelId: null, statuses: [], mine: false, text: '' };

/** The "Blocked or failed" quick filter: the two statuses that need someone's attention. */
export const TROUBLE_STATUSES: readonly string[] = ['BLOCKED', 'FAILED'];

/** True when the status filter is exactly Blocked + Failed (whatever the order). */
export function isTroubleFilter(filters: Filters): boolean {
  return filters.statuses.length === TROUBLE_STATUSES.length && TROUBLE_STATUSES.every((name) => filters.statuses.includes(name));
}

/** Turns the quick filter on (status = Blocked or Failed) or off (every status); other filters stay. */
export function withTroubleFilter(filters: Filters, on: boolean): Filters {
  return { ...filters, statuses: on ? [...TROUBLE_STATUSES] : [] };
}

export function isFiltered(filters: Filters): boolean {
  return filters.teamId !== null || filters.labelId !== null || filters.statuses.length > 0 || filters.mine || filters.text.trim() !== '';
}

export type Row =
  | { kind: 'sequence'; key: string; sequence: RunsheetSequence; plan: RunsheetPlan; shown: number; expanded: boolean }
  | { kind: 'phase'; key: string; phase: RunsheetPhase; sequence: RunsheetSequence; shown: number; expanded: boolean }
  | { kind: 'step'; key: string; entry: StepEntry };

/** Every step in runsheet order with its containers. */
export function indexSteps(runsheet: Runsheet): StepEntry[] {
  const entries: StepEntry[] = [];
  for (const plan of runsheet.planInstances) {
    for (const sequence of plan.sequences) {
      for (const phase of sequence.phases) {
        for (const step of phase.steps) {
          entries.push({ step, phase, sequence, plan, haystack: `${step.code ?? ''} ${step.name ?? ''}`.toLowerCase() });
        }
      }
    }
  }
  return entries;
}

/**
 * The steps matching the filters. Team means owned by or impacting the team (as the service's
 * team filter); "mine" uses the step ids the service listed for the caller ('runsheet/get' mine).
 */
export function filterSteps(entries: readonly StepEntry[], filters: Filters, statusIds: ReadonlyMap<string, number>, mine: ReadonlySet<string> | null): StepEntry[] {
  if (!isFiltered(filters)) return entries as StepEntry[];
  const text = filters.text.trim().toLowerCase();
  const wantedStatuses = filters.statuses.length > 0 ? new Set(filters.statuses.map((name) => statusIds.get(name))) : null;
  const { teamId, labelId } = filters;
  const result: StepEntry[] = [];
  for (const entry of entries) {
    const step = entry.step;
    if (wantedStatuses && !wantedStatuses.has(step.statusId)) continue;
    if (teamId !== null && step.ownerTeamId !== teamId && !step.impactedTeamIds.includes(teamId)) continue;
    if (labelId !== null && !step.labelIds.includes(labelId)) continue;
    if (filters.mine && !(mine?.has(step.id) ?? false)) continue;
    if (text !== '' && !entry.haystack.includes(text)) continue;
    result.push(entry);
  }
  return result;
}

/**
 * Rows for the table: a header per sequence and phase, then its matching steps unless collapsed.
 * With filters on, containers without a matching step are left out; without, every container shows.
 */
export function buildRows(runsheet: Runsheet, matching: readonly StepEntry[], filtered: boolean, collapsed: ReadonlySet<string>): Row[] {
  const byPhase = new Map<string, StepEntry[]>();
  for (const entry of matching) {
    let list = byPhase.get(entry.phase.id);
    if (!list) {
      list = [];
      byPhase.set(entry.phase.id, list);
    }
    list.push(entry);
  }
  const rows: Row[] = [];
  for (const plan of runsheet.planInstances) {
    for (const sequence of plan.sequences) {
      let shown = 0;
      for (const phase of sequence.phases) shown += byPhase.get(phase.id)?.length ?? 0;
      if (filtered && shown === 0) continue;
      const sequenceOpen = !collapsed.has(sequence.id);
      rows.push({ kind: 'sequence', key: `s:${sequence.id}`, sequence, plan, shown, expanded: sequenceOpen });
      if (!sequenceOpen) continue;
      for (const phase of sequence.phases) {
        const steps = byPhase.get(phase.id) ?? [];
        if (filtered && steps.length === 0) continue;
        const phaseOpen = !collapsed.has(phase.id);
        rows.push({ kind: 'phase', key: `p:${phase.id}`, phase, sequence, shown: steps.length, expanded: phaseOpen });
        if (!phaseOpen) continue;
        for (const entry of steps) rows.push({ kind: 'step', key: entry.step.id, entry });
      }
    }
  }
  return rows;
}

/**
 * The result of 'runsheet/changesSince' merged into the runsheet: changed steps replaced by id,
 * container summaries replaced, everything untouched kept as the same object (so memoized rows
 * and the table's keys stay). `unknownSteps` counts changed steps of loaded phases that the
 * runsheet does not hold yet: the caller reads the runsheet again for those.
 */
export function applyChanges(runsheet: Runsheet, changes: RunsheetChanges): { runsheet: Runsheet; unknownSteps: number } {
  const stepChanges = new Map<string, Map<string, RunsheetStep>>();
  for (const changed of changes.steps) {
    const { phaseId, ...step } = changed;
    let map = stepChanges.get(phaseId);
    if (!map) {
      map = new Map();
      stepChanges.set(phaseId, map);
    }
    map.set(step.id, step);
  }
  const phaseChanges = new Map(changes.phases.map((phase) => [phase.id, phase]));
  const sequenceChanges = new Map(changes.sequences.map((sequence) => [sequence.id, sequence]));
  const planChanges = new Map(changes.planInstances.map((plan) => [plan.id, plan]));
  let unknownSteps = 0;

  const planInstances = runsheet.planInstances.map((plan) => {
    let planTouched = false;
    const sequences = plan.sequences.map((sequence) => {
      let sequenceTouched = false;
      const phases = sequence.phases.map((phase) => {
        const stepMap = stepChanges.get(phase.id);
        const summary = phaseChanges.get(phase.id);
        const forecast = changes.timing?.phases[phase.id];
        if (!stepMap && !summary && !forecast) return phase;
        if (!stepMap && !summary) {
          sequenceTouched = true;
          return { ...phase, f: forecast };
        }
        let steps = phase.steps;
        if (stepMap) {
          let found = 0;
          steps = phase.steps.map((step) => {
            const next = stepMap.get(step.id);
            if (!next) return step;
            found += 1;
            return next;
          });
          unknownSteps += stepMap.size - found;
        }
        sequenceTouched = true;
        if (!summary) return { ...phase, ...(forecast ? { f: forecast } : {}), steps };
        const { sequenceId: _sequenceId, ...fields } = summary;
        return { ...phase, ...fields, ...(forecast ? { f: forecast } : {}), steps };
      });
      const summary = sequenceChanges.get(sequence.id);
      if (!sequenceTouched && !summary) return sequence;
      planTouched = true;
      if (!summary) return { ...sequence, phases };
      const { planInstanceId: _planInstanceId, ...fields } = summary;
      return { ...sequence, ...fields, phases };
    });
    const summary = planChanges.get(plan.id);
    const timing = changes.timing?.plans[plan.id];
    if (!planTouched && !summary && !timing) return plan;
    return { ...plan, ...(summary ?? {}), ...(timing ? { timing } : {}), sequences };
  });

  return {
    runsheet: { ...runsheet, asOf: changes.asOf, iteration: changes.iteration, progress: changes.progress, planInstances },
    unknownSteps,
  };
}

/** "T+2:35": minutes from the start of the runsheet. */
export function formatOffset(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  return `T+${hours}:${String(minutes % 60).padStart(2, '0')}`;
}


/** What the runsheet shows of a step's timing: clock times (T+ offsets as the secondary view). */
export interface StepTimes {
  /** Planned start – end, clock times when the run has a start, else T+ offsets. */
  start: string;
  end: string;
  /** T+ offsets of the plan, for the tooltip. */
  offsets: string;
  /** Forecast start – end (clock), when the forecast is known for the step. */
  forecast: string | null;
  /** Forecast end minus planned end, minutes. */
  variance: number | null;
  late: boolean;
  critical: boolean;
}

const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const zoneFormat = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' });

/** The time zone clock times are shown in (the browser's, which is the reader's). */
export function timeZoneName(): string {
  return zoneFormat.formatToParts(new Date()).find((part) => part.type === 'timeZoneName')?.value ?? '';
}

/** "14:35" for `minutes` after `start` (ISO); the T+ offset when the run has no start yet. */
export function clockAt(start: string | null, minutes: number): string {
  if (start === null) return formatOffset(Math.max(0, minutes));
  return clockFormat.format(new Date(Date.parse(start) + minutes * 60_000));
}

/**
 * Planned, forecast, late and critical of every step, from the server's `p` (plan) and the
 * phase's forecast runs `f`. A phase whose loaded steps do not match the runs (the server filtered
 * some out) shows the plan only.
 */
export function stepTimes(runsheet: Runsheet): Map<string, StepTimes> {
  const times = new Map<string, StepTimes>();
  for (const plan of runsheet.planInstances) {
    const start = plan.timing?.start ?? null;
    for (const sequence of plan.sequences) {
      for (const phase of sequence.phases) {
        const runs = phase.f;
        const planned = phase.steps.filter((step) => step.p !== undefined);
        let count = 0;
        if (runs) for (let at = 0; at < runs.length; at += 4) count += runs[at]!;
        const aligned = runs !== undefined && count === planned.length && planned.length === phase.steps.length;
        let run = 0;
        let left = aligned && runs.length > 0 ? runs[0]! : 0;
        for (const step of phase.steps) {
          if (!step.p) continue;
          const [es, ef, float] = step.p;
          let forecast: string | null = null;
          let variance: number | null = null;
          let late = false;
          if (aligned) {
            while (left === 0 && run + 4 < runs.length) {
              run += 4;
              left = runs[run]!;
            }
            const ds = runs[run + 1]!;
            const de = runs[run + 2]!;
            late = runs[run + 3] === 1;
            left -= 1;
            forecast = `${clockAt(start, es + ds)} – ${clockAt(start, ef + de)}`;
            variance = de;
          }
          times.set(step.id, {
            start: clockAt(start, es),
            end: clockAt(start, ef),
            offsets: `${formatOffset(es)} – ${formatOffset(ef)}`,
            forecast,
            variance,
            late,
            critical: float <= 0,
          });
        }
      }
    }
  }
  return times;
}

/** "+15 min" / "−5 min" / "on time". */
export function formatVariance(minutes: number): string {
  if (minutes === 0) return 'on time';
  return `${minutes > 0 ? '+' : '−'}${formatMinutesShort(Math.abs(minutes))}`;
}

function formatMinutesShort(minutes: number): string {
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`;
}
