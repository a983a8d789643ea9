import {
  INITIAL_STATUS,
  INITIAL_STATUS_ID,
  remapPredecessor,
  selectStepsToCopy,
  shouldCopyStep,
} from '../../../../src/domain/planning/instantiation';

describe('shouldCopyStep', () => {
  it.each([
    [[], 'RUN', true],
    [[], 'DR', true],
    [['DR'], 'DR', true],
    [['DR'], 'RUN', false],
    [['DR', 'CUTOVER'], 'CUTOVER', true],
    [['DR', 'CUTOVER'], 'RUN', false],
    [['DR'], 'dr', false],
  ] as [string[], string, boolean][])('tagged %j into a %s iteration: %s', (tagged, iterationType, expected) => {
    expect(shouldCopyStep(tagged, iterationType)).toBe(expected);
  });
});

describe('selectStepsToCopy', () => {
  it('keeps the untagged steps and those tagged with the iteration type, in order', () => {
    const steps = [
      { id: 'a', iterationTypes: [] },
      { id: 'b', iterationTypes: ['DR'] },
      { id: 'c', iterationTypes: ['RUN', 'CUTOVER'] },
      { id: 'd', iterationTypes: [] },
    ];
    expect(selectStepsToCopy(steps, 'CUTOVER').map((step) => step.id)).toEqual(['a', 'c', 'd']);
    expect(selectStepsToCopy(steps, 'DR').map((step) => step.id)).toEqual(['a', 'b', 'd']);
    expect(selectStepsToCopy([], 'DR')).toEqual([]);
  });
});

describe('initial statuses', () => {
  it('starts containers in PLANNING, steps PENDING and controls TODO', () => {
    expect(INITIAL_STATUS).toEqual({ Plan: 'PLANNING', Sequence: 'PLANNING', Phase: 'PLANNING', Step: 'PENDING', Control: 'TODO' });
  });

  it('uses the seeded ids', () => {
    expect(INITIAL_STATUS_ID).toEqual({ Plan: 5, Sequence: 13, Phase: 17, Step: 21, Control: 28 });
  });
});

describe('remapPredecessor', () => {
  const copies = new Map([
    ['m1', 'i1'],
    ['m2', 'i2'],
  ]);

  it('points at the copy of the master predecessor', () => {
    expect(remapPredecessor('m2', copies)).toBe('i2');
  });

  it('stays null without a predecessor', () => {
    expect(remapPredecessor(null, copies)).toBeNull();
  });

  it('becomes null when the predecessor was not copied', () => {
    expect(remapPredecessor('m9', copies)).toBeNull();
  });
});
