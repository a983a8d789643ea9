import { type ScheduleStepInput, computeSchedule, findCycle } from '../../../../src/domain/execution/scheduling';

describe('findCycle', () => {
  it('finds nothing in an empty or acyclic graph', () => {
    expect(findCycle([])).toBeNull();
    expect(
      findCycle([
        { from: 'b', to: 'a' },
        { from: 'c', to: 'b' },
        { from: 'd', to: 'a' },
        { from: 'd', to: 'c' },
      ]),
    ).toBeNull();
  });

  it('returns a self-loop as a closed path', () => {
    expect(findCycle([{ from: 'a', to: 'a' }])).toEqual(['a', 'a']);
  });

  it('returns the cycle only, not the path leading to it', () => {
    expect(
      findCycle([
        { from: 'x', to: 'a' },
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'c', to: 'a' },
      ]),
    ).toEqual(['a', 'b', 'c', 'a']);
  });

  it('finds a two-step cycle among unrelated edges', () => {
    expect(
      findCycle([
        { from: 1, to: 2 },
        { from: 3, to: 4 },
        { from: 4, to: 3 },
      ]),
    ).toEqual([3, 4, 3]);
  });

  it('does not mistake a diamond for a cycle', () => {
    expect(
      findCycle([
        { from: 'd', to: 'b' },
        { from: 'd', to: 'c' },
        { from: 'b', to: 'a' },
        { from: 'c', to: 'a' },
      ]),
    ).toBeNull();
  });

  it('handles a chain of 100,000 steps without overflowing the stack', () => {
    const edges = Array.from({ length: 100_000 }, (_, index) => ({ from: index + 1, to: index }));
    expect(findCycle(edges)).toBeNull();
    edges.push({ from: 0, to: 100_000 });
    const cycle = findCycle(edges);
    expect(cycle).toHaveLength(100_002);
    expect(cycle![0]).toBe(cycle!.at(-1));
  });
});

function s(id: string, phaseId: string, durationMinutes: number | null, predecessorId: string | null = null): ScheduleStepInput {
  return { id, code: id.toUpperCase(), phaseId, durationMinutes, predecessorId };
}

function offsets(steps: ScheduleStepInput[]): Record<string, [number, number]> | string {
  const result = computeSchedule(steps);
  if (!result.ok) return result.error.message;
  return Object.fromEntries(result.schedule.steps.map((step) => [step.id, [step.startOffsetMinutes, step.endOffsetMinutes]]));
}

describe('computeSchedule', () => {
  it('is empty for no steps', () => {
    expect(computeSchedule([])).toEqual({ ok: true, schedule: { steps: [], totalMinutes: 0 } });
  });

  it('runs the steps of a phase one after another', () => {
    expect(offsets([s('a', 'p1', 10), s('b', 'p1', 20), s('c', 'p1', 5)])).toEqual({ a: [0, 10], b: [10, 30], c: [30, 35] });
  });

  it('starts a phase when the previous one ends', () => {
    const result = computeSchedule([s('a', 'p1', 10), s('b', 'p1', 20), s('c', 'p2', 5)]);
    expect(result).toEqual({
      ok: true,
      schedule: {
        steps: [
          { id: 'a', startOffsetMinutes: 0, endOffsetMinutes: 10 },
          { id: 'b', startOffsetMinutes: 10, endOffsetMinutes: 30 },
          { id: 'c', startOffsetMinutes: 30, endOffsetMinutes: 35 },
        ],
        totalMinutes: 35,
      },
    });
  });

  it('runs steps sharing a predecessor in parallel, and ends the phase with the longest', () => {
    expect(offsets([s('a', 'p1', 10), s('b', 'p1', 30, 'a'), s('c', 'p1', 5, 'a'), s('d', 'p2', 1)])).toEqual({
      a: [0, 10],
      b: [10, 40],
      c: [10, 15],
      d: [40, 41],
    });
  });

  it('lets a step without a predecessor follow the step listed before it, even a parallel one', () => {
    expect(offsets([s('a', 'p1', 10), s('b', 'p1', 30, 'a'), s('c', 'p1', 5, 'a'), s('d', 'p1', 2)])).toEqual({
      a: [0, 10],
      b: [10, 40],
      c: [10, 15],
      d: [15, 17],
    });
  });

  it('accepts a predecessor listed later in the same phase', () => {
    expect(offsets([s('a', 'p1', 10, 'b'), s('b', 'p1', 20)])).toEqual({ a: [20, 30], b: [0, 20] });
  });

  it('never starts a step before its phase, whatever its predecessor', () => {
    expect(offsets([s('a', 'p1', 10), s('b', 'p1', 50), s('c', 'p2', 5, 'a')])).toEqual({ a: [0, 10], b: [10, 60], c: [60, 65] });
  });

  it('ignores a predecessor that is not in the list', () => {
    expect(offsets([s('a', 'p1', 10), s('b', 'p1', 5, 'not-copied')])).toEqual({ a: [0, 10], b: [10, 15] });
  });

  it('counts missing and negative durations as zero', () => {
    expect(offsets([s('a', 'p1', null), s('b', 'p1', -10), s('c', 'p1', 3)])).toEqual({ a: [0, 0], b: [0, 0], c: [0, 3] });
  });

  it('keeps phases in order of first appearance, even when their steps are interleaved', () => {
    expect(offsets([s('a', 'p1', 10), s('b', 'p2', 5), s('c', 'p1', 10)])).toEqual({ a: [0, 10], c: [10, 20], b: [20, 25] });
  });

  it('refuses a predecessor in a later phase', () => {
    expect(offsets([s('a', 'p1', 10, 'b'), s('b', 'p2', 5)])).toBe('Step A cannot wait for B, which is planned in a later phase.');
  });

  it('starts a step with its phase when the step before it already waits for it', () => {
    expect(offsets([s('a', 'p1', 10), s('b', 'p1', 5, 'c'), s('c', 'p1', 20), s('d', 'p1', 1)])).toEqual({
      a: [0, 10],
      b: [20, 25],
      c: [0, 20],
      d: [20, 21],
    });
  });

  it('refuses predecessors forming a cycle, naming it by step code', () => {
    const result = computeSchedule([s('a', 'p1', 1), s('b', 'p1', 1, 'c'), s('c', 'p1', 1, 'b')]);
    if (result.ok) throw new Error('expected a refusal');
    expect(result.error.code).toBe('VALIDATION');
    expect(result.error.message).toBe('Step predecessors form a circle: B → C → B.');
    expect(result.error.details).toEqual({ cycle: ['b', 'c', 'b'] });
  });

  it('refuses a step that is its own predecessor, naming it by id without a code', () => {
    const result = computeSchedule([{ id: 'x', phaseId: 'p', durationMinutes: 1, predecessorId: 'x' }]);
    if (result.ok) throw new Error('expected a refusal');
    expect(result.error.message).toBe('Step predecessors form a circle: x → x.');
  });

  it('refuses a step listed twice', () => {
    expect(offsets([s('a', 'p1', 1), s('a', 'p1', 1)])).toBe('Step A is listed twice.');
  });

  it('schedules a long serial runsheet', () => {
    const steps = Array.from({ length: 20_000 }, (_, index) => s(`s${index}`, `p${Math.floor(index / 100)}`, 1, index % 7 === 0 && index > 0 ? `s${index - 1}` : null));
    const result = computeSchedule(steps);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.schedule.totalMinutes).toBe(20_000);
    expect(result.schedule.steps.at(-1)).toEqual({ id: 's19999', startOffsetMinutes: 19_999, endOffsetMinutes: 20_000 });
  });
});
