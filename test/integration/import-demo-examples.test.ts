/**
 * The shipped examples (docs/examples/*) import cleanly into the demo data `npm start` seeds
 * (src/local/demo-data.ts; the small size the browser tests use), with "create missing": the
 * JSON document creates its sequence, phases and teams, then the CSV pair, the same plan, changes
 * nothing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/query';
import { loadDemoData, type DemoResult } from '../../src/local/demo-data';
import { openTestDatabase, type TestDatabase } from '../helpers/test-database';
import { driveBatch, expectData, type ImportCaller, makeImportCaller } from './import-fixtures';

const examples = path.join(__dirname, '../../docs/examples');
const read = (name: string) => readFileSync(path.join(examples, name), 'utf8');

describe('docs/examples against the demo data', () => {
  let db: TestDatabase;
  let caller: ImportCaller;
  let demo: DemoResult;
  let admin: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    demo = await loadDemoData(db.db, 'small');
    admin = demo.accounts.find((account) => account.role === 'ADMIN')!.accountId;
    caller = makeImportCaller(db.db);
  });
  afterAll(() => db.close());

  it('plan.json creates its sequence, phases and teams and its four steps; the CSV pair then changes nothing', async () => {
    const planId = demo.plan.masterPlanId;
    const [{ sequences } = { sequences: 0 }] = await queryRows<{ sequences: number }>(
      db.db,
      sql`SELECT count(*)::int AS sequences FROM sequences_master_sqm WHERE plm_id = ${planId}`,
    );

    const json = expectData(
      await caller.call(admin, 'imports/upload', { masterPlanId: planId, format: 'JSON', createMissing: true, files: [{ name: 'plan.json', content: read('plan.json') }] }),
    );
    const validated = await driveBatch(caller, admin, json.batchId);
    expect(validated.report).toEqual([]);
    expect(validated.status).toBe('VALIDATED');
    // The demo's first sequence holds order 1 already, so the new one goes after the last.
    expect(validated.creates).toEqual({
      sequences: [{ name: 'Cutover weekend', order: sequences + 1 }],
      phases: [
        { sequence: 'Cutover weekend', name: 'Freeze', order: 1, sequenceOrder: sequences + 1 },
        { sequence: 'Cutover weekend', name: 'Data migration', order: 2, sequenceOrder: sequences + 1 },
      ],
      // The demo has a "Network Team" already.
      teams: ['Cutover Ops', 'Database Team'],
      stepTypes: [],
    });
    const promoted = expectData(await caller.call(admin, 'imports/promote', { batchId: json.batchId }));
    expect(promoted.status).toBe('PROMOTED');
    expect(promoted.changes).toMatchObject({ stepsCreated: 4, instructionsCreated: 7, predecessorsChanged: 3 });

    const csv = expectData(
      await caller.call(admin, 'imports/upload', {
        masterPlanId: planId,
        format: 'CSV',
        createMissing: true,
        files: [
          { name: 'steps.csv', content: read('steps.csv') },
          { name: 'instructions.csv', content: read('instructions.csv') },
        ],
      }),
    );
    const csvValidated = await driveBatch(caller, admin, csv.batchId);
    expect(csvValidated.report).toEqual([]);
    expect(csvValidated.creates).toEqual({ sequences: [], phases: [], teams: [], stepTypes: [] });
    const preview = expectData(await caller.call(admin, 'imports/preview', { batchId: csv.batchId }));
    expect(preview.counts).toEqual({ created: 0, updated: 0, unchanged: 4 });
    const csvPromoted = expectData(await caller.call(admin, 'imports/promote', { batchId: csv.batchId }));
    expect(csvPromoted.status).toBe('PROMOTED');
    expect(csvPromoted.changes).toMatchObject({ stepsCreated: 0, stepsUpdated: 0, stepsUnchanged: 4, instructionsCreated: 0, instructionsUpdated: 0 });
  });
});
