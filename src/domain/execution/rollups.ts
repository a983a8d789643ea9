/**
 * Roll-ups: how far a phase, sequence, plan or iteration has come, and the status it derives.
 * They are computed from the steps beneath the container (all of them, however deep), not from
 * the child containers' stored statuses, so one level's stale or empty child cannot skew another.
 */

import { type ContainerStatus, type StepStatus } from '../statuses';

export interface StepProgressInput {
  status: StepStatus;
  /** `sti_duration_minutes`; null counts as 0. */
  durationMinutes: number | null;
  startTime: Date | null;
  endTime: Date | null;
}

export interface Progress {
  /** Steps in scope: every step that is not CANCELLED. */
  stepCount: number;
  completedCount: number;
  cancelledCount: number;
  /** completedCount / stepCount, 0 when no step is in scope. */
  ratio: number;
  /** The ratio as a whole percentage, rounded down so 100 only ever means "all done". */
  percent: number;
  /** Sum of the durations of the steps in scope. */
  plannedMinutes: number;
  /**
   * Sum over the started steps in scope of (end, or now while running) minus start: the work
   * time spent, not the wall-clock span, so parallel steps add up. Whole minutes, rounded down.
   */
  elapsedMinutes: number;
}

const MS_PER_MINUTE = 60_000;

/**
 * Progress of any container from the steps beneath it. Cancelled steps are out of scope
 * everywhere (count, plan and elapsed time), because they will never be done.
 */
export function rollUpProgress(steps: readonly StepProgressInput[], now: Date): Progress {
  let stepCount = 0;
  let completedCount = 0;
  let cancelledCount = 0;
  let plannedMinutes = 0;
  let elapsedMs = 0;
  for (const step of steps) {
    if (step.status === 'CANCELLED') {
      cancelledCount += 1;
      continue;
    }
    stepCount += 1;
    if (step.status === 'COMPLETED') completedCount += 1;
    plannedMinutes += Math.max(0, step.durationMinutes ?? 0);
    if (step.startTime !== null) {
      const end = step.endTime ?? now;
      // Clock skew between servers must not make time run backwards.
      elapsedMs += Math.max(0, end.getTime() - step.startTime.getTime());
    }
  }
  const ratio = stepCount === 0 ? 0 : completedCount / stepCount;
  return {
    stepCount,
    completedCount,
    cancelledCount,
    ratio,
    percent: Math.floor(ratio * 100),
    plannedMinutes,
    elapsedMinutes: Math.floor(elapsedMs / MS_PER_MINUTE),
  };
}

/** A child of a container: a step (for a phase, or any level rolled up from steps) or a container. */
export type ChildStatus = StepStatus | ContainerStatus;

/** Statuses meaning work on the child has begun. A BLOCKED step counts: someone has engaged with it. */
const STARTED: ReadonlySet<ChildStatus> = new Set<ChildStatus>(['IN_PROGRESS', 'COMPLETED', 'FAILED', 'BLOCKED']);

/**
 * The status a container derives from its children, at any level.
 * - no children: PLANNING (nothing to do yet is not "done");
 * - every child CANCELLED: CANCELLED (there is nothing left to do);
 * - every child COMPLETED or CANCELLED and the critical controls passed: COMPLETED;
 * - any child started: IN_PROGRESS (including "all done but a critical control has not passed");
 * - otherwise PLANNING.
 * `criticalControlsPassed` is canCompletePhase over the controls beneath the container
 * (true when it has none).
 */
export function rollUpContainer(children: readonly ChildStatus[], criticalControlsPassed: boolean): ContainerStatus {
  if (children.length === 0) return 'PLANNING';
  if (children.every((status) => status === 'CANCELLED')) return 'CANCELLED';
  const allDone = children.every((status) => status === 'COMPLETED' || status === 'CANCELLED');
  if (allDone && criticalControlsPassed) return 'COMPLETED';
  return children.some((status) => STARTED.has(status)) ? 'IN_PROGRESS' : 'PLANNING';
}
