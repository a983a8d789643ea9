import { eq } from 'drizzle-orm';
import { openDatabase, type Database } from '../db/client';
import { migrate } from '../db/migrator';
import { roles, users } from '../db/schema';
import { createHandler } from '../resolvers';
import { buildServer } from './app';
import { startLocalIssuer } from './dev-issuer';

/**
 * What the UMIG service adds to a call: the median of a small resolver call ('migrations/list')
 * over HTTP with a token check, against the same call made to the handler in-process. For
 * test/bench/run.ts (`npm run bench`); the target is under 5 ms.
 */

export interface ServiceOverhead {
  service_overhead_ms: number;
  http_ms: number;
  inprocess_ms: number;
  iterations: number;
}

export interface OverheadOptions {
  /** Measured calls of each kind (after warm-up). Default 200. */
  iterations?: number;
  /** A migrated database; by default an in-memory PGlite one is made (DATABASE_URL is not read). */
  database?: Database;
  /** A registered, active user of that database; one is added when the database is made here. */
  accountId?: string;
}

const APP_ID = 'ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000b00';
const INSTALLATION = 'ari:cloud:ecosystem::installation/00000000-0000-4000-8000-000000000b01';
const BENCH_ACCOUNT = 'bench-account';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

async function benchDatabase(): Promise<Database> {
  const database = await openDatabase({});
  await migrate(database.raw);
  const [admin] = await database.db.select({ id: roles.id }).from(roles).where(eq(roles.code, 'ADMIN'));
  await database.db.insert(users).values({
    code: 'BEN',
    firstName: 'Bench',
    lastName: 'Mark',
    email: 'bench@example.com',
    roleId: admin?.id,
    active: true,
    confluenceUserId: BENCH_ACCOUNT,
  });
  return database;
}

export async function measureServiceOverhead(options: OverheadOptions = {}): Promise<ServiceOverhead> {
  const iterations = options.iterations ?? 200;
  const ownDatabase = options.database ? undefined : await benchDatabase();
  const database = (options.database ?? ownDatabase)!;
  const accountId = options.accountId ?? BENCH_ACCOUNT;
  const issuer = await startLocalIssuer();
  const service = buildServer({
    config: { appId: APP_ID, jwksUrl: issuer.jwksUrl, logLevel: 'silent', rateLimit: { perMinute: 1_000_000, burst: 100_000 } },
    tenants: [{ keys: [INSTALLATION], label: 'bench database', open: async () => database, owned: false }],
  });
  try {
    const url = `${await service.listen()}/invoke`;
    const handler = createHandler({ databaseFor: () => database.db });
    const body = { functionKey: 'migrations/list', payload: {} };
    const token = await issuer.sign({ appId: APP_ID, installationId: INSTALLATION, cloudId: '00000000-0000-4000-8000-000000000b02', accountId });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    const overHttp = async () => {
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
      const envelope = (await response.json()) as { ok: boolean };
      if (!envelope.ok) throw new Error(`measureServiceOverhead: the call failed (${JSON.stringify(envelope)})`);
    };
    const inProcess = async () => {
      const envelope = (await handler(
        { call: { functionKey: body.functionKey, payload: body.payload }, context: {} },
        { principal: { accountId }, installContext: 'ari:cloud:confluence::site/bench' },
      )) as { ok: boolean };
      if (!envelope.ok) throw new Error(`measureServiceOverhead: the call failed (${JSON.stringify(envelope)})`);
    };
    const time = async (fn: () => Promise<void>) => {
      const started = performance.now();
      await fn();
      return performance.now() - started;
    };

    // Warm up both paths (JIT, key set fetch, connection), then alternate so drift hits both alike.
    for (let i = 0; i < Math.min(50, iterations); i++) {
      await overHttp();
      await inProcess();
    }
    const http: number[] = [];
    const local: number[] = [];
    for (let i = 0; i < iterations; i++) {
      http.push(await time(overHttp));
      local.push(await time(inProcess));
    }
    const httpMs = median(http);
    const inprocessMs = median(local);
    return { service_overhead_ms: round(httpMs - inprocessMs), http_ms: round(httpMs), inprocess_ms: round(inprocessMs), iterations };
  } finally {
    await service.close();
    await issuer.close();
    await ownDatabase?.close();
  }
}
