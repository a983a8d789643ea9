import fc from 'fast-check';
import {
  type PlanDependency,
  type PlanStep,
  type PlannedSchedule,
  type StepActual,
  backoutMinutes,
  forecastSchedule,
  planSchedule,
} from '../../../../src/domain/execution/critical-path';

const step = (id: string, phaseId: string, durationMinutes: number | null, sequenceId = 'S1'): PlanStep => ({
  id,
  phaseId,
  sequenceId,
  durationMinutes,
  label: `${sequenceId} / ${phaseId} / ${id}`,
});
const fs = (stepId: string, predecessorId: string, lagMinutes = 0): PlanDependency => ({ stepId, predecessorId, kind: 'FS', lagMinutes });
const ss = (stepId: string, predecessorId: string, lagMinutes = 0): PlanDependency => ({ stepId, predecessorId, kind: 'SS', lagMinutes });

function plan(steps: PlanStep[], deps: PlanDependency[], flow = true): PlannedSchedule {
  const result = planSchedule(steps, deps, { flow });
  if (!result.ok) throw new Error(result.error.message);
  return result.schedule;
}

/** Per step id: [ES, EF, LS, LF, float]. */
function table(schedule: PlannedSchedule): Record<string, number[]> {
  return Object.fromEntries(
    schedule.ids.map((id, i) => [
      id,
      [schedule.earlyStart[i]!, schedule.earlyFinish[i]!, schedule.lateStart[i]!, schedule.lateFinish[i]!, schedule.totalFloat[i]!],
    ]),
  );
}

describe('planSchedule on hand-computed plans', () => {
  it('chains a phase in list order and starts the next phase after the whole previous one', () => {
    const schedule = plan([step('A', 'P1', 10), step('B', 'P1', 20), step('C', 'P2', 5)], []);
    expect(table(schedule)).toEqual({ A: [0, 10, 0, 10, 0], B: [10, 30, 10, 30, 0], C: [30, 35, 30, 35, 0] });
    expect(schedule.totalMinutes).toBe(35);
    expect(schedule.criticalChain).toEqual(['A', 'B', 'C']);
  });

  it('computes float for parallel branches, with FS/SS lags', () => {
    //    A(10) -> B(30) -> D(5)
    //    A     -> C(10, FS+5) -> D
    //    E(20) starts 15 min after A starts (SS+15)
    const steps = [step('A', 'P1', 10), step('B', 'P1', 30), step('C', 'P1', 10), step('D', 'P1', 5), step('E', 'P1', 20)];
    const deps = [fs('B', 'A'), fs('C', 'A', 5), fs('D', 'B'), fs('D', 'C'), ss('E', 'A', 15)];
    const schedule = plan(steps, deps);
    expect(table(schedule)).toEqual({
      A: [0, 10, 0, 10, 0],
      B: [10, 40, 10, 40, 0],
      C: [15, 25, 30, 40, 15],
      D: [40, 45, 40, 45, 0],
      E: [15, 35, 25, 45, 10],
    });
    expect(schedule.criticalChain).toEqual(['A', 'B', 'D']);
    expect([...schedule.critical]).toEqual([1, 1, 0, 1, 0]);
  });

  it('lets a step wait for a step of a later phase or another sequence, without a circle from the flow', () => {
    // X (phase 1) waits for Y (phase 3). The flow does not make Y wait for X.
    const steps = [step('X', 'P1', 10), step('X2', 'P1', 5), step('M', 'P2', 20), step('Y', 'P3', 30, 'S2')];
    const schedule = plan(steps, [fs('X', 'Y')]);
    const t = table(schedule);
    expect(t.X2![0]).toBe(0);
    expect(t.M![0]).toBe(5); // after X2, the phase-1 step that came before it
    expect(t.Y![0]).toBe(25);
    expect(t.X![0]).toBe(55);
    expect(schedule.totalMinutes).toBe(65);
  });

  it('counts a missing duration as 0 and lists it', () => {
    const schedule = plan([step('A', 'P1', null), step('B', 'P1', 10)], []);
    expect(schedule.missingDurations).toEqual(['A']);
    expect(schedule.totalMinutes).toBe(10);
  });

  it('refuses a circle and names every step of it with its phase', () => {
    const result = planSchedule([step('A', 'P1', 1), step('B', 'P2', 1), step('C', 'P3', 1, 'S2')], [fs('A', 'C'), fs('C', 'B'), fs('B', 'A')]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('VALIDATION');
    expect(result.error.message).toMatch(/circle/);
    for (const label of ['S1 / P1 / A', 'S1 / P2 / B', 'S2 / P3 / C']) expect(result.error.message).toContain(label);
  });

  it('sets unknown references aside', () => {
    const schedule = plan([step('A', 'P1', 1)], [fs('A', 'nowhere')]);
    expect(schedule.unknownReferences).toEqual([fs('A', 'nowhere')]);
  });

  it('gives phases and sequences their planned span', () => {
    const schedule = plan([step('A', 'P1', 10), step('B', 'P2', 20, 'S2')], []);
    expect(schedule.phaseSpans.get('P2')).toEqual([10, 30]);
    expect(schedule.sequenceSpans.get('S1')).toEqual([0, 10]);
  });
});

describe('forecastSchedule', () => {
  const steps = [step('A', 'P1', 10), step('B', 'P1', 30), step('C', 'P1', 10), step('D', 'P1', 5)];
  const deps = [fs('B', 'A'), fs('C', 'A'), fs('D', 'B'), fs('D', 'C')];
  const schedule = plan(steps, deps);
  const actuals = (map: Record<string, StepActual>) => (i: number) => map[schedule.ids[i]!] ?? null;

  it('equals the plan before anything happens', () => {
    const forecast = forecastSchedule(schedule, () => null, -60);
    expect([...forecast.start]).toEqual([...schedule.earlyStart]);
    expect(forecast.endMinutes).toBe(45);
    expect([...forecast.late]).toEqual([0, 0, 0, 0]);
  });

  it('moves the end when a critical step starts late, and marks late steps', () => {
    // A started 12 minutes late and is still running at minute 25 (planned 10 minutes).
    const forecast = forecastSchedule(schedule, actuals({ A: { state: 'RUNNING', startMinutes: 12, endMinutes: null } }), 25);
    const at = (id: string) => schedule.ids.indexOf(id);
    expect(forecast.end[at('A')]).toBe(25);
    expect(forecast.start[at('B')]).toBe(25);
    expect(forecast.endMinutes).toBe(60);
    expect(forecast.variance[at('D')]).toBe(15);
    expect(forecast.late[at('A')]).toBe(1);
    expect(forecast.late[at('B')]).toBe(1);
    expect(forecast.late[at('C')]).toBe(0); // float 20: starting at 25 is not late
  });

  it('uses actual ends of finished steps and takes no time for cancelled ones', () => {
    const forecast = forecastSchedule(
      schedule,
      actuals({
        A: { state: 'FINISHED', startMinutes: 0, endMinutes: 8 },
        B: { state: 'CANCELLED', startMinutes: null, endMinutes: null },
      }),
      8,
    );
    expect(forecast.endMinutes).toBe(8 + 10 + 5);
  });

  it('measures the backout path alone', () => {
    expect(backoutMinutes([step('R1', 'BP', 15), step('R2', 'BP', 20), step('R3', 'BP2', 5)], [])).toBe(40);
  });
});

// --- Properties -------------------------------------------------------------------------------

/** A random acyclic plan: steps in phases, dependencies only on earlier-generated steps or later-phase ones through a permutation. */
const planArbitrary = fc
  .record({
    durations: fc.array(fc.option(fc.integer({ min: 0, max: 120 }), { nil: null, freq: 8 }), { minLength: 1, maxLength: 40 }),
    phaseCuts: fc.array(fc.integer({ min: 0, max: 39 }), { maxLength: 6 }),
    rank: fc.array(fc.integer(), { minLength: 40, maxLength: 40 }),
    edges: fc.array(fc.record({ a: fc.nat(), b: fc.nat(), ss: fc.boolean(), lag: fc.integer({ min: 0, max: 30 }) }), { maxLength: 60 }),
  })
  .map(({ durations, phaseCuts, rank, edges }) => {
    const n = durations.length;
    const cuts = new Set(phaseCuts.map((c) => c % n));
    let phase = 0;
    const steps = durations.map((d, i) => {
      if (i > 0 && cuts.has(i)) phase++;
      return step(`s${i}`, `P${phase}`, d, `S${phase % 2}`);
    });
    // Edges go from lower to higher hidden rank, so the written graph is acyclic whatever the phases.
    const deps: PlanDependency[] = [];
    for (const { a, b, ss: isSs, lag } of edges) {
      const x = a % n;
      const y = b % n;
      if (x === y) continue;
      const [p, s] = (rank[x] ?? 0) < (rank[y] ?? 0) || ((rank[x] ?? 0) === (rank[y] ?? 0) && x < y) ? [x, y] : [y, x];
      deps.push({ stepId: `s${s}`, predecessorId: `s${p}`, kind: isSs ? 'SS' : 'FS', lagMinutes: lag });
    }
    return { steps, deps };
  });

/** The longest path by brute force over the schedule's own graph (independent recursion). */
function longestPath(schedule: PlannedSchedule): number {
  const { graph, duration } = schedule;
  const n = schedule.ids.length;
  const memo = new Map<number, number>();
  const es = (s: number): number => {
    const known = memo.get(s);
    if (known !== undefined) return known;
    let best = 0;
    for (let e = graph.inStart[s]!; e < graph.inStart[s + 1]!; e++) {
      const p = graph.inFrom[e]!;
      best = Math.max(best, (graph.inSs[e] ? es(p) : es(p) + duration[p]!) + graph.inLag[e]!);
    }
    memo.set(s, best);
    return best;
  };
  let end = 0;
  for (let i = 0; i < n; i++) end = Math.max(end, es(i) + duration[i]!);
  return end;
}

describe('planSchedule properties', () => {
  it('critical steps have zero float, no float is negative, and the chain is critical', () => {
    fc.assert(
      fc.property(planArbitrary, ({ steps, deps }) => {
        const schedule = plan(steps, deps);
        for (let i = 0; i < steps.length; i++) {
          expect(schedule.totalFloat[i]!).toBeGreaterThanOrEqual(-1e-6);
          if (schedule.critical[i]) expect(Math.abs(schedule.totalFloat[i]!)).toBeLessThan(1e-6);
        }
        for (const id of schedule.criticalChain) expect(schedule.critical[schedule.ids.indexOf(id)]).toBe(1);
        const last = schedule.ids.indexOf(schedule.criticalChain[schedule.criticalChain.length - 1]!);
        expect(schedule.earlyFinish[last]).toBeCloseTo(schedule.totalMinutes);
      }),
    );
  });

  it('the end equals the longest path', () => {
    fc.assert(
      fc.property(planArbitrary, ({ steps, deps }) => {
        const schedule = plan(steps, deps);
        expect(schedule.totalMinutes).toBeCloseTo(longestPath(schedule));
      }),
    );
  });

  it('shortening a non-critical step never moves the end', () => {
    fc.assert(
      fc.property(planArbitrary, fc.nat(), fc.integer({ min: 1, max: 60 }), ({ steps, deps }, pick, cut) => {
        const schedule = plan(steps, deps);
        const nonCritical = steps.map((_, i) => i).filter((i) => !schedule.critical[i] && schedule.duration[i]! > 0);
        if (nonCritical.length === 0) return;
        const i = nonCritical[pick % nonCritical.length]!;
        const shorter = steps.map((s, k) => (k === i ? { ...s, durationMinutes: Math.max(0, schedule.duration[i]! - cut) } : s));
        expect(plan(shorter, deps).totalMinutes).toBeCloseTo(schedule.totalMinutes);
      }),
    );
  });

  // On the pure graph: with the runsheet flow, a step losing its last dependency follows the flow instead.
  it('removing a dependency never makes the end later', () => {
    fc.assert(
      fc.property(planArbitrary, fc.nat(), ({ steps, deps }, pick) => {
        if (deps.length === 0) return;
        const before = plan(steps, deps, false).totalMinutes;
        const fewer = deps.filter((_, k) => k !== pick % deps.length);
        expect(plan(steps, fewer, false).totalMinutes).toBeLessThanOrEqual(before + 1e-6);
      }),
    );
  });

  it('the forecast of an untouched run before its start is the plan', () => {
    fc.assert(
      fc.property(planArbitrary, ({ steps, deps }) => {
        const schedule = plan(steps, deps);
        const forecast = forecastSchedule(schedule, () => null, -1);
        expect(forecast.endMinutes).toBeCloseTo(schedule.totalMinutes);
        expect([...forecast.late].every((flag) => flag === 0)).toBe(true);
      }),
    );
  });
});
