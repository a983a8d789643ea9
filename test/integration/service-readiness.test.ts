import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { openDatabase } from '../../src/db/client';
import { roles, users } from '../../src/db/schema';
import { buildServer, type UmigService } from '../../src/server/app';
import { startLocalIssuer, type LocalIssuer } from '../../src/server/dev-issuer';
import { usingPostgres, type TestDatabase, openTestDatabase } from '../helpers/test-database';

/**
 * /readyz tells a load balancer whether this instance can serve: 503 while a tenant's database
 * cannot be reached, 200 again as soon as it can, without restarting the service.
 */

const APP_ID = 'ari:cloud:ecosystem::app/59e32d7e-c2e0-406d-abc2-0b5a27042fe9';
const INSTALLATION = 'ari:cloud:ecosystem::installation/4ead0000-0000-4000-8000-000000000001';
const ACCOUNT = 'acc-readiness';

let issuer: LocalIssuer;

beforeAll(async () => {
  issuer = await startLocalIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

async function readyz(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: await response.json() };
}

/** A response body as the tests read it: the envelope every route answers. */
interface Body {
  ok?: boolean;
  data?: unknown;
  error?: { code: string; message: string; details?: unknown };
  [field: string]: unknown;
}

/** Polls /readyz as a load balancer does, until it answers 200 (or gives up after 30 s). */
async function readyAgain(url: string): Promise<{ status: number; body: unknown }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await readyz(url);
    if (answer.status === 200 || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function invoke(url: string) {
  const token = await issuer.sign({ appId: APP_ID, installationId: INSTALLATION, accountId: ACCOUNT });
  const response = await fetch(`${url}/invoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ functionKey: 'migrations/list', payload: {} }),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

async function addUser(database: { db: TestDatabase['db'] }): Promise<void> {
  const [admin] = await database.db.select({ id: roles.id }).from(roles).where(eq(roles.code, 'ADMIN'));
  await database.db.insert(users).values({ code: 'RDY', firstName: 'Ready', lastName: 'Check', email: 'rdy@example.com', roleId: admin!.id, active: true, confluenceUserId: ACCOUNT });
}

/** A TCP proxy in front of PostgreSQL that can drop every connection and refuse new ones, then recover. */
class PausableProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private paused = false;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => {
      if (this.paused) {
        client.destroy();
        return;
      }
      const upstream = createConnection(this.target);
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.sockets.add(a);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.sockets.delete(a);
          b.destroy();
        });
        a.pipe(b);
      }
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return (this.server.address() as AddressInfo).port;
  }

  /** The database "stops": open connections are cut and new ones are dropped at once. */
  pause(): void {
    this.paused = true;
    for (const socket of this.sockets) socket.destroy();
  }

  resume(): void {
    this.paused = false;
  }

  async close(): Promise<void> {
    this.pause();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

(usingPostgres ? describe : describe.skip)('PostgreSQL behind a proxy that stops and starts', () => {
  let database: TestDatabase;
  let proxy: PausableProxy;
  let service: UmigService;
  let url: string;

  beforeAll(async () => {
    database = await openTestDatabase();
    await addUser(database);
    const target = new URL(database.url!);
    proxy = new PausableProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(database.url!);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(await proxy.listen());
    service = buildServer({
      config: { appId: APP_ID, jwksUrl: issuer.jwksUrl, logLevel: 'silent', readyTimeoutMs: 1_000 },
      tenants: [{ keys: [INSTALLATION], label: 'proxied PostgreSQL', open: () => openDatabase({ url: proxied.toString(), poolMax: 4 }) }],
    });
    url = await service.listen();
  });

  afterAll(async () => {
    await service?.close();
    await proxy?.close();
    await database?.close();
  });

  test('ready, then 503 while the database is gone, then ready again without a restart', async () => {
    expect(await readyz(url)).toEqual({ status: 200, body: { ok: true, data: { status: 'ready', tenants: 1, unavailable: 0 } } });
    expect((await invoke(url)).body).toEqual({ ok: true, data: [] });

    proxy.pause();
    expect(await readyz(url)).toEqual({ status: 503, body: { ok: false, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/1 of 1 site database/), details: { tenants: 1, unavailable: 1 } } } });
    // A call meanwhile is answered 503 UNAVAILABLE (nothing was saved, it may be sent again); the process stays up.
    expect(await invoke(url)).toMatchObject({ status: 503, body: { ok: false, error: { code: 'UNAVAILABLE', message: expect.stringContaining('nothing was saved') } } });
    expect(await readyz(url)).toMatchObject({ status: 503 });

    proxy.resume();
    expect(await readyAgain(url)).toEqual({ status: 200, body: { ok: true, data: { status: 'ready', tenants: 1, unavailable: 0 } } });
    expect((await invoke(url)).body).toEqual({ ok: true, data: [] });
  });
});

describe('an embedded database whose handle is closed under the service', () => {
  let dataDir: string;
  let service: UmigService;
  let url: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'umig-ready-'));
    service = buildServer({
      config: { appId: APP_ID, jwksUrl: issuer.jwksUrl, logLevel: 'silent', migrate: true },
      tenants: [{ keys: [INSTALLATION], label: 'embedded database', open: () => openDatabase({ dataDir }) }],
    });
    url = await service.listen();
    // Opening and migrating a new embedded database takes longer than a readiness probe waits.
    await service.tenants.tenants[0]!.database();
  });

  afterAll(async () => {
    await service?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('ready, then 503 once the handle is gone, then reopened and ready again without a restart', async () => {
    expect(await readyz(url)).toEqual({ status: 200, body: { ok: true, data: { status: 'ready', tenants: 1, unavailable: 0 } } });
    const handle = await service.tenants.tenants[0]!.database();
    await addUser(handle);
    expect((await invoke(url)).body).toEqual({ ok: true, data: [] });

    await handle.close();
    // A call on the closed handle: 503 UNAVAILABLE, not an unexplained failure.
    expect(await invoke(url)).toMatchObject({ status: 503, body: { ok: false, error: { code: 'UNAVAILABLE' } } });
    expect(await readyz(url)).toEqual({ status: 503, body: { ok: false, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/1 of 1 site database/), details: { tenants: 1, unavailable: 1 } } } });

    // The next probes reopen it (opening an embedded database can take longer than one probe waits).
    expect(await readyAgain(url)).toEqual({ status: 200, body: { ok: true, data: { status: 'ready', tenants: 1, unavailable: 0 } } });
    expect(await service.tenants.tenants[0]!.database()).not.toBe(handle);
    // The data written before is still there: the user is known.
    expect((await invoke(url)).body).toEqual({ ok: true, data: [] });
  });
});
