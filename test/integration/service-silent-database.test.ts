import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { eq } from 'drizzle-orm';
import { openDatabase } from '../../src/db/client';
import { roles, users } from '../../src/db/schema';
import { buildServer, type UmigService } from '../../src/server/app';
import { startLocalIssuer, type LocalIssuer } from '../../src/server/dev-issuer';
import { openTestDatabase, usingPostgres, type TestDatabase } from '../helpers/test-database';

/**
 * A database that goes silent without closing its connections (a firewall or NAT that dropped
 * the connection's state, a frozen server) must not hang the site: calls are answered within
 * their time limit, their connections are given up, and once the database answers again on new
 * connections the service serves again by itself, although the old connections stay dead.
 */

const APP_ID = 'ari:cloud:ecosystem::app/59e32d7e-c2e0-406d-abc2-0b5a27042fe9';
const INSTALLATION = 'ari:cloud:ecosystem::installation/5113e000-0000-4000-8000-000000000001';
const ACCOUNT = 'acc-silent';

/** Forwards to PostgreSQL; `silence()` black-holes every connection open at that moment, for good. */
class BlackHoleProxy {
  private readonly server: Server;
  private readonly live = new Set<{ client: Socket; upstream: Socket; silent: boolean }>();
  /** While true, new connections are accepted and then ignored (a host that answers nothing). */
  private silentForNew = false;
  private readonly all = new Set<Socket>();

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => {
      this.all.add(client);
      client.on('close', () => this.all.delete(client));
      client.on('error', () => undefined);
      if (this.silentForNew) {
        client.on('data', () => undefined);
        return;
      }
      const upstream = createConnection(this.target);
      this.all.add(upstream);
      upstream.on('close', () => this.all.delete(upstream));
      const pair = { client, upstream, silent: false };
      this.live.add(pair);
      client.on('data', (chunk) => void (pair.silent || upstream.write(chunk)));
      upstream.on('data', (chunk) => void (pair.silent || client.write(chunk)));
      // A silenced connection never closes either: no FIN, no RST, nothing.
      client.on('close', () => void (pair.silent || upstream.destroy()));
      upstream.on('close', () => void (pair.silent || client.destroy()));
      upstream.on('error', () => undefined);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return (this.server.address() as AddressInfo).port;
  }

  silence(): void {
    this.silentForNew = true;
    for (const pair of this.live) pair.silent = true;
  }

  /** New connections reach the database again; the silenced ones stay silent. */
  recover(): void {
    this.silentForNew = false;
  }

  async close(): Promise<void> {
    for (const socket of this.all) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

(usingPostgres ? describe : describe.skip)('PostgreSQL that goes silent without closing its connections', () => {
  let issuer: LocalIssuer;
  let database: TestDatabase;
  let proxy: BlackHoleProxy;
  let service: UmigService;
  let url: string;

  beforeAll(async () => {
    issuer = await startLocalIssuer();
    database = await openTestDatabase();
    const [admin] = await database.db.select({ id: roles.id }).from(roles).where(eq(roles.code, 'ADMIN'));
    await database.db.insert(users).values({ code: 'SIL', firstName: 'Silent', lastName: 'Check', email: 'sil@example.com', roleId: admin!.id, active: true, confluenceUserId: ACCOUNT });
    const target = new URL(database.url!);
    proxy = new BlackHoleProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(database.url!);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(await proxy.listen());
    service = buildServer({
      config: { appId: APP_ID, jwksUrl: issuer.jwksUrl, logLevel: 'silent', readyTimeoutMs: 500, requestTimeoutMs: 1_500 },
      tenants: [
        {
          keys: [INSTALLATION],
          label: 'proxied PostgreSQL',
          open: () => openDatabase({ url: proxied.toString(), poolMax: 2, connectTimeoutMs: 1_000, queryTimeoutMs: 3_000 }),
        },
      ],
    });
    url = await service.listen();
  });

  afterAll(async () => {
    await service?.close();
    await proxy?.close();
    await database?.close();
    await issuer?.close();
  });

  async function invoke(functionKey = 'migrations/list') {
    const token = await issuer.sign({ appId: APP_ID, installationId: INSTALLATION, accountId: ACCOUNT });
    const response = await fetch(`${url}/invoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ functionKey, payload: {} }),
    });
    return { status: response.status, body: (await response.json()) as { ok: boolean; error?: { code: string } } };
  }

  async function readyz() {
    const response = await fetch(`${url}/readyz`);
    return response.status;
  }

  /** Polls as a load balancer does; gives up after 20 s. */
  async function until(check: () => Promise<boolean>): Promise<boolean> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (await check()) return true;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return false;
  }

  test('calls are answered UNAVAILABLE while it is silent; the service recovers by itself on new connections', async () => {
    // Both pool connections open and healthy.
    const warm = await Promise.all([invoke(), invoke(), invoke()]);
    expect(warm.map((answer) => answer.body)).toEqual([
      { ok: true, data: [] },
      { ok: true, data: [] },
      { ok: true, data: [] },
    ]);
    expect(await readyz()).toBe(200);

    proxy.silence();
    // More calls than the pool has connections: each is answered (never left hanging), as
    // UNAVAILABLE: 504 when it outlived its time limit, 503 when it could not get a connection.
    const during = await Promise.all([invoke(), invoke(), invoke(), invoke()]);
    for (const answer of during) {
      expect([503, 504]).toContain(answer.status);
      expect(answer.body).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    }
    expect(await readyz()).toBe(503);

    // The database answers again on new connections; the silenced ones never will.
    proxy.recover();
    expect(await until(async () => (await readyz()) === 200)).toBe(true);
    const after = await Promise.all([invoke(), invoke(), invoke()]);
    expect(after.map((answer) => answer.body)).toEqual([
      { ok: true, data: [] },
      { ok: true, data: [] },
      { ok: true, data: [] },
    ]);
  });
});
