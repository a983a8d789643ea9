import { migrate, migrationStatus } from '../../src/db/migrator';
import { openTestDatabase, type TestDatabase } from '../helpers/test-database';

describe('migrated template', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('has every migration applied and nothing pending', async () => {
    const status = await migrationStatus(database.raw);
    expect(status.pending).toEqual([]);
    expect(status.applied.map((a) => a.id)).toContain('0001_seed_schema');
  });

  it('changes nothing when the migrations run again', async () => {
    const result = await migrate(database.raw);
    expect(result.applied).toEqual([]);
  });
});
