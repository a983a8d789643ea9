/**
 * runsheet/get and runsheet/changesSince: the iteration's runsheet as one consistent read
 * (a read-only REPEATABLE READ transaction, so containers, controls and steps come from one
 * snapshot), and the steps and summaries that changed since a previous read.
 */

import { z } from 'zod';
import { inReadSnapshot, queryRows } from '../../db/query';
import { STEP_STATUSES, STEP_STATUS_ID } from '../../domain/statuses';
import type { ServiceContext } from '../context';
import {
  type ContainerFacts,
  computeContainerFacts,
  loadContainers,
  loadIterationHead,
  loadStepsForProgress,
  type PhaseNode,
  type PlanNode,
  type SequenceNode,
  statusInfo,
  type StepForProgress,
} from './containers';
import { type StepRow, type StepRowFilters, stepRowsQuery, toRunsheetStep } from './step-rows';
import { type IterationTiming, loadIterationTiming } from './timing';
import type {
  ChangedStep,
  PhaseSummary,
  PlanSummary,
  Runsheet,
  RunsheetChanges,
  RunsheetPhase,
  RunsheetPlan,
  RunsheetSequence,
  RunsheetStep,
  SequenceSummary,
  StatusInfo,
} from './types';

/** Longest free text accepted by the search box. */
export const MAX_SEARCH_TEXT = 100;

export const getRunsheetInput = z.strictObject({
  iterationId: z.uuid(),
  planInstanceId: z.uuid().optional(),
  sequenceId: z.uuid().optional(),
  phaseId: z.uuid().optional(),
  teamId: z.number().int().positive().max(2_147_483_647).optional(),
  labelId: z.number().int().positive().max(2_147_483_647).optional(),
  statuses: z.array(z.enum(STEP_STATUSES)).min(1).max(STEP_STATUSES.length).optional(),
  /** Steps owned by, or impacting, one of the caller's teams. */
  mine: z.boolean().optional(),
  /** Step code (TRT-010), name or description contains this, ignoring case; blank means no filter. */
  text: z.string().max(MAX_SEARCH_TEXT).optional(),
});
export type GetRunsheetInput = z.output<typeof getRunsheetInput>;

/**
 * How far before `since` runsheet/changesSince looks. A write stamps `updated_at` with its
 * transaction's start time but becomes visible only at commit, so a change that started before
 * a read and committed after it carries a time older than that read's asOf. Writes here are
 * short single transactions; 5 seconds covers them with a wide margin. The client replaces rows
 * by id, so seeing a change twice is harmless.
 */
export const CHANGES_OVERLAP_MS = 5_000;

export const getRunsheetChangesInput = z.strictObject({
  iterationId: z.uuid(),
  /** The asOf of the previous read. */
  since: z.iso.datetime({ offset: true }),
});
export type GetRunsheetChangesInput = z.output<typeof getRunsheetChangesInput>;

function toStepFilters(input: GetRunsheetInput, actorTeamIds: readonly number[]): { filters: StepRowFilters; stepFiltered: boolean } {
  const text = input.text?.trim();
  const filters: StepRowFilters = {
    iterationId: input.iterationId,
    planInstanceId: input.planInstanceId,
    sequenceId: input.sequenceId,
    phaseId: input.phaseId,
    teamId: input.teamId,
    labelId: input.labelId,
    statusIds: input.statuses ? [...new Set(input.statuses)].map((status) => STEP_STATUS_ID[status]) : undefined,
    anyOfTeamIds: input.mine ? actorTeamIds : undefined,
    text: text ? text : undefined,
  };
  const stepFiltered =
    filters.teamId !== undefined ||
    filters.labelId !== undefined ||
    filters.statusIds !== undefined ||
    filters.anyOfTeamIds !== undefined ||
    filters.text !== undefined;
  return { filters, stepFiltered };
}

function phaseView(phase: PhaseNode, facts: ContainerFacts, statuses: ReadonlyMap<number, StatusInfo>, steps: RunsheetStep[], timing?: IterationTiming): RunsheetPhase {
  const phaseFacts = facts.phases.get(phase.id)!;
  const forecast = timing?.phases.get(phase.id);
  return {
    id: phase.id,
    name: phase.name,
    order: phase.order,
    status: statusInfo(statuses, phase.statusId),
    progress: phaseFacts.progress,
    controls: phaseFacts.controls,
    blocked: phaseFacts.blockedBy.length > 0,
    blockedBy: phaseFacts.blockedBy,
    ...(forecast ? { f: forecast } : {}),
    steps,
  };
}

function sequenceView(sequence: SequenceNode, facts: ContainerFacts, statuses: ReadonlyMap<number, StatusInfo>, phases: RunsheetPhase[]): RunsheetSequence {
  return {
    id: sequence.id,
    name: sequence.name,
    order: sequence.order,
    status: statusInfo(statuses, sequence.statusId),
    progress: facts.sequences.get(sequence.id)!,
    phases,
  };
}

function planView(plan: PlanNode, facts: ContainerFacts, statuses: ReadonlyMap<number, StatusInfo>, sequences: RunsheetSequence[], timing?: IterationTiming): RunsheetPlan {
  const planTiming = timing?.plans.get(plan.id);
  return {
    id: plan.id,
    name: plan.name,
    status: statusInfo(statuses, plan.statusId),
    progress: facts.plans.get(plan.id)!,
    ...(planTiming ? { timing: planTiming } : {}),
    sequences,
  };
}

function progressOf(rows: readonly StepRow[]): StepForProgress[] {
  return rows.map((row) => ({
    phaseId: row.phase_id,
    statusId: row.status_id,
    durationMinutes: row.duration,
    startTime: row.start_time,
    endTime: row.end_time,
  }));
}

/**
 * The runsheet of an iteration. Four statements at most: the iteration with the lookup lists,
 * the containers with their controls, the step rows (filters in SQL), and, only when the step
 * rows are filtered, the slim rows every progress figure is computed from.
 */
export async function getRunsheet(ctx: ServiceContext, input: GetRunsheetInput): Promise<Runsheet> {
  const { filters, stepFiltered } = toStepFilters(input, ctx.actor.teamIds);
  const containerFiltered = input.planInstanceId !== undefined || input.sequenceId !== undefined || input.phaseId !== undefined;
  return inReadSnapshot(ctx.db, async (tx) => {
    const head = await loadIterationHead(tx, input.iterationId, { dictionaries: true });
    const plans = await loadContainers(tx, input.iterationId);
    const rows = await queryRows<StepRow>(tx, stepRowsQuery(filters));
    const progressSteps = stepFiltered || containerFiltered ? await loadStepsForProgress(tx, input.iterationId) : progressOf(rows);
    const facts = computeContainerFacts(plans, progressSteps, head.asOf);
    const timing = await loadIterationTiming(tx, input.iterationId, head.asOf);

    const stepsByPhase = new Map<string, RunsheetStep[]>();
    for (const row of rows) {
      let list = stepsByPhase.get(row.phase_id);
      if (!list) {
        list = [];
        stepsByPhase.set(row.phase_id, list);
      }
      const step = toRunsheetStep(row);
      const planned = timing.planned.get(row.id);
      list.push(planned ? { ...step, p: planned } : step);
    }

    // Container filters pick containers; step filters drop the containers left without a step.
    const planInstances: RunsheetPlan[] = [];
    for (const plan of plans) {
      if (input.planInstanceId !== undefined && plan.id !== input.planInstanceId) continue;
      const sequences: RunsheetSequence[] = [];
      for (const sequence of plan.sequences) {
        if (input.sequenceId !== undefined && sequence.id !== input.sequenceId) continue;
        const phases: RunsheetPhase[] = [];
        for (const phase of sequence.phases) {
          if (input.phaseId !== undefined && phase.id !== input.phaseId) continue;
          const steps = stepsByPhase.get(phase.id) ?? [];
          if (stepFiltered && steps.length === 0) continue;
          phases.push(phaseView(phase, facts, head.statuses, steps, timing));
        }
        if ((stepFiltered || input.phaseId !== undefined) && phases.length === 0) continue;
        sequences.push(sequenceView(sequence, facts, head.statuses, phases));
      }
      if ((stepFiltered || input.phaseId !== undefined || input.sequenceId !== undefined) && sequences.length === 0) continue;
      planInstances.push(planView(plan, facts, head.statuses, sequences, timing));
    }

    const stepStatuses = [...head.statuses.values()]
      .filter((status) => status.kind === 'Step')
      .map((status) => ({ id: status.id, name: status.name, color: status.color }));
    return {
      asOf: head.asOf.toISOString(),
      iteration: head.iteration,
      progress: facts.iteration,
      stepStatuses,
      ...head.dictionaries!,
      planInstances,
    };
  });
}

function after(value: Date | null, instant: Date): boolean {
  return value !== null && value.getTime() > instant.getTime();
}

/**
 * The steps changed after `since` (minus CHANGES_OVERLAP_MS): the step row itself, one of its
 * instructions, its phase, or one of its phase's controls. Summaries come back for the phases
 * holding a change, every phase of a sequence whose controls or phase rows changed (a gate opens
 * or shuts the next phase), and the sequences and plan instances above them or changed themselves.
 */
export async function getRunsheetChanges(ctx: ServiceContext, input: GetRunsheetChangesInput): Promise<RunsheetChanges> {
  const since = new Date(new Date(input.since).getTime() - CHANGES_OVERLAP_MS);
  return inReadSnapshot(ctx.db, async (tx) => {
    const head = await loadIterationHead(tx, input.iterationId, { dictionaries: false });
    const plans = await loadContainers(tx, input.iterationId);
    const rows = await queryRows<StepRow>(tx, stepRowsQuery({ iterationId: input.iterationId, changedAfter: since }));
    const facts = computeContainerFacts(plans, await loadStepsForProgress(tx, input.iterationId), head.asOf);
    const timing = await loadIterationTiming(tx, input.iterationId, head.asOf);

    const steps: ChangedStep[] = [];
    const touchedPhases = new Set<string>();
    for (const row of rows) {
      const planned = timing.planned.get(row.id);
      steps.push({ ...toRunsheetStep(row), ...(planned ? { p: planned } : {}), phaseId: row.phase_id });
      touchedPhases.add(row.phase_id);
    }

    const phases: PhaseSummary[] = [];
    const sequences: SequenceSummary[] = [];
    const planInstances: PlanSummary[] = [];
    for (const plan of plans) {
      let planTouched = after(plan.updatedAt, since);
      for (const sequence of plan.sequences) {
        const gateMoved = sequence.phases.some((phase) => after(phase.updatedAt, since) || after(phase.controlsUpdatedAt, since));
        let sequenceTouched = after(sequence.updatedAt, since);
        for (const phase of sequence.phases) {
          if (!gateMoved && !touchedPhases.has(phase.id)) continue;
          const { steps: _steps, ...summary } = phaseView(phase, facts, head.statuses, [], timing);
          phases.push({ ...summary, sequenceId: sequence.id });
          sequenceTouched = true;
        }
        if (!sequenceTouched) continue;
        const { phases: _phases, ...summary } = sequenceView(sequence, facts, head.statuses, []);
        sequences.push({ ...summary, planInstanceId: plan.id });
        planTouched = true;
      }
      if (!planTouched) continue;
      const { sequences: _sequences, ...summary } = planView(plan, facts, head.statuses, [], timing);
      planInstances.push(summary);
    }

    return {
      asOf: head.asOf.toISOString(),
      effectiveSince: since.toISOString(),
      iteration: head.iteration,
      progress: facts.iteration,
      steps,
      phases,
      sequences,
      planInstances,
      timing: {
        plans: Object.fromEntries(timing.plans),
        phases: Object.fromEntries([...timing.phases].filter(([phaseId]) => !timing.settledPhases.has(phaseId))),
      },
    };
  });
}
