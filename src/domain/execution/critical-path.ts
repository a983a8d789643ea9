/**
 * The planned schedule of a run (critical path method) and its live forecast, in minutes from the
 * run's planned start. Pure: the callers load the plan and the actuals, and turn minutes into
 * clock times.
 *
 * What a step waits for:
 * - its dependencies, when it has any: finish-to-start (FS, starts after the predecessor ends) or
 *   start-to-start (SS, starts after the predecessor starts), each plus a lag in minutes, on any
 *   step of the run (any phase or sequence);
 * - otherwise the runsheet flow: the step listed before it in its phase, or, for the first step of
 *   a phase, every step of the previous phase (phases in runsheet order, across sequences).
 *   A flow link that would close a circle with the dependencies (a step waiting for a step of a
 *   later phase) is left out: the flow follows a topological order that keeps runsheet order
 *   wherever the dependencies allow it, so flow links never contradict a written dependency.
 * Steps without a duration count 0 and are listed in `missingDurations`.
 * Only a circle among the written dependencies is refused; a dependency on a step that is not in
 * the list is ignored and listed in `unknownReferences` (imports and editing refuse those first).
 * `flow: false` schedules the written dependencies alone (the pure graph).
 */

import { type Decision, domainError } from '../errors';
import { findCycle } from './scheduling';

export type DependencyKind = 'FS' | 'SS';

export interface PlanStep {
  id: string;
  phaseId: string;
  sequenceId: string;
  /** Null or negative counts as 0 (and null is listed as a warning). */
  durationMinutes: number | null;
  /** How a refusal names the step: e.g. "Cutover / Application shutdown / APP-010". */
  label?: string;
}

export interface PlanDependency {
  /** The step that waits. */
  stepId: string;
  /** The step it waits for. */
  predecessorId: string;
  kind: DependencyKind;
  lagMinutes: number;
}

/** The schedule's internal graph, kept so a forecast reuses it without rebuilding. */
interface Graph {
  /** Step index -> incoming links [start, end) in the `in*` arrays. */
  inStart: Int32Array;
  inFrom: Int32Array;
  inSs: Uint8Array;
  inLag: Float64Array;
  outStart: Int32Array;
  outTo: Int32Array;
  outSs: Uint8Array;
  outLag: Float64Array;
  /** Step indexes in topological order. */
  order: Int32Array;
}

export interface PlannedSchedule {
  ids: readonly string[];
  /** Per step (runsheet order): earliest/latest start and finish, total float, duration used. */
  earlyStart: Float64Array;
  earlyFinish: Float64Array;
  lateStart: Float64Array;
  lateFinish: Float64Array;
  totalFloat: Float64Array;
  duration: Float64Array;
  critical: Uint8Array;
  /** The chain of step ids that sets the end, first to last. */
  criticalChain: string[];
  /** When the last step ends. */
  totalMinutes: number;
  /** Planned span of each phase and sequence: [start, end]. */
  phaseSpans: Map<string, [number, number]>;
  sequenceSpans: Map<string, [number, number]>;
  missingDurations: string[];
  unknownReferences: PlanDependency[];
  /** @internal for forecast() */
  graph: Graph;
  steps: readonly PlanStep[];
  index: ReadonlyMap<string, number>;
}

const EPSILON = 1e-6;

/** Binary min-heap of step indexes (the index is the priority: runsheet order). */
class IndexHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(value: number): void {
    const items = this.items;
    items.push(value);
    let at = items.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (items[parent]! <= value) break;
      items[at] = items[parent]!;
      at = parent;
    }
    items[at] = value;
  }
  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const child = right < items.length && items[right]! < items[left]! ? right : left;
        if (items[child]! >= last) break;
        items[at] = items[child]!;
        at = child;
      }
      items[at] = last;
    }
    return top;
  }
}

/**
 * Earliest/latest times, float and critical path of every step. Pass the steps in runsheet order
 * (sequence order, phase order, step order). Refuses only a circle among the dependencies, naming
 * every step of it by its label.
 */
export function planSchedule(
  steps: readonly PlanStep[],
  dependencies: readonly PlanDependency[],
  options: { flow?: boolean } = {},
): Decision<{ schedule: PlannedSchedule }> {
  const n = steps.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const id = steps[i]!.id;
    if (index.has(id)) return { ok: false, error: domainError('VALIDATION', `Step ${steps[i]!.label ?? id} is listed twice.`, { stepId: id }) };
    index.set(id, i);
  }

  // Written dependencies (each one binds, even two on the same pair), unknown ones set aside.
  const unknownReferences: PlanDependency[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const ss: number[] = [];
  const lag: number[] = [];
  const hasWritten = new Uint8Array(n);
  for (const dependency of dependencies) {
    const s = index.get(dependency.stepId);
    const p = index.get(dependency.predecessorId);
    if (s === undefined || p === undefined) {
      unknownReferences.push(dependency);
      continue;
    }
    if (s === p) return { ok: false, error: circleError([steps[s]!, steps[s]!]) };
    from.push(p);
    to.push(s);
    ss.push(dependency.kind === 'SS' ? 1 : 0);
    lag.push(Math.max(0, dependency.lagMinutes));
    hasWritten[s] = 1;
  }

  // Topological order of the written links, runsheet order wherever they allow it.
  const writtenCount = from.length;
  const indegree = new Int32Array(n);
  const succStart = new Int32Array(n + 1);
  for (let e = 0; e < writtenCount; e++) {
    indegree[to[e]!]!++;
    succStart[from[e]! + 1]!++;
  }
  for (let i = 0; i < n; i++) succStart[i + 1]! += succStart[i]!;
  const succ = new Int32Array(writtenCount);
  const fill = succStart.slice(0, n);
  for (let e = 0; e < writtenCount; e++) succ[fill[from[e]!]!++] = to[e]!;
  const heap = new IndexHeap();
  for (let i = 0; i < n; i++) if (indegree[i] === 0) heap.push(i);
  const order = new Int32Array(n);
  const position = new Int32Array(n);
  let emitted = 0;
  while (heap.size > 0) {
    const i = heap.pop();
    position[i] = emitted;
    order[emitted++] = i;
    for (let k = succStart[i]!; k < succStart[i + 1]!; k++) {
      const t = succ[k]!;
      if (--indegree[t]! === 0) heap.push(t);
    }
  }
  if (emitted < n) {
    const edges: { from: number; to: number }[] = [];
    for (let e = 0; e < writtenCount; e++) if (indegree[to[e]!]! > 0 && indegree[from[e]!]! > 0) edges.push({ from: to[e]!, to: from[e]! });
    const cycle = findCycle(edges) ?? [];
    return { ok: false, error: circleError(cycle.map((i) => steps[i]!)) };
  }

  // Flow links for steps without written dependencies.
  const phaseOrder: string[] = [];
  const phaseMembers = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const phase = steps[i]!.phaseId;
    let members = phaseMembers.get(phase);
    if (!members) {
      members = [];
      phaseMembers.set(phase, members);
      phaseOrder.push(phase);
    }
    members.push(i);
  }
  for (const [rank, phase] of phaseOrder.entries()) {
    const members = phaseMembers.get(phase)!;
    for (let m = 0; m < members.length; m++) {
      const s = members[m]!;
      if (hasWritten[s] || options.flow === false) continue;
      const previous = m > 0 ? members[m - 1]! : -1;
      if (previous >= 0 && position[previous]! < position[s]!) {
        from.push(previous);
        to.push(s);
        ss.push(0);
        lag.push(0);
        continue;
      }
      // First of its phase (or its neighbour waits for it): after the nearest earlier phase.
      for (let r = rank - 1; r >= 0; r--) {
        let linked = false;
        for (const p of phaseMembers.get(phaseOrder[r]!)!) {
          if (position[p]! < position[s]!) {
            from.push(p);
            to.push(s);
            ss.push(0);
            lag.push(0);
            linked = true;
          }
        }
        if (linked) break;
      }
    }
  }

  const graph = buildGraph(n, from, to, ss, lag, order);
  const duration = new Float64Array(n);
  const missingDurations: string[] = [];
  for (let i = 0; i < n; i++) {
    const minutes = steps[i]!.durationMinutes;
    if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) missingDurations.push(steps[i]!.id);
    duration[i] = minutes !== null && Number.isFinite(minutes) && minutes > 0 ? minutes : 0;
  }

  const earlyStart = new Float64Array(n);
  const earlyFinish = new Float64Array(n);
  let totalMinutes = 0;
  for (let k = 0; k < n; k++) {
    const s = order[k]!;
    let start = 0;
    for (let e = graph.inStart[s]!; e < graph.inStart[s + 1]!; e++) {
      const p = graph.inFrom[e]!;
      const bound = (graph.inSs[e] ? earlyStart[p]! : earlyFinish[p]!) + graph.inLag[e]!;
      if (bound > start) start = bound;
    }
    earlyStart[s] = start;
    earlyFinish[s] = start + duration[s]!;
    if (earlyFinish[s] > totalMinutes) totalMinutes = earlyFinish[s]!;
  }

  const lateStart = new Float64Array(n);
  const lateFinish = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const p = order[k]!;
    let finish = totalMinutes;
    for (let e = graph.outStart[p]!; e < graph.outStart[p + 1]!; e++) {
      const t = graph.outTo[e]!;
      const bound = graph.outSs[e] ? lateStart[t]! - graph.outLag[e]! + duration[p]! : lateStart[t]! - graph.outLag[e]!;
      if (bound < finish) finish = bound;
    }
    lateFinish[p] = finish;
    lateStart[p] = finish - duration[p]!;
  }

  const totalFloat = new Float64Array(n);
  const critical = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    totalFloat[i] = lateStart[i]! - earlyStart[i]!;
    critical[i] = totalFloat[i]! < EPSILON ? 1 : 0;
  }

  const criticalChain: string[] = [];
  let last = -1;
  for (let i = 0; i < n; i++) if (critical[i] && (last < 0 || earlyFinish[i]! >= earlyFinish[last]! - EPSILON)) last = i;
  for (let s = last; s >= 0; ) {
    criticalChain.push(steps[s]!.id);
    let next = -1;
    for (let e = graph.inStart[s]!; e < graph.inStart[s + 1]!; e++) {
      const p = graph.inFrom[e]!;
      const bound = (graph.inSs[e] ? earlyStart[p]! : earlyFinish[p]!) + graph.inLag[e]!;
      if (critical[p] && Math.abs(bound - earlyStart[s]!) < EPSILON) {
        next = p;
        break;
      }
    }
    s = next;
  }
  criticalChain.reverse();

  return {
    ok: true,
    schedule: {
      ids: steps.map((step) => step.id),
      earlyStart,
      earlyFinish,
      lateStart,
      lateFinish,
      totalFloat,
      duration,
      critical,
      criticalChain,
      totalMinutes,
      phaseSpans: spans(steps, earlyStart, earlyFinish, (step) => step.phaseId),
      sequenceSpans: spans(steps, earlyStart, earlyFinish, (step) => step.sequenceId),
      missingDurations,
      unknownReferences,
      graph,
      steps,
      index,
    },
  };
}

function buildGraph(n: number, from: number[], to: number[], ss: number[], lag: number[], order: Int32Array): Graph {
  const m = from.length;
  const inStart = new Int32Array(n + 1);
  const outStart = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    inStart[to[e]! + 1]!++;
    outStart[from[e]! + 1]!++;
  }
  for (let i = 0; i < n; i++) {
    inStart[i + 1]! += inStart[i]!;
    outStart[i + 1]! += outStart[i]!;
  }
  const inFrom = new Int32Array(m);
  const inSs = new Uint8Array(m);
  const inLag = new Float64Array(m);
  const outTo = new Int32Array(m);
  const outSs = new Uint8Array(m);
  const outLag = new Float64Array(m);
  const inFill = inStart.slice(0, n);
  const outFill = outStart.slice(0, n);
  for (let e = 0; e < m; e++) {
    const a = inFill[to[e]!]!++;
    inFrom[a] = from[e]!;
    inSs[a] = ss[e]!;
    inLag[a] = lag[e]!;
    const b = outFill[from[e]!]!++;
    outTo[b] = to[e]!;
    outSs[b] = ss[e]!;
    outLag[b] = lag[e]!;
  }
  return { inStart, inFrom, inSs, inLag, outStart, outTo, outSs, outLag, order };
}

function spans(
  steps: readonly PlanStep[],
  start: Float64Array,
  end: Float64Array,
  keyOf: (step: PlanStep) => string,
): Map<string, [number, number]> {
  const result = new Map<string, [number, number]>();
  for (let i = 0; i < steps.length; i++) {
    const key = keyOf(steps[i]!);
    const span = result.get(key);
    if (!span) result.set(key, [start[i]!, end[i]!]);
    else {
      if (start[i]! < span[0]) span[0] = start[i]!;
      if (end[i]! > span[1]) span[1] = end[i]!;
    }
  }
  return result;
}

function circleError(circle: readonly PlanStep[]) {
  const names = circle.map((step) => step.label ?? step.id);
  return domainError('VALIDATION', `Step dependencies form a circle: ${names.join(' → ')}.`, { cycle: circle.map((step) => step.id) });
}

// ---------------------------------------------------------------------------------------------
// Forecast

export type ActualState = 'NOT_STARTED' | 'RUNNING' | 'FINISHED' | 'CANCELLED';

export interface StepActual {
  state: ActualState;
  /** Minutes from the run's planned start; null when not recorded. */
  startMinutes: number | null;
  endMinutes: number | null;
}

export interface Forecast {
  /** Per step, runsheet order. */
  start: Float64Array;
  end: Float64Array;
  /** Forecast (or actual) start after the latest start. */
  late: Uint8Array;
  /** Forecast end minus planned (earliest) end. */
  variance: Float64Array;
  /** When the run is forecast to end. */
  endMinutes: number;
  phaseSpans: Map<string, [number, number]>;
  sequenceSpans: Map<string, [number, number]>;
}

/**
 * Forecast start and end of every step from what happened so far: a finished step uses its actual
 * times; a running one ends at max(now, actual start + duration); a step not started starts at
 * max(now, what it waits for), never before the run's planned start; a cancelled step takes no
 * time. `actualOf` returns null for a step not started.
 */
export function forecastSchedule(schedule: PlannedSchedule, actualOf: (index: number) => StepActual | null, nowMinutes: number): Forecast {
  const n = schedule.ids.length;
  const { graph, duration } = schedule;
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const late = new Uint8Array(n);
  const variance = new Float64Array(n);
  const floor = Math.max(0, nowMinutes);
  let endMinutes = 0;
  for (let k = 0; k < n; k++) {
    const s = graph.order[k]!;
    let bound = 0;
    for (let e = graph.inStart[s]!; e < graph.inStart[s + 1]!; e++) {
      const p = graph.inFrom[e]!;
      const b = (graph.inSs[e] ? start[p]! : end[p]!) + graph.inLag[e]!;
      if (b > bound) bound = b;
    }
    const actual = actualOf(s);
    const state = actual?.state ?? 'NOT_STARTED';
    if (state === 'FINISHED') {
      const actualEnd = actual!.endMinutes;
      const actualStart = actual!.startMinutes ?? (actualEnd !== null ? actualEnd - duration[s]! : bound);
      start[s] = actualStart;
      end[s] = actualEnd ?? actualStart + duration[s]!;
    } else if (state === 'RUNNING' && actual!.startMinutes !== null) {
      start[s] = actual!.startMinutes;
      end[s] = Math.max(nowMinutes, actual!.startMinutes + duration[s]!);
    } else if (state === 'CANCELLED') {
      start[s] = bound;
      end[s] = bound;
    } else {
      start[s] = Math.max(floor, bound);
      end[s] = start[s] + duration[s]!;
    }
    late[s] = state !== 'CANCELLED' && start[s] > schedule.lateStart[s]! + EPSILON ? 1 : 0;
    variance[s] = end[s] - schedule.earlyFinish[s]!;
    if (end[s] > endMinutes) endMinutes = end[s]!;
  }
  return {
    start,
    end,
    late,
    variance,
    endMinutes,
    phaseSpans: spans(schedule.steps, start, end, (step) => step.phaseId),
    sequenceSpans: spans(schedule.steps, start, end, (step) => step.sequenceId),
  };
}

/**
 * How long backing out takes from now: the critical path of the backout steps alone (their
 * written dependencies among themselves, and the runsheet flow), in minutes.
 */
export function backoutMinutes(steps: readonly PlanStep[], dependencies: readonly PlanDependency[]): number {
  const ids = new Set(steps.map((step) => step.id));
  const inside = dependencies.filter((d) => ids.has(d.stepId) && ids.has(d.predecessorId));
  const planned = planSchedule(steps, inside);
  return planned.ok ? planned.schedule.totalMinutes : 0;
}
