/**
 * Planned timing of a runsheet, in minutes from the plan's start, and predecessor cycle detection.
 *
 * The model is deliberately simple so people can predict it:
 * - phases run one after another, in the order they first appear in the list (which is the
 *   runsheet order: sequence order, then phase order); a phase starts when the previous one ends;
 * - inside a phase, a step with a predecessor starts when that predecessor ends (steps sharing a
 *   predecessor run in parallel); a step without one starts when the step listed before it in
 *   the same phase ends (or with the phase, when that step already waits for it through a
 *   predecessor listed later), and the first step of a phase starts with the phase;
 * - no step starts before its phase does, so a predecessor in an earlier phase is always met;
 *   a predecessor in a later phase cannot be met and is refused;
 * - a predecessor id that is not in the list (e.g. a step that was not copied) is ignored.
 */

import { type Decision, type DomainError, domainError } from '../errors';

/** A directed edge: `from` depends on (waits for) `to`. */
export interface Edge<T> {
  from: T;
  to: T;
}

/**
 * The first dependency cycle found, as a closed path (`[a, b, a]`; a self-loop is `[a, a]`), or
 * null. Iterative, so an import of thousands of chained steps cannot overflow the stack.
 * Deterministic: nodes are explored in the order they first appear in `edges`.
 */
export function findCycle<T>(edges: readonly Edge<T>[]): T[] | null {
  const adjacency = new Map<T, T[]>();
  for (const { from, to } of edges) {
    if (!adjacency.has(from)) adjacency.set(from, []);
    if (!adjacency.has(to)) adjacency.set(to, []);
    adjacency.get(from)!.push(to);
  }
  const ON_PATH = 1;
  const DONE = 2;
  const state = new Map<T, number>();
  for (const root of adjacency.keys()) {
    if (state.has(root)) continue;
    const path: T[] = [root];
    const nextIndex: number[] = [0];
    state.set(root, ON_PATH);
    while (path.length > 0) {
      const depth = path.length - 1;
      const node = path[depth]!;
      const targets = adjacency.get(node)!;
      const index = nextIndex[depth]!;
      if (index < targets.length) {
        nextIndex[depth] = index + 1;
        const target = targets[index]!;
        const seen = state.get(target);
        if (seen === ON_PATH) return [...path.slice(path.indexOf(target)), target];
        if (seen === undefined) {
          state.set(target, ON_PATH);
          path.push(target);
          nextIndex.push(0);
        }
      } else {
        state.set(node, DONE);
        path.pop();
        nextIndex.pop();
      }
    }
  }
  return null;
}

export interface ScheduleStepInput {
  id: string;
  /** Used in refusals, e.g. TRT-010; the id when absent. */
  code?: string | null;
  phaseId: string;
  /** Null or negative counts as 0. */
  durationMinutes: number | null;
  predecessorId: string | null;
}

export interface ScheduledStep {
  id: string;
  startOffsetMinutes: number;
  endOffsetMinutes: number;
}

export interface Schedule {
  /** One entry per input step, in input order. */
  steps: ScheduledStep[];
  /** When the last phase ends. */
  totalMinutes: number;
}

/**
 * Planned start and end of every step (see the module comment for the model). Pass the steps in
 * runsheet order; leave out the ones that should not take time (e.g. cancelled steps).
 */
export function computeSchedule(steps: readonly ScheduleStepInput[]): Decision<{ schedule: Schedule }> {
  const byId = new Map<string, ScheduleStepInput>();
  for (const step of steps) {
    if (byId.has(step.id)) return { ok: false, error: scheduleError(`Step ${label(step)} is listed twice.`, { stepId: step.id }) };
    byId.set(step.id, step);
  }

  const phaseIndex = new Map<string, number>();
  const phases: ScheduleStepInput[][] = [];
  for (const step of steps) {
    let index = phaseIndex.get(step.phaseId);
    if (index === undefined) {
      index = phases.length;
      phaseIndex.set(step.phaseId, index);
      phases.push([]);
    }
    phases[index]!.push(step);
  }

  const end = new Map<string, number>();
  const start = new Map<string, number>();
  let phaseStart = 0;
  for (const [index, phaseSteps] of phases.entries()) {
    // Inside the phase each step waits for at most one other step of the same phase.
    const waitsFor = new Map<string, string>();
    const position = new Map(phaseSteps.map((step, at) => [step.id, at]));
    let waitsForward = false;
    for (const step of phaseSteps) {
      const predecessor = step.predecessorId === null ? undefined : byId.get(step.predecessorId);
      if (!predecessor) continue;
      const predecessorPhase = phaseIndex.get(predecessor.phaseId)!;
      if (predecessorPhase > index) {
        return {
          ok: false,
          error: scheduleError(
            `Step ${label(step)} cannot wait for ${label(predecessor)}, which is planned in a later phase.`,
            { stepId: step.id, predecessorId: predecessor.id },
          ),
        };
      }
      if (predecessorPhase === index) {
        waitsFor.set(step.id, predecessor.id);
        if (position.get(predecessor.id)! >= position.get(step.id)!) waitsForward = true;
      }
    }
    const cycle = findCycle([...waitsFor].map(([from, to]) => ({ from, to })));
    if (cycle) {
      const names = cycle.map((id) => label(byId.get(id)!));
      return {
        ok: false,
        error: scheduleError(`Step predecessors form a circle: ${names.join(' → ')}.`, { cycle }),
      };
    }
    // Steps without a usable predecessor follow the step listed before them, unless that step
    // (through predecessors listed later) already waits for them: then they start with the phase.
    for (const [at, step] of phaseSteps.entries()) {
      if (at === 0 || waitsFor.has(step.id)) continue;
      const previous = phaseSteps[at - 1]!.id;
      if (waitsForward && waitsTransitively(waitsFor, previous, step.id)) continue;
      waitsFor.set(step.id, previous);
    }
    let phaseEnd = phaseStart;
    for (const step of phaseSteps) {
      // Walk up the chain of unresolved waits, then resolve it from the top down.
      const chain: string[] = [];
      let current: string | undefined = step.id;
      while (current !== undefined && !end.has(current)) {
        chain.push(current);
        current = waitsFor.get(current);
      }
      for (const id of chain.reverse()) {
        const awaited = waitsFor.get(id);
        const begin = awaited === undefined ? phaseStart : Math.max(phaseStart, end.get(awaited)!);
        start.set(id, begin);
        end.set(id, begin + Math.max(0, byId.get(id)!.durationMinutes ?? 0));
      }
      phaseEnd = Math.max(phaseEnd, end.get(step.id)!);
    }
    phaseStart = phaseEnd;
  }

  return {
    ok: true,
    schedule: {
      steps: steps.map((step) => ({
        id: step.id,
        startOffsetMinutes: start.get(step.id)!,
        endOffsetMinutes: end.get(step.id)!,
      })),
      totalMinutes: phaseStart,
    },
  };
}

/** Whether `from` (following the single wait of each step) ends up waiting for `target`. */
function waitsTransitively(waitsFor: ReadonlyMap<string, string>, from: string, target: string): boolean {
  for (let current: string | undefined = from; current !== undefined; current = waitsFor.get(current)) {
    if (current === target) return true;
  }
  return false;
}

function label(step: ScheduleStepInput): string {
  return step.code ? step.code : step.id;
}

function scheduleError(message: string, details: Record<string, unknown>): DomainError {
  return domainError('VALIDATION', message, details);
}
