import { mkdir } from 'node:fs/promises';
import { openDatabase } from './client';
import { databaseOptionsFromEnv } from './config';
import { migrate } from './migrator';

async function main(): Promise<void> {
  const options = databaseOptionsFromEnv();
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const database = await openDatabase(options);
  try {
    console.log(`Migrating ${database.description}`);
    const { applied } = await migrate(database.raw, { log: (message) => console.log(`  ${message}`) });
    console.log(applied.length === 0 ? 'Schema is up to date.' : `Applied ${applied.length} migration(s).`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
