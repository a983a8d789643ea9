import { describePath } from '../../src/resolvers/handler';
import { ProblemList, readDuration } from '../../src/services/imports/fields';
import { readProblem } from '../../static/shared/admin-api';
import { ServiceError } from '../../static/shared/bridge';

const place = { file: 'steps.csv', line: 4, column: 'duration_minutes' };

describe('durations in an import', () => {
  it('keeps whole minutes up to a week and names anything else', () => {
    const problems = new ProblemList();
    expect(readDuration('10080', place, problems)).toBe(10_080);
    expect(readDuration(0, place, problems)).toBe(0);
    expect(readDuration('', place, problems)).toBeNull();
    expect(problems.items).toEqual([]);
    for (const bad of ['10081', '1e9', 1e9, '30.5', 'ten', -1]) expect(readDuration(bad, place, problems)).toBeNull();
    expect(problems.items.map((problem) => problem.message)).toEqual([
      'duration_minutes must be a whole number of minutes from 0 to 10,080 (7 days); found "10081".',
      'duration_minutes must be a whole number of minutes from 0 to 10,080 (7 days); found "1e9".',
      'duration_minutes must be a whole number of minutes from 0 to 10,080 (7 days); found "1000000000".',
      'duration_minutes must be a whole number of minutes from 0 to 10,080 (7 days); found "30.5".',
      'duration_minutes must be a whole number of minutes from 0 to 10,080 (7 days); found "ten".',
      'duration_minutes must be a whole number of minutes from 0 to 10,080 (7 days); found "-1".',
    ]);
  });
});

describe('what a refusal says', () => {
  it('names a payload field in words, never by its key', () => {
    expect(describePath(['durationMinutes'])).toBe('duration minutes');
    expect(describePath(['steps', 2, 'ownerTeamId'])).toBe('steps, item 3, owner team id');
  });

  it('puts each message under its field and does not repeat it in the banner', () => {
    const error = new ServiceError({
      code: 'VALIDATION',
      message: 'The request is not valid: Use a whole number of minutes (duration minutes) and 1 more problem(s).',
      details: [
        { path: 'durationMinutes', message: 'Use a whole number of minutes.' },
        { path: 'name', message: 'Enter a name; it cannot be blank.' },
      ],
    });
    const problem = readProblem(error, ['durationMinutes', 'name']);
    expect(problem.fields).toEqual({ durationMinutes: 'Use a whole number of minutes.', name: 'Enter a name; it cannot be blank.' });
    expect(problem.message).toBe('Check the 2 fields marked below.');
    // A message no field shows stays in the banner, once.
    const partly = readProblem(error, ['name']);
    expect(partly.message).toBe('Check the field marked below. Use a whole number of minutes.');
    // Without fields to show them, the service's sentence is the banner.
    expect(readProblem(error).message).toBe(error.message);
  });
});
