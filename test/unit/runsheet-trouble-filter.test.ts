import { filterSteps, isFiltered, isTroubleFilter, NO_FILTERS, withTroubleFilter, type StepEntry } from '../../static/runsheet/src/model';

const STATUS_IDS = new Map([
  ['TODO', 22],
  ['IN_PROGRESS', 23],
  ['FAILED', 25],
  ['BLOCKED', 26],
]);

function entry(id: string, statusId: number): StepEntry {
  return { step: { id, statusId, ownerTeamId: null, impactedTeamIds: [], labelIds: [] }, haystack: id } as unknown as StepEntry;
}

/** The runsheet's "Blocked or failed" quick filter is the status filter set to exactly those two. */
describe('runsheet Blocked/Failed filter', () => {
  const entries = [entry('a', 22), entry('b', 26), entry('c', 25), entry('d', 23)];

  it('keeps only blocked and failed steps, with the other filters', () => {
    const on = withTroubleFilter(NO_FILTERS, true);
    expect(isFiltered(on)).toBe(true);
    expect(isTroubleFilter(on)).toBe(true);
    expect(filterSteps(entries, on, STATUS_IDS, null).map((e) => e.step.id)).toEqual(['b', 'c']);
    expect(filterSteps(entries, { ...on, text: 'c' }, STATUS_IDS, null).map((e) => e.step.id)).toEqual(['c']);
  });

  it('is off for any other status choice and clears the status filter when turned off', () => {
    expect(isTroubleFilter({ ...NO_FILTERS, statuses: ['FAILED', 'BLOCKED'] })).toBe(true);
    expect(isTroubleFilter({ ...NO_FILTERS, statuses: ['BLOCKED'] })).toBe(false);
    expect(isTroubleFilter({ ...NO_FILTERS, statuses: ['BLOCKED', 'FAILED', 'TODO'] })).toBe(false);
    const off = withTroubleFilter({ ...NO_FILTERS, statuses: ['BLOCKED', 'FAILED'], text: 'x' }, false);
    expect(off).toEqual({ ...NO_FILTERS, text: 'x' });
  });
});
