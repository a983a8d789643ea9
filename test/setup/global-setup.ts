import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/db/client';
import { migrate } from '../../src/db/migrator';
import { SEED_DOCUMENT_PATH, upstreamSeedDocumentPath, upstreamSeedDocumentText } from '../helpers/seed-document';
import { databaseUrl, withAdminClient } from '../helpers/test-database';
import { readFileSync } from 'node:fs';

/**
 * Migrates once per run; each test file then starts from a copy (see test/helpers/test-database.ts).
 * Environment variables set here reach the test workers, which start after this returns.
 */
export default async function globalSetup(): Promise<void> {
  reportUpstreamDataModelDrift();
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

/**
 * The schema follows the repository's copy of the data model. When an upstream copy is named
 * (UMIG_UPSTREAM_DATA_MODEL), say (never fail) when it has moved on, so the copy and the schema can
 * be brought along deliberately.
 */
function reportUpstreamDataModelDrift(): void {
  const upstream = upstreamSeedDocumentText();
  if (upstream === undefined) return;
  if (upstream !== readFileSync(SEED_DOCUMENT_PATH, 'utf8')) {
    process.stdout.write(
      `\nNote: ${upstreamSeedDocumentPath()} differs from ${SEED_DOCUMENT_PATH}; the tests follow the repository's copy.\n`,
    );
  }
}
