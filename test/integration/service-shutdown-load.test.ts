import { Agent, request } from 'node:http';
import { buildServer } from '../../src/server/app';
import { startLocalIssuer, type LocalIssuer } from '../../src/server/dev-issuer';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/**
 * Stopping under load: clients that keep their connections alive and send call after call never
 * see a connection reset mid-request. Each call is either answered (200), or refused with 503
 * (a late caller on a connection still open: it may go to another instance), or cannot connect
 * at all once the port is closed (ECONNREFUSED: nothing was sent).
 */

const APP_ID = 'ari:cloud:ecosystem::app/59e32d7e-c2e0-406d-abc2-0b5a27042fe9';
const INSTALLATION = 'ari:cloud:ecosystem::installation/5d0e0000-0000-4000-8000-0000000000aa';

let scenario: Scenario;
let issuer: LocalIssuer;

beforeAll(async () => {
  scenario = await createScenario();
  issuer = await startLocalIssuer();
});
afterAll(async () => {
  await issuer?.close();
  await scenario?.close();
});

type Outcome = number | string;

function post(agent: Agent, url: URL, token: string, body: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path: '/invoke', method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end(body);
  });
}

test('SIGTERM-style close under keep-alive load: every call is answered 200 or 503, or refused before sending; none is reset', async () => {
  const service = buildServer({
    // One user sends hundreds of calls here: the per-user rate limit is not what this test is about.
    config: { appId: APP_ID, jwksUrl: issuer.jwksUrl, logLevel: 'silent', rateLimit: { perMinute: 1_000_000, burst: 100_000 } },
    tenants: [{ keys: [INSTALLATION], label: 'scenario', open: async () => scenario.database, owned: false }],
    beforeInvoke: () => new Promise((resolve) => setTimeout(resolve, 20)),
  });
  const url = new URL(await service.listen());
  const token = await issuer.sign({ appId: APP_ID, installationId: INSTALLATION, accountId: ACCOUNTS.admin });
  const body = JSON.stringify({ functionKey: 'migrations/list', payload: {} });
  const outcomes: Outcome[] = [];
  let stop = false;

  const clients = Array.from({ length: 12 }, async (_, index) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // Staggered, so some connections are idle and some busy at the moment of the close.
      await new Promise((resolve) => setTimeout(resolve, index * 7));
      while (!stop) {
        const outcome = await post(agent, url, token, body);
        outcomes.push(outcome);
        // A refused call goes to another instance, as a load balancer sends it.
        if (outcome === 503 || outcome === 'ECONNREFUSED') break;
        if (index % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 15));
      }
    } finally {
      agent.destroy();
    }
  });

  await new Promise((resolve) => setTimeout(resolve, 600));
  await service.close();
  stop = true;
  await Promise.all(clients);

  const tally: Record<string, number> = {};
  for (const outcome of outcomes) tally[String(outcome)] = (tally[String(outcome)] ?? 0) + 1;
  expect(tally['200']).toBeGreaterThan(0);
  expect(tally['503']).toBeGreaterThan(0);
  expect(Object.keys(tally).filter((key) => !['200', '503', 'ECONNREFUSED'].includes(key))).toEqual([]);
});
