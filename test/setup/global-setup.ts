import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/db/client';
import { migrate } from '../../src/db/migrator';
import { databaseUrl, withAdminClient } from '../helpers/test-database';

/**
 * Migrates once per run; each test file then starts from a copy (see test/helpers/test-database.ts).
 * Environment variables set here reach the test workers, which start after this returns.
 */
export default async function globalSetup(): Promise<void> {
  const runId = randomBytes(3).toString('hex');
  process.env.UMIG_TEST_RUN_ID = runId;
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `umig_tpl_${runId}`;
    await withAdminClient((client) => client.query(`CREATE DATABASE "${template}"`));
    const database = await openDatabase({ url: databaseUrl(url, template) });
    try {
      await migrate(database.raw);
    } finally {
      // A template may have no open connections while copies are made.
      await database.close();
    }
    process.env.UMIG_TEST_PG_TEMPLATE = template;
  } else {
    const database = await openDatabase({});
    try {
      await migrate(database.raw);
      const dump = await database.dumpDataDir!();
      const file = path.join(os.tmpdir(), `umig-test-${runId}.tar`);
      await writeFile(file, Buffer.from(await dump.arrayBuffer()));
      process.env.UMIG_TEST_PGLITE_DUMP = file;
    } finally {
      await database.close();
    }
  }
}
