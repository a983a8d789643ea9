import { rm } from 'node:fs/promises';
import { withAdminClient } from '../helpers/test-database';

export default async function globalTeardown(): Promise<void> {
  const runId = process.env.UMIG_TEST_RUN_ID;
  if (process.env.UMIG_TEST_PGLITE_DUMP) await rm(process.env.UMIG_TEST_PGLITE_DUMP, { force: true });
  if (process.env.DATABASE_URL && runId) {
    await withAdminClient(async (client) => {
      // Copies a crashed test file left behind, then the template itself.
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
        [`umig_t_${runId}_%`, `umig_tpl_${runId}`],
      );
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    });
  }
}
