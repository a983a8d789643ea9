import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { planInstances } from '../../src/db/schema';
import { buildServer, type UmigService } from '../../src/server/app';
import { startLocalIssuer, type LocalIssuer } from '../../src/server/dev-issuer';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/**
 * Stopping the service never cuts a call short: SIGTERM (or close()) stops new calls, lets the
 * ones under way finish, closes the database pools, and the process exits 0.
 */

const APP_ID = 'ari:cloud:ecosystem::app/59e32d7e-c2e0-406d-abc2-0b5a27042fe9';
const INSTALLATION = 'ari:cloud:ecosystem::installation/5d0e0000-0000-4000-8000-000000000001';
const CLOUD_ID = '5d0e0000-1111-4000-8000-000000000001';
const REPO = path.resolve(__dirname, '../..');

let scenario: Scenario;
let issuer: LocalIssuer;

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A response body as the tests read it: the envelope every route answers. */
interface Body {
  ok?: boolean;
  data?: unknown;
  error?: { code: string; message: string; details?: unknown };
  [field: string]: unknown;
}

async function invoke(url: string, accountId: string | undefined, functionKey: string, payload: unknown) {
  const token = await issuer.sign({ appId: APP_ID, installationId: INSTALLATION, cloudId: CLOUD_ID, accountId });
  const response = await fetch(`${url}/invoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ functionKey, payload }),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

beforeAll(async () => {
  scenario = await createScenario();
  issuer = await startLocalIssuer();
});

afterAll(async () => {
  await issuer?.close();
  await scenario?.close();
});

describe('in process', () => {
  test('close() waits for the call under way, which completes and commits, then closes the database', async () => {
    const entered = deferred();
    const release = deferred();
    let databaseClosed = 0;
    const service: UmigService = buildServer({
      config: { appId: APP_ID, jwksUrl: issuer.jwksUrl, logLevel: 'silent' },
      // Owned by the service (so close() must close it); the close is counted, not done, so the
      // scenario can still be inspected afterwards.
      tenants: [{ keys: [INSTALLATION], label: 'scenario', open: async () => ({ ...scenario.database, close: async () => void (databaseClosed += 1) }) }],
      beforeInvoke: async ({ functionKey }) => {
        if (functionKey !== 'planInstances/create') return;
        entered.resolve();
        await release.promise;
      },
    });
    const url = await service.listen();
    const inFlight = invoke(url, ACCOUNTS.admin, 'planInstances/create', { iterationId: scenario.iterationId, masterPlanId: scenario.masterPlanId, runName: 'Run during shutdown' });
    await entered.promise;

    let closed = false;
    const closing = service.close().then(() => (closed = true));
    await sleep(300);
    expect(closed).toBe(false);
    // A call arriving while draining is refused whole (503, not executed), and so is readiness.
    const late = await fetch(`${url}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(late.status).toBe(503);
    expect(await late.json()).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect((await fetch(`${url}/readyz`)).status).toBe(503);

    release.resolve();
    const answer = await inFlight;
    expect(answer).toMatchObject({ status: 200, body: { ok: true, data: { name: 'Run during shutdown' } } });
    await closing;
    expect(closed).toBe(true);
    expect(databaseClosed).toBe(1);
    const rows = await scenario.db.select().from(planInstances).where(eq(planInstances.name, 'Run during shutdown'));
    expect(rows).toHaveLength(1);
  });

  test('a call that outlives the time limit is answered 504 UNAVAILABLE before Forge gives up', async () => {
    const release = deferred();
    const service = buildServer({
      config: { appId: APP_ID, jwksUrl: issuer.jwksUrl, logLevel: 'silent', requestTimeoutMs: 300 },
      tenants: [{ keys: [INSTALLATION], label: 'scenario', open: async () => scenario.database, owned: false }],
      beforeInvoke: () => release.promise,
    });
    const url = await service.listen();
    try {
      const answer = await invoke(url, ACCOUNTS.admin, 'migrations/list', {});
      expect(answer.status).toBe(504);
      expect(answer.body).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/took too long.*reload/) } });
    } finally {
      release.resolve();
      await service.close();
    }
  });
});

describe('as a process (node --import tsx src/server/main.ts)', () => {
  let child: ChildProcess | undefined;
  let dataDir: string;
  const output: string[] = [];

  afterAll(async () => {
    // The child leads its own process group: nothing it started can outlive the test.
    if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  function waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line matching ${String(pattern)} within ${timeoutMs} ms:\n${output.join('\n')}`)), timeoutMs);
      const look = () => {
        const line = output.find((l) => pattern.test(l));
        if (line) {
          clearTimeout(timer);
          resolve(line);
        } else if (child?.exitCode !== null) {
          clearTimeout(timer);
          reject(new Error(`the service exited (${child?.exitCode}):\n${output.join('\n')}`));
        } else {
          setTimeout(look, 50);
        }
      };
      look();
    });
  }

  test('SIGTERM during a slow call: the call completes, then the process exits 0', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'umig-service-'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      FORGE_APP_ID: APP_ID,
      UMIG_INSTALLATIONS: INSTALLATION,
      UMIG_PGLITE_DIR: dataDir,
      UMIG_LOCAL_DEV_JWKS_URL: issuer.jwksUrl,
      // Local development only (refused without --local-dev): every call waits this long first.
      UMIG_LOCAL_DEV_INVOKE_DELAY_MS: '1500',
    };
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--local-dev', '--migrate'], {
      cwd: REPO,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding('utf8');
      let partial = '';
      stream.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        output.push(...lines.filter(Boolean));
      });
    }

    const listening = JSON.parse(await waitForLine(/UMIG service listening on/, 90_000)) as { url: string };
    expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const started = Date.now();
    const fetchesBefore = issuer.jwksFetches();
    // An unregistered account: the resolver still runs (and queries the database) after the delay.
    const inFlight = invoke(listening.url, ACCOUNTS.unknown, 'migrations/list', {});
    // The service fetches the key set while checking this first token: the call is then under way.
    while (issuer.jwksFetches() === fetchesBefore) await sleep(20);
    await sleep(200);
    child.kill('SIGTERM');

    const answer = await inFlight;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(answer).toMatchObject({ status: 200, body: { ok: false, error: { code: 'UNKNOWN_USER' } } });
    expect(await exited).toBe(0);

    const lines = output.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const messages = lines.map((line) => line.msg);
    expect(messages).toEqual(expect.arrayContaining(['stopping: no new calls, finishing in-flight ones', 'stopped']));
    expect(lines.find((line) => line.msg === 'request' && line.fn === 'migrations/list')).toMatchObject({ status: 200, outcome: 'UNKNOWN_USER' });
    expect(messages.indexOf('stopped')).toBeGreaterThan(messages.findIndex((m) => m === 'request'));
  });
});
