import { request } from 'node:http';
import { eq, inArray } from 'drizzle-orm';
import { openDatabase } from '../../src/db/client';
import { iterations, planInstances, roles, stepComments, users } from '../../src/db/schema';
import { CONTAINER_STATUS_ID } from '../../src/domain/statuses';
import { operations } from '../../src/resolvers';
import { buildServer, type UmigService } from '../../src/server/app';
import type { TenantSpec } from '../../src/server/tenants';
import { startLocalIssuer, type LocalIssuer } from '../../src/server/dev-issuer';
import { createScenario, type Scenario } from '../helpers/scenario';
import { usingPostgres } from '../helpers/test-database';

/**
 * Two service instances on one database (as behind a load balancer): 20 users, 200 calls at once,
 * then 200 more while one instance is stopped mid-load. Every write is kept exactly once, every
 * answer is right, and the surviving instance carries on.
 */

const APP_ID = 'ari:cloud:ecosystem::app/59e32d7e-c2e0-406d-abc2-0b5a27042fe9';
const INSTALLATION = 'ari:cloud:ecosystem::installation/10ad0000-0000-4000-8000-000000000001';
const CLOUD_ID = '10ad0000-1111-4000-8000-000000000001';
const USER_COUNT = 20;
const CALLS_PER_USER = 10;

interface LoadUser {
  accountId: string;
  token: string;
  iterationId: string;
}

/** How a write is made and found again: a comment if the app has comments/add, else a named plan re-run. */
interface WriteKind {
  name: string;
  payload(user: LoadUser, label: string): unknown;
  check(data: unknown, user: LoadUser, label: string): void;
  /** Every label written, as the database holds them (duplicates included). */
  stored(labels: string[]): Promise<string[]>;
}

let scenario: Scenario;
let issuer: LocalIssuer;
let instances: UmigService[] = [];
let urls: string[] = [];
const loadUsers: LoadUser[] = [];
let write: WriteKind;
let expectedSteps: number;

/** A response body as the tests read it: the envelope every route answers. */
interface Body {
  ok?: boolean;
  data?: unknown;
  error?: { code: string; message: string; details?: unknown };
  [field: string]: unknown;
}

interface Answer {
  status: number;
  body: Body;
}

/** One request on its own connection (no keep-alive), so a stopped instance refuses cleanly. */
function httpPost(url: string, token: string, body: unknown): Promise<Answer> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/invoke`,
      { method: 'POST', agent: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const stats = { retried: 0, servedBy: [0, 0] };

/**
 * What a load balancer does: send to the preferred instance, and to the other one when the first
 * refuses the connection or answers the draining 503. Neither case ran the call, so a retry cannot
 * write twice.
 */
async function call(preferred: number, user: LoadUser, functionKey: string, payload: unknown): Promise<Answer & { instance: number }> {
  for (const instance of [preferred, 1 - preferred]) {
    try {
      const answer = await httpPost(urls[instance]!, user.token, { functionKey, payload });
      const draining = answer.status === 503 && answer.body?.ok === false && answer.body.error?.code === 'UNAVAILABLE';
      if (!draining) {
        stats.servedBy[instance]! += 1;
        return { ...answer, instance };
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ECONNREFUSED' && code !== 'ECONNRESET') throw error;
    }
    stats.retried += 1;
  }
  throw new Error('no instance answered');
}

function chooseWrite(): WriteKind {
  const comments = (operations as Record<string, { input: { safeParse(value: unknown): { success: boolean } } }>)['comments/add'];
  const stepId = scenario.steps[0]!.id;
  const shapes = [
    (body: string) => ({ stepInstanceId: stepId, body }),
    (body: string) => ({ stepId, body }),
    (body: string) => ({ stepInstanceId: stepId, text: body }),
    (body: string) => ({ stepId, text: body }),
  ];
  const shape = comments && shapes.find((make) => comments.input.safeParse(make('probe')).success);
  if (shape) {
    return {
      name: 'comments/add',
      payload: (_user, label) => shape(label),
      check: (data) => expect(data).toBeTruthy(),
      stored: async (labels) => (await scenario.db.select({ body: stepComments.body }).from(stepComments).where(inArray(stepComments.body, labels))).map((r) => r.body!),
    };
  }
  return {
    name: 'planInstances/create',
    payload: (user, label) => ({ iterationId: user.iterationId, masterPlanId: scenario.masterPlanId, runName: label }),
    check: (data, _user, label) => expect(data).toMatchObject({ name: label, counts: { steps: expectedSteps } }),
    stored: async (labels) => (await scenario.db.select({ name: planInstances.name }).from(planInstances).where(inArray(planInstances.name, labels))).map((r) => r.name!),
  };
}

beforeAll(async () => {
  scenario = await createScenario();
  issuer = await startLocalIssuer();
  const [admin] = await scenario.db.select({ id: roles.id }).from(roles).where(eq(roles.code, 'ADMIN'));
  const [dr] = await scenario.db.select().from(iterations).where(eq(iterations.id, scenario.iterationId));
  expectedSteps = scenario.steps.length;
  for (let i = 0; i < USER_COUNT; i++) {
    const code = `L${String(i).padStart(2, '0')}`;
    const accountId = `acc-load-${i}`;
    await scenario.db.insert(users).values({ code, firstName: code, lastName: 'Load', email: `${code.toLowerCase()}@example.com`, roleId: admin!.id, active: true, confluenceUserId: accountId });
    // One iteration per user, so that writes are spread as on a real cutover weekend.
    const [iteration] = await scenario.db
      .insert(iterations)
      .values({ migrationId: scenario.migrationId, masterPlanId: scenario.masterPlanId, iterationTypeCode: dr!.iterationTypeCode, name: `Load ${code}`, statusId: CONTAINER_STATUS_ID.Iteration.PLANNING })
      .returning({ id: iterations.id });
    const token = await issuer.sign({ appId: APP_ID, installationId: INSTALLATION, cloudId: CLOUD_ID, accountId }, { expiresIn: 600 });
    loadUsers.push({ accountId, token, iterationId: iteration!.id });
  }
  write = chooseWrite();

  // PostgreSQL: each instance has its own pool on the same database URL. PGlite: both share the one
  // embedded database (it cannot be opened twice).
  const spec = (): TenantSpec =>
    usingPostgres
      ? { keys: [INSTALLATION], label: 'shared PostgreSQL database', open: () => openDatabase({ url: scenario.database.url!, poolMax: 10 }) }
      : { keys: [INSTALLATION], label: 'shared PGlite database', open: async () => scenario.database, owned: false };
  instances = [0, 1].map(() =>
    buildServer({ config: { appId: APP_ID, jwksUrl: issuer.jwksUrl, logLevel: 'silent', rateLimit: { perMinute: 60_000, burst: 1_000 } }, tenants: [spec()] }),
  );
  urls = await Promise.all(instances.map((instance) => instance.listen()));
});

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.close()));
  await issuer?.close();
  await scenario?.close();
});

test('200 calls at once from 20 users across two instances: every write kept, every answer right', async () => {
  const labels: string[] = [];
  const calls = loadUsers.flatMap((user, u) =>
    Array.from({ length: CALLS_PER_USER }, async (_, i) => {
      const preferred = (u + i) % 2;
      if (i % 2 === 1) {
        // Reads in between: the user's own iteration, through whichever instance.
        const answer = await call(preferred, user, 'planInstances/list', { iterationId: user.iterationId });
        expect(answer.status).toBe(200);
        expect(answer.body.ok).toBe(true);
        for (const instance of answer.body.data as Array<{ iterationId: string }>) expect(instance.iterationId).toBe(user.iterationId);
        return;
      }
      const label = `burst ${user.accountId} #${i}`;
      labels.push(label);
      const answer = await call(preferred, user, write.name, write.payload(user, label));
      expect(answer.status).toBe(200);
      if (!answer.body.ok) throw new Error(`${label}: ${JSON.stringify(answer.body.error)}`);
      write.check(answer.body.data, user, label);
    }),
  );
  await Promise.all(calls);
  expect(labels).toHaveLength((USER_COUNT * CALLS_PER_USER) / 2);
  expect((await write.stored(labels)).sort()).toEqual([...labels].sort());
  expect(stats.servedBy[0]).toBeGreaterThan(0);
  expect(stats.servedBy[1]).toBeGreaterThan(0);
  expect(stats.retried).toBe(0);
});

test('one instance stopped mid-load: what it committed is all there and the other keeps serving', async () => {
  const labels: string[] = [];
  let done = 0;
  let stopped: Promise<void> | undefined;
  const servedAfterStop = [0, 0];
  // 20 users working at once, each call after the previous one, as people click.
  await Promise.all(
    loadUsers.map(async (user, u) => {
      for (let i = 0; i < CALLS_PER_USER; i++) {
        const label = `failover ${user.accountId} #${i}`;
        labels.push(label);
        const answer = await call((u + i) % 2, user, write.name, write.payload(user, label));
        expect(answer.status).toBe(200);
        if (!answer.body.ok) throw new Error(`${label}: ${JSON.stringify(answer.body.error)}`);
        write.check(answer.body.data, user, label);
        if (stopped) servedAfterStop[answer.instance]! += 1;
        done += 1;
        if (done === (USER_COUNT * CALLS_PER_USER) / 2) stopped = instances[0]!.close();
      }
    }),
  );
  await stopped;
  const stored = await write.stored(labels);
  expect(stored).toHaveLength(labels.length);
  expect(new Set(stored)).toEqual(new Set(labels));
  // Calls that were under way on the stopped instance finished there; later ones went to the other.
  expect(stats.retried).toBeGreaterThan(0);
  expect(servedAfterStop[1]).toBeGreaterThan(0);
  const after = await httpPost(urls[1]!, loadUsers[0]!.token, { functionKey: 'planInstances/list', payload: { iterationId: loadUsers[0]!.iterationId } });
  expect(after.body.ok).toBe(true);
  await expect(httpPost(urls[0]!, loadUsers[0]!.token, { functionKey: 'migrations/list', payload: {} })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});
