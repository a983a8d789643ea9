import path from 'node:path';
import type { DatabaseOptions } from './client';

/** Where `npm start` and `npm run db:migrate` keep the embedded database between runs. */
export const DEFAULT_PGLITE_DIR = path.resolve(__dirname, '../../.umig/pgdata');

export function databaseOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseOptions {
  const url = env.DATABASE_URL?.trim();
  if (url) return { url, poolMax: env.PGPOOL_MAX ? Number(env.PGPOOL_MAX) : undefined };
  return { dataDir: env.UMIG_PGLITE_DIR?.trim() || DEFAULT_PGLITE_DIR };
}
