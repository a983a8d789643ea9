import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { measureServiceOverhead } from '../../src/server/bench';
import { ConfigError, FORGE_JWKS_URL, loadConfig } from '../../src/server/config';

/**
 * The service's settings are checked once at start, each bad one with its own sentence that never
 * repeats a password; and the code stays usable behind PgBouncer in transaction mode.
 */

const APP_UUID = '59e32d7e-c2e0-406d-abc2-0b5a27042fe9';
const APP_ID = `ari:cloud:ecosystem::app/${APP_UUID}`;
const INSTALLATION = 'ari:cloud:ecosystem::installation/c0f10000-0000-4000-8000-000000000001';
const PASSWORD = 's3cr3t-pa55word';
const BASE = { FORGE_APP_ID: APP_ID, DATABASE_URL: `postgres://umig:${PASSWORD}@db.internal:5432/umig`, UMIG_INSTALLATIONS: INSTALLATION };

function problemsOf(env: NodeJS.ProcessEnv, argv: string[] = []): string[] {
  try {
    loadConfig({ env, argv });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'umig-config-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  test('a single database with its installations, defaults for the rest, the JWKS fixed to Atlassian', () => {
    const config = loadConfig({ env: { ...BASE, FORGE_APP_ID: APP_UUID }, argv: ['--migrate'] });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      appId: APP_ID,
      jwksUrl: FORGE_JWKS_URL,
      localDev: false,
      migrate: true,
      tenants: [{ keys: [INSTALLATION], database: { url: BASE.DATABASE_URL } }],
      poolMax: 10,
      bodyLimitBytes: 1024 * 1024,
      requestTimeoutMs: 20_000,
    });
    expect(FORGE_JWKS_URL).toBe('https://forge.cdn.prod.atlassian-dev.net/.well-known/jwks.json');
  });

  test('several sites, one database each, from a JSON map inline or in a file; one pool per database', async () => {
    const map = {
      [INSTALLATION]: 'postgres://umig@db1:5432/site_a',
      'c0f1c0f1-0000-4000-8000-000000000001': 'postgres://umig@db1:5432/site_a',
      'ari:cloud:ecosystem::installation/c0f10000-0000-4000-8000-000000000002': 'postgres://umig@db2:5432/site_b',
    };
    const inline = loadConfig({ env: { FORGE_APP_ID: APP_ID, UMIG_TENANTS: JSON.stringify(map) } });
    expect(inline.tenants).toEqual([
      { keys: [INSTALLATION, 'c0f1c0f1-0000-4000-8000-000000000001'], database: { url: 'postgres://umig@db1:5432/site_a' } },
      { keys: ['ari:cloud:ecosystem::installation/c0f10000-0000-4000-8000-000000000002'], database: { url: 'postgres://umig@db2:5432/site_b' } },
    ]);
    const file = path.join(dir, 'tenants.json');
    await writeFile(file, JSON.stringify(map));
    expect(loadConfig({ env: { FORGE_APP_ID: APP_ID, UMIG_TENANTS: file } }).tenants).toEqual(inline.tenants);
  });

  test('a config file under UMIG_CONFIG, with the environment winning', async () => {
    const file = path.join(dir, 'umig.json');
    await writeFile(file, JSON.stringify({ ...BASE, PORT: 9000, UMIG_RATE_LIMIT_BURST: 5, UMIG_TENANTS: undefined }));
    const config = loadConfig({ env: { UMIG_CONFIG: file, PORT: '9100' } });
    expect(config).toMatchObject({ port: 9100, rateLimit: { perMinute: 600, burst: 5 }, appId: APP_ID });
  });

  test('every bad setting gets its own sentence, and no sentence repeats the database password', () => {
    const problems = problemsOf({
      FORGE_APP_ID: 'my-app',
      DATABASE_URL: `mysql://umig:${PASSWORD}@db`,
      PORT: '70000',
      PGPOOL_MAX: '0',
      UMIG_REQUEST_TIMEOUT_MS: '30000',
      UMIG_LOG_LEVEL: 'loud',
    }, ['--fast']);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Unknown option\(s\) --fast/),
        expect.stringMatching(/^FORGE_APP_ID must be the app id from manifest\.yml/),
        expect.stringMatching(/^DATABASE_URL must be a postgres:\/\//),
        'PORT must be a whole number from 0 to 65535.',
        'PGPOOL_MAX must be a whole number from 1 to 200.',
        'UMIG_REQUEST_TIMEOUT_MS must be a whole number from 1000 to 24000.',
        expect.stringMatching(/^UMIG_LOG_LEVEL must be one of/),
        expect.stringMatching(/^UMIG_INSTALLATIONS is required/),
      ]),
    );
    expect(problems).toHaveLength(8);
    expect(problems.join('\n')).not.toContain(PASSWORD);
    expect(problemsOf({ UMIG_INSTALLATIONS: INSTALLATION })).toEqual([expect.stringMatching(/^FORGE_APP_ID is required/)]);
    expect(problemsOf({ ...BASE, UMIG_TENANTS: '{}' })).toEqual([expect.stringMatching(/not both/)]);
    const tenantProblems = problemsOf({ FORGE_APP_ID: APP_ID, UMIG_TENANTS: JSON.stringify({ a: `http://u:${PASSWORD}@x`, b: 'postgres://x/db', c: 'postgres://y/db' }) });
    expect(tenantProblems).toEqual(['UMIG_TENANTS: the entry for "a" is not a postgres:// URL.']);
    expect(problemsOf({ FORGE_APP_ID: APP_ID, UMIG_TENANTS: '{"a": "postgres://x/1", "a ": "postgres://x/2"}' })).toEqual([
      'The installation "a" is listed for more than one database.',
    ]);
  });

  test('a setting that is not a number stops the start with its sentence, never a silent default', () => {
    expect(problemsOf({ ...BASE, UMIG_OUTBOX_INTERVAL_MS: 'abc' })).toEqual([expect.stringMatching(/^UMIG_OUTBOX_INTERVAL_MS must be a whole number/)]);
    expect(problemsOf({ ...BASE, UMIG_OUTBOX_INTERVAL_MS: '1.5' })).toEqual([expect.stringMatching(/^UMIG_OUTBOX_INTERVAL_MS must be a whole number/)]);
    expect(problemsOf({ ...BASE, UMIG_OUTBOX_INTERVAL_MS: '60000' })).toEqual([]);
  });

  test('production refuses the embedded database: no DATABASE_URL and no UMIG_TENANTS is a startup error', () => {
    const { DATABASE_URL: _unused, ...withoutDatabase } = BASE;
    expect(problemsOf({ ...withoutDatabase, NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^NODE_ENV=production needs PostgreSQL/)]);
    // Outside production the embedded database is the trial default.
    expect(problemsOf({ ...withoutDatabase })).toEqual([]);
  });

  test('the local development key set needs --local-dev, outside production, on this machine', () => {
    const local = 'http://127.0.0.1:4000/.well-known/jwks.json';
    expect(loadConfig({ env: { ...BASE, UMIG_LOCAL_DEV_JWKS_URL: local }, argv: ['--local-dev'] })).toMatchObject({ jwksUrl: local, localDev: true });
    expect(problemsOf({ ...BASE, UMIG_LOCAL_DEV_JWKS_URL: local })).toEqual([expect.stringMatching(/not started with --local-dev/)]);
    expect(problemsOf({ ...BASE, UMIG_LOCAL_DEV_JWKS_URL: local, NODE_ENV: 'production' }, ['--local-dev'])).toEqual([
      '--local-dev is refused when NODE_ENV=production.',
    ]);
    expect(problemsOf({ ...BASE }, ['--local-dev'])).toEqual([expect.stringMatching(/needs UMIG_LOCAL_DEV_JWKS_URL/)]);
    expect(problemsOf({ ...BASE, UMIG_LOCAL_DEV_JWKS_URL: 'https://keys.example.com/jwks.json' }, ['--local-dev'])).toEqual([
      expect.stringMatching(/localhost, 127\.0\.0\.1 or \[::1\]/),
    ]);
    expect(problemsOf({ ...BASE, UMIG_LOCAL_DEV_INVOKE_DELAY_MS: '500' })).toEqual(['UMIG_LOCAL_DEV_INVOKE_DELAY_MS only works with --local-dev.']);
  });
});

describe('PgBouncer in transaction mode', () => {
  /**
   * A transaction-mode pooler hands each transaction to any server connection, so nothing may
   * rely on the session outliving a transaction: no named prepared statements, no session SET,
   * no LISTEN, no session advisory locks, no temporary table that outlives its transaction, no
   * cursors WITH HOLD.
   */
  const SESSION_STATE = [
    /\.prepare\(\s*['"`]/, // drizzle named prepared statement
    /\bname:\s*['"`][^'"`]+['"`],\s*text:/, // node-postgres named query
    /^\s*SET\s+(?!LOCAL\b)(SESSION\s+)?[a-z_]+\s*(=|TO)\b/im,
    /\bset_config\s*\([^)]*,\s*false\s*\)/i,
    /\b(LISTEN|UNLISTEN)\s+[a-z_]/i,
    /\bpg_advisory_lock\b|\bpg_try_advisory_lock\b/i,
    // Temporary tables only with ON COMMIT DROP, which lives and dies inside the transaction.
    /\bCREATE\s+(?:GLOBAL\s+|LOCAL\s+)?TEMP(?:ORARY)?\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+(?!ON\s+COMMIT\s+DROP\b)/i,
    /\bWITH\s+HOLD\b/i,
  ];

  async function filesUnder(dir: string, extension: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith(extension)).map((e) => path.join(e.parentPath, e.name));
  }

  test('no code or migration keeps state in a database session', async () => {
    const root = path.resolve(__dirname, '../..');
    const files = [...(await filesUnder(path.join(root, 'src'), '.ts')), ...(await filesUnder(path.join(root, 'migrations'), '.sql'))];
    expect(files.length).toBeGreaterThan(10);
    const offenders: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const pattern of SESSION_STATE) if (pattern.test(text)) offenders.push(`${path.relative(root, file)}: ${String(pattern)}`);
    }
    expect(offenders).toEqual([]);
  });
});

describe('measureServiceOverhead (for npm run bench)', () => {
  test('reports the HTTP and in-process medians of the same call and their difference', async () => {
    const result = await measureServiceOverhead({ iterations: 20 });
    expect(result.iterations).toBe(20);
    expect(result.http_ms).toBeGreaterThan(0);
    expect(result.inprocess_ms).toBeGreaterThan(0);
    expect(result.service_overhead_ms).toBeCloseTo(result.http_ms - result.inprocess_ms, 2);
  });
});
