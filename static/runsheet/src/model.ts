/**
 * The runsheet as the app holds it: the service's answer ('runsheet/get'), patched in place by
 * 'runsheet/changesSince', flattened into rows for the virtual table. Everything here is pure and
 * linear in the number of steps, so a filter change stays well inside one frame at 2,000 steps.
 */

import type { Runsheet, RunsheetChanges, RunsheetPhase, RunsheetPlan, RunsheetSequence, RunsheetStep } from '../../shared/api';
import { computeSchedule } from '../../../src/domain/execution/scheduling';

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
        if (!stepMap && !summary) return phase;
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
        if (!summary) return { ...phase, steps };
        const { sequenceId: _sequenceId, ...fields } = summary;
        return { ...phase, ...fields, steps };
      });
      const summary = sequenceChanges.get(sequence.id);
      if (!sequenceTouched && !summary) return sequence;
      planTouched = true;
      if (!summary) return { ...sequence, phases };
      const { planInstanceId: _planInstanceId, ...fields } = summary;
      return { ...sequence, ...fields, phases };
    });
    const summary = planChanges.get(plan.id);
    if (!planTouched && !summary) return plan;
    return { ...plan, ...(summary ?? {}), sequences };
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

/**
 * Planned start and end of every step as offsets from the start of the runsheet, by the domain's
 * own scheduling rule (src/domain/execution/scheduling). Cancelled steps take no time. Empty when
 * the plan cannot be scheduled (the service reports such plans when they are imported).
 */
export function plannedTimes(entries: readonly StepEntry[], cancelledStatusId: number | undefined): Map<string, { start: string; end: string }> {
  const inputs = entries
    .filter((entry) => entry.step.statusId !== cancelledStatusId)
    .map((entry) => ({
      id: entry.step.id,
      code: entry.step.code,
      phaseId: entry.phase.id,
      durationMinutes: entry.step.durationMinutes,
      predecessorId: entry.step.predecessorId,
    }));
  const result = computeSchedule(inputs);
  const planned = new Map<string, { start: string; end: string }>();
  if (!result.ok) return planned;
  for (const step of result.schedule.steps) {
    planned.set(step.id, { start: formatOffset(step.startOffsetMinutes), end: formatOffset(step.endOffsetMinutes) });
  }
  return planned;
}
