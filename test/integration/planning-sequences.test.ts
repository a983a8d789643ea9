import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/query';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/** planInstances/sequences: the runsheet macro's sequence choices, without loading a runsheet. */
describe('planInstances/sequences', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  it('lists the sequences of a plan instance in runsheet order, to every known user', async () => {
    const sequences = expectOk(await s.call(ACCOUNTS.normalOutside, 'planInstances/sequences', { planInstanceId: s.planInstanceId }));
    expect(sequences.map((sequence) => [sequence.name, sequence.order])).toEqual([
      ['Sequence 1', 1],
      ['Sequence 2', 2],
    ]);
    const stored = await queryRows<{ id: string }>(s.db, sql`SELECT sqi_id AS id FROM sequences_instance_sqi WHERE pli_id = ${s.planInstanceId} ORDER BY sqi_order`);
    expect(sequences.map((sequence) => sequence.id)).toEqual(stored.map((row) => row.id));
  });

  it('answers NOT_FOUND, VALIDATION and UNKNOWN_USER as the other reads do', async () => {
    expect(codeOf(await s.call(ACCOUNTS.normalOutside, 'planInstances/sequences', { planInstanceId: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    for (const payload of [{}, { planInstanceId: 'x' }, { planInstanceId: s.planInstanceId, extra: 1 }]) {
      expect(codeOf(await s.callRaw(ACCOUNTS.admin, 'planInstances/sequences', payload))).toBe('VALIDATION');
    }
    expect(codeOf(await s.call(ACCOUNTS.unknown, 'planInstances/sequences', { planInstanceId: s.planInstanceId }))).toBe('UNKNOWN_USER');
  });
});
