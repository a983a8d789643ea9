/**
 * `schedule_10k_ms`: the critical path plus a live forecast of a 10,000-step plan with about 15,000
 * dependencies (in-process, pure domain code), median of several runs.
 */
import { type PlanDependency, type PlanStep, type StepActual, forecastSchedule, planSchedule } from '../../src/domain/execution/critical-path';

export interface ScheduleBench {
  steps: number;
  dependencies: number;
  schedule_10k_ms: number;
}

/** Deterministic pseudo-random numbers, so every run measures the same plan. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function generateSchedulePlan(stepCount = 10_000, edgeCount = 15_000): { steps: PlanStep[]; dependencies: PlanDependency[] } {
  const next = random(7);
  const steps: PlanStep[] = [];
  for (let i = 0; i < stepCount; i++) {
    const phase = Math.floor(i / 50);
    steps.push({ id: `s${i}`, phaseId: `p${phase}`, sequenceId: `q${Math.floor(phase / 10)}`, durationMinutes: 1 + Math.floor(next() * 30) });
  }
  const dependencies: PlanDependency[] = [];
  for (let e = 0; e < edgeCount; e++) {
    // Mostly near links (same or previous phases), some far ones, a few pointing at a later phase.
    const s = 1 + Math.floor(next() * (stepCount - 1));
    const reach = next() < 0.9 ? 120 : stepCount;
    const p = Math.max(0, s - 1 - Math.floor(next() * Math.min(reach, s)));
    dependencies.push({ stepId: `s${s}`, predecessorId: `s${p}`, kind: next() < 0.15 ? 'SS' : 'FS', lagMinutes: next() < 0.1 ? 10 : 0 });
  }
  return { steps, dependencies };
}

export function benchSchedule(runs = 15): ScheduleBench {
  const { steps, dependencies } = generateSchedulePlan();
  const half = steps.length / 2;
  const actual = (i: number): StepActual | null =>
    i < half ? { state: 'FINISHED', startMinutes: i * 0.1, endMinutes: i * 0.1 + 5 } : i < half + 20 ? { state: 'RUNNING', startMinutes: 500, endMinutes: null } : null;
  const samples: number[] = [];
  for (let r = 0; r < runs + 3; r++) {
    const started = performance.now();
    const planned = planSchedule(steps, dependencies);
    if (!planned.ok) throw new Error(planned.error.message);
    forecastSchedule(planned.schedule, actual, 600);
    if (r >= 3) samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { steps: steps.length, dependencies: dependencies.length, schedule_10k_ms: Math.round(samples[Math.floor(samples.length / 2)]! * 10) / 10 };
}
