/**
 * The planned schedule, critical path and live forecast of every run of an iteration, computed on
 * read from the plan in memory (src/domain/execution/critical-path.ts): nothing is stored per step,
 * so a status change costs nothing more and every read is current to the second.
 *
 * Compact on the wire: times are whole minutes from the run's planned start (plan_instance_schedule_pis, else
 * the first actual start); a step carries its plan as `p: [earliest start, earliest finish, total
 * float]`; a phase carries its steps' forecast as runs `f: [count, start shift, end shift, late, …]`
 * (shift = forecast minus planned), which stays short because a delay moves many steps alike.
 */

import type { DbOrTx } from '../../db/client';
import { type TimingInput, type TimingStepRow, readIterationTiming } from '../../db/repositories/timing';
import {
  type PlanDependency,
  type PlanStep,
  type StepActual,
  backoutMinutes,
  forecastSchedule,
  planSchedule,
} from '../../domain/execution/critical-path';
import { stepStatusFromId } from '../../domain/statuses';

export interface PlanTiming {
  /** What the minute offsets count from: the run's planned start, else its first actual start; null before both. */
  start: string | null;
  /** The end of the cutover window (plan_instance_schedule_pis). */
  windowEnd: string | null;
  plannedEnd: number;
  forecastEnd: number;
  /** The forecast end is after the window end. */
  atRisk: boolean;
  /** Steps forecast (or actually) started after their latest start. */
  late: number;
  /** Steps without a duration (counted as 0 minutes). */
  noDuration: number;
  /** Until the point of no return has started: backing out now would take `minutes` and end at `finishAt`. */
  backout?: { minutes: number; finishAt: string; fits: boolean | null };
}

export interface IterationTiming {
  plans: Map<string, PlanTiming>;
  /** Step id -> [earliest start, earliest finish, total float], whole minutes. */
  planned: Map<string, [number, number, number]>;
  /** Phase id -> forecast runs [count, start shift, end shift, late, …]. */
  phases: Map<string, number[]>;
  /** Phases whose steps are all finished or cancelled: their forecast no longer moves. */
  settledPhases: Set<string>;
}

const MINUTE = 60_000;

function actualOf(row: TimingStepRow, base: number | null): StepActual | null {
  const status = stepStatusFromId(row.statusId);
  const minutes = (time: Date | null) => (time === null || base === null ? null : (time.getTime() - base) / MINUTE);
  if (status === 'CANCELLED') return { state: 'CANCELLED', startMinutes: null, endMinutes: null };
  if (status === 'COMPLETED') return { state: 'FINISHED', startMinutes: minutes(row.start), endMinutes: minutes(row.end) };
  if (row.start !== null) return { state: 'RUNNING', startMinutes: minutes(row.start), endMinutes: null };
  return null;
}

export function computeIterationTiming(input: TimingInput, asOf: Date): IterationTiming {
  const result: IterationTiming = { plans: new Map(), planned: new Map(), phases: new Map(), settledPhases: new Set() };
  const stepsByPlan = new Map<string, TimingStepRow[]>();
  for (const step of input.steps) {
    let list = stepsByPlan.get(step.planId);
    if (!list) stepsByPlan.set(step.planId, (list = []));
    list.push(step);
  }
  for (const plan of input.plans) {
    const rows = stepsByPlan.get(plan.id) ?? [];
    const markers = input.markers.filter((marker) => marker.masterPlanId === plan.masterPlanId);
    const backoutSequences = new Set(markers.filter((m) => m.kind === 'BACKOUT_SEQUENCE').map((m) => m.sequenceId));
    const backoutPhases = new Set(markers.filter((m) => m.kind === 'BACKOUT_PHASE').map((m) => m.phaseId));
    const pointOfNoReturn = markers.find((m) => m.kind === 'POINT_OF_NO_RETURN')?.stepId ?? null;
    const isBackout = (row: TimingStepRow) => backoutSequences.has(row.masterSequenceId) || backoutPhases.has(row.masterPhaseId);
    const main = rows.filter((row) => !isBackout(row));
    const backout = rows.filter(isBackout);
    const ids = new Set(rows.map((row) => row.id));
    const edges: PlanDependency[] = input.edges.filter((edge) => ids.has(edge.stepId) && ids.has(edge.predecessorId));
    const toPlanStep = (row: TimingStepRow): PlanStep => ({ id: row.id, phaseId: row.phaseId, sequenceId: row.sequenceId, durationMinutes: row.duration });

    const planned = planSchedule(main.map(toPlanStep), edges);
    // A circle cannot be saved (imports and editing refuse it); should one exist, the run shows no times rather than failing the read.
    if (!planned.ok) continue;
    const schedule = planned.schedule;
    const firstStart = main.reduce<number | null>((min, row) => (row.start !== null && (min === null || row.start.getTime() < min) ? row.start.getTime() : min), null);
    const base = plan.plannedStart?.getTime() ?? firstStart;
    const now = base === null ? -1 : (asOf.getTime() - base) / MINUTE;
    const actuals = main.map((row) => actualOf(row, base));
    const forecast = forecastSchedule(schedule, (i) => actuals[i] ?? null, now);

    let late = 0;
    let runs: number[] = [];
    let phase: string | null = null;
    let settled = true;
    const flush = () => {
      if (phase === null) return;
      result.phases.set(phase, runs);
      if (settled) result.settledPhases.add(phase);
    };
    for (let i = 0; i < main.length; i++) {
      const row = main[i]!;
      if (row.phaseId !== phase) {
        flush();
        phase = row.phaseId;
        runs = [];
        settled = true;
      }
      const es = Math.round(schedule.earlyStart[i]!);
      const ef = Math.round(schedule.earlyFinish[i]!);
      result.planned.set(row.id, [es, ef, Math.round(schedule.totalFloat[i]!)]);
      const ds = Math.round(forecast.start[i]!) - es;
      const de = Math.round(forecast.end[i]!) - ef;
      const isLate = forecast.late[i]!;
      late += isLate;
      const state = actuals[i]?.state;
      if (state !== 'FINISHED' && state !== 'CANCELLED') settled = false;
      const at = runs.length - 4;
      if (at >= 0 && runs[at + 1] === ds && runs[at + 2] === de && runs[at + 3] === isLate) runs[at]!++;
      else runs.push(1, ds, de, isLate);
    }
    flush();

    const timing: PlanTiming = {
      start: base === null ? null : new Date(base).toISOString(),
      windowEnd: plan.windowEnd?.toISOString() ?? null,
      plannedEnd: Math.round(schedule.totalMinutes),
      forecastEnd: Math.round(forecast.endMinutes),
      atRisk: base !== null && plan.windowEnd !== null && base + forecast.endMinutes * MINUTE > plan.windowEnd.getTime(),
      late,
      noDuration: schedule.missingDurations.length,
    };
    const pointPassed = pointOfNoReturn !== null && rows.some((row) => row.masterStepId === pointOfNoReturn && row.start !== null);
    if (backout.length > 0 && !pointPassed) {
      const minutes = Math.round(backoutMinutes(backout.map(toPlanStep), edges));
      const finishAt = asOf.getTime() + minutes * MINUTE;
      timing.backout = { minutes, finishAt: new Date(finishAt).toISOString(), fits: plan.windowEnd === null ? null : finishAt <= plan.windowEnd.getTime() };
    }
    result.plans.set(plan.id, timing);
  }
  return result;
}

export async function loadIterationTiming(tx: DbOrTx, iterationId: string, asOf: Date): Promise<IterationTiming> {
  return computeIterationTiming(await readIterationTiming(tx, iterationId), asOf);
}
