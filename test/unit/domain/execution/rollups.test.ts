import {
  type ChildStatus,
  type StepProgressInput,
  rollUpContainer,
  rollUpProgress,
} from '../../../../src/domain/execution/rollups';
import type { StepStatus } from '../../../../src/domain/statuses';

const NOW = new Date('2025-06-01T12:00:00Z');
const at = (time: string) => new Date(`2025-06-01T${time}:00Z`);

function step(status: StepStatus, durationMinutes: number | null = 10, startTime: Date | null = null, endTime: Date | null = null): StepProgressInput {
  return { status, durationMinutes, startTime, endTime };
}

describe('rollUpProgress', () => {
  it('is all zeros without steps', () => {
    expect(rollUpProgress([], NOW)).toEqual({
      stepCount: 0,
      completedCount: 0,
      cancelledCount: 0,
      ratio: 0,
      percent: 0,
      plannedMinutes: 0,
      elapsedMinutes: 0,
    });
  });

  it('is 0% when every step is cancelled, with nothing planned', () => {
    expect(rollUpProgress([step('CANCELLED', 30, at('10:00')), step('CANCELLED', 15)], NOW)).toEqual({
      stepCount: 0,
      completedCount: 0,
      cancelledCount: 2,
      ratio: 0,
      percent: 0,
      plannedMinutes: 0,
      elapsedMinutes: 0,
    });
  });

  it('counts completed steps over the steps that are not cancelled', () => {
    const progress = rollUpProgress(
      [
        step('COMPLETED', 20, at('09:00'), at('09:20')),
        step('COMPLETED', 10, at('09:20'), at('09:35')),
        step('IN_PROGRESS', 30, at('11:30')),
        step('TODO', 15),
        step('CANCELLED', 100, at('08:00')),
        step('FAILED', 5, at('10:00'), at('10:07')),
      ],
      NOW,
    );
    expect(progress).toEqual({
      stepCount: 5,
      completedCount: 2,
      cancelledCount: 1,
      ratio: 0.4,
      percent: 40,
      plannedMinutes: 80,
      // 20 + 15 + 30 (running until now) + 7; the cancelled step's time is left out
      elapsedMinutes: 72,
    });
  });

  it('rounds the percentage down so 100% means done', () => {
    const steps = [...Array.from({ length: 199 }, () => step('COMPLETED')), step('IN_PROGRESS')];
    const progress = rollUpProgress(steps, NOW);
    expect(progress.ratio).toBeCloseTo(0.995);
    expect(progress.percent).toBe(99);
    expect(rollUpProgress([step('COMPLETED'), step('CANCELLED')], NOW).percent).toBe(100);
  });

  it('treats missing or negative durations as zero', () => {
    expect(rollUpProgress([step('TODO', null), step('TODO', -5), step('TODO', 7)], NOW).plannedMinutes).toBe(7);
  });

  it('never lets clock skew make elapsed time negative, and rounds down to whole minutes', () => {
    expect(rollUpProgress([step('IN_PROGRESS', 10, new Date(NOW.getTime() + 60_000))], NOW).elapsedMinutes).toBe(0);
    expect(rollUpProgress([step('COMPLETED', 10, at('10:00'), at('09:00'))], NOW).elapsedMinutes).toBe(0);
    expect(rollUpProgress([step('IN_PROGRESS', 10, new Date(NOW.getTime() - 90_000))], NOW).elapsedMinutes).toBe(1);
  });

  it('adds up time of parallel steps (work time, not wall clock)', () => {
    const parallel = [step('COMPLETED', 60, at('09:00'), at('10:00')), step('COMPLETED', 60, at('09:00'), at('10:00'))];
    expect(rollUpProgress(parallel, NOW).elapsedMinutes).toBe(120);
  });
});

describe('rollUpContainer', () => {
  it.each([
    ['no children', [], true, 'PLANNING'],
    ['no children, controls failing', [], false, 'PLANNING'],
    ['all pending', ['PENDING', 'PENDING'], true, 'PLANNING'],
    ['to do and cancelled', ['TODO', 'CANCELLED'], true, 'PLANNING'],
    ['all cancelled', ['CANCELLED', 'CANCELLED'], true, 'CANCELLED'],
    ['all cancelled, controls failing', ['CANCELLED'], false, 'CANCELLED'],
    ['one in progress', ['TODO', 'IN_PROGRESS'], true, 'IN_PROGRESS'],
    ['one blocked', ['PENDING', 'BLOCKED'], true, 'IN_PROGRESS'],
    ['one failed', ['FAILED', 'TODO'], true, 'IN_PROGRESS'],
    ['one completed', ['COMPLETED', 'TODO'], true, 'IN_PROGRESS'],
    ['all failed', ['FAILED', 'FAILED'], true, 'IN_PROGRESS'],
    ['all completed', ['COMPLETED', 'COMPLETED'], true, 'COMPLETED'],
    ['completed and cancelled', ['COMPLETED', 'CANCELLED'], true, 'COMPLETED'],
    ['all completed, critical control not passed', ['COMPLETED', 'COMPLETED'], false, 'IN_PROGRESS'],
    ['child containers planning', ['PLANNING', 'PLANNING'], true, 'PLANNING'],
    ['child container in progress', ['PLANNING', 'IN_PROGRESS'], true, 'IN_PROGRESS'],
    ['child container completed', ['COMPLETED', 'PLANNING'], true, 'IN_PROGRESS'],
    ['child containers done', ['COMPLETED', 'CANCELLED'], true, 'COMPLETED'],
    ['child containers cancelled', ['CANCELLED'], true, 'CANCELLED'],
  ] as [string, ChildStatus[], boolean, string][])('%s', (_name, children, criticalControlsPassed, expected) => {
    expect(rollUpContainer(children, criticalControlsPassed)).toBe(expected);
  });
});
