import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { count, eq } from 'drizzle-orm';
import type { Database } from '../../src/db/client';
import { auditLog, changelogLock, migrations, planInstances } from '../../src/db/schema';
import { buildServer, type UmigService } from '../../src/server/app';
import { startLocalIssuer, type InvocationClaims, type LocalIssuer, type SignOptions } from '../../src/server/dev-issuer';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/**
 * The UMIG service's front door, over real HTTP: who the caller is comes from the Forge
 * Invocation Token alone, and a call whose token fails any check is refused before the database
 * is touched at all.
 */

const APP_ID = 'ari:cloud:ecosystem::app/59e32d7e-c2e0-406d-abc2-0b5a27042fe9';
const INSTALLATION = 'ari:cloud:ecosystem::installation/3f1c1d5e-0000-4000-8000-0000000000a1';
const CLOUD_ID = 'c0ffee00-0000-4000-8000-0000000000a1';
const OTHER_INSTALLATION = 'ari:cloud:ecosystem::installation/3f1c1d5e-0000-4000-8000-0000000000ff';
/** Appears in payloads only; must never show up in a log line. */
const PAYLOAD_MARKER = 'payload-marker-7f3a9c';

let scenario: Scenario;
let issuer: LocalIssuer;
let service: UmigService;
let baseUrl: string;
const logLines: string[] = [];
const issuedTokens: string[] = [];
/** Every property read on the service's db and raw handles: zero means the database saw nothing. */
const touches = { count: 0 };

function watched(database: Database): Database {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        touches.count += 1;
        return Reflect.get(object, property, receiver) as unknown;
      },
    });
  return { ...database, db: wrap(database.db), raw: wrap(database.raw) };
}

const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  },
});

async function token(claims: Partial<InvocationClaims> = {}, options: SignOptions = {}): Promise<string> {
  const signed = await issuer.sign({ appId: APP_ID, installationId: INSTALLATION, cloudId: CLOUD_ID, accountId: ACCOUNTS.admin, ...claims }, options);
  issuedTokens.push(signed);
  return signed;
}

/** A response body as the tests read it: the envelope every route answers. */
interface Body {
  ok?: boolean;
  data?: unknown;
  error?: { code: string; message: string; details?: unknown };
  [field: string]: unknown;
}

interface Answer {
  status: number;
  headers: Headers;
  body: Body;
}

async function post(path: string, authorization: string | undefined, body: unknown, url = baseUrl): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as Body };
}

const invoke = async (bearer: string | undefined, functionKey: string, payload: unknown, url = baseUrl) =>
  post('/invoke', bearer === undefined ? undefined : `Bearer ${bearer}`, { functionKey, payload }, url);

/** Row counts of every table, read beside the service (not through the watched handle). */
async function tableCounts(): Promise<Record<string, number>> {
  const { rows: tables } = await scenario.database.raw.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const { rows } = await scenario.database.raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}"`);
    counts[name] = rows[0]!.n;
  }
  return counts;
}

beforeAll(async () => {
  scenario = await createScenario();
  issuer = await startLocalIssuer();
  const database = watched(scenario.database);
  service = buildServer({
    config: { appId: APP_ID, jwksUrl: issuer.jwksUrl, bodyLimitBytes: 16 * 1024, rateLimit: { perMinute: 60_000, burst: 1_000 } },
    tenants: [{ keys: [INSTALLATION], label: 'scenario database', open: async () => database, owned: false }],
    logStream,
  });
  baseUrl = await service.listen();
});

afterAll(async () => {
  await service?.close();
  await issuer?.close();
  await scenario?.close();
});

describe('a valid token reaches the resolver as its account', () => {
  test('reads answer from the database of the installation', async () => {
    const answer = await invoke(await token(), 'migrations/list', {});
    expect(answer.status).toBe(200);
    const inDatabase = await scenario.db.select({ id: migrations.id, name: migrations.name }).from(migrations);
    expect(answer.body.ok).toBe(true);
    expect((answer.body.data as Array<{ id: string; name: string }>).map((m) => ({ id: m.id, name: m.name }))).toEqual(inDatabase);

    const instances = await invoke(await token({ accountId: ACCOUNTS.normalOutside }), 'planInstances/list', { iterationId: scenario.iterationId });
    expect(instances.body.ok).toBe(true);
    expect((instances.body.data as Array<{ id: string }>).map((p) => p.id)).toEqual([scenario.planInstanceId]);
  });

  test('a mutation runs as the token principal: allowed for an admin, FORBIDDEN for a normal user whatever the body claims', async () => {
    const payload = { iterationId: scenario.iterationId, masterPlanId: scenario.masterPlanId, runName: 'Rerun by admin' };
    const created = await invoke(await token(), 'planInstances/create', payload);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ ok: true, data: { name: 'Rerun by admin' } });
    const [row] = await scenario.db.select().from(planInstances).where(eq(planInstances.id, (created.body.data as { planInstanceId: string }).planInstanceId));
    expect(row).toMatchObject({ name: 'Rerun by admin', ownerId: scenario.users.admin.id, createdBy: 'ADM' });
    const [audit] = await scenario.db.select({ n: count() }).from(auditLog).where(eq(auditLog.userId, scenario.users.admin.id));
    expect(audit!.n).toBeGreaterThan(0);

    // The body names the admin in every place a careless server might look; only the token counts.
    const normal = await token({ accountId: ACCOUNTS.normalInTeam });
    const before = await tableCounts();
    const refused = await post('/invoke', `Bearer ${normal}`, {
      functionKey: 'planInstances/create',
      payload: { iterationId: scenario.iterationId, masterPlanId: scenario.masterPlanId, runName: 'Rerun by impostor' },
      accountId: ACCOUNTS.admin,
      principal: { accountId: ACCOUNTS.admin },
      context: { accountId: ACCOUNTS.admin },
    });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await tableCounts()).toEqual(before);

    // An accountId inside the payload is not an input of any operation: refused as invalid, not obeyed.
    const smuggled = await invoke(normal, 'planInstances/create', { ...payload, runName: 'Smuggled', accountId: ACCOUNTS.admin });
    expect(smuggled.body).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await tableCounts()).toEqual(before);
  });

  test('an unregistered account or a token without a user is UNKNOWN_USER', async () => {
    const unknown = await invoke(await token({ accountId: ACCOUNTS.unknown }), 'migrations/list', {});
    expect(unknown.body).toMatchObject({ ok: false, error: { code: 'UNKNOWN_USER' } });
    const appOnly = await invoke(await token({ accountId: undefined }), 'migrations/list', {});
    expect(appOnly.body).toMatchObject({ ok: false, error: { code: 'UNKNOWN_USER' } });
  });

  test('an unknown function key is a 404 NOT_FOUND envelope, including names inherited by every object', async () => {
    for (const functionKey of ['nothing/here', 'constructor', '__proto__', 'toString']) {
      const answer = await invoke(await token(), functionKey, {});
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringMatching(/no function/) } });
    }
  });

  test('a body that is not a call is a VALIDATION envelope', async () => {
    const bearer = `Bearer ${await token()}`;
    expect(await post('/invoke', bearer, { payload: {} })).toMatchObject({ status: 400, body: { ok: false, error: { code: 'VALIDATION' } } });
    expect(await post('/invoke', bearer, '{"functionKey": ')).toMatchObject({ status: 400, body: { ok: false, error: { code: 'VALIDATION' } } });
  });
});

describe('a call whose token fails any check is refused with 401 and touches nothing', () => {
  const forged = { iterationId: '', masterPlanId: '', runName: `Forged ${PAYLOAD_MARKER}` };

  /** An HS256 token keyed with the public JWK text: the classic algorithm-confusion forgery. */
  async function hs256Token(): Promise<string> {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const header = encode({ alg: 'HS256', kid: issuer.kid });
    const claims = encode({ iss: 'forge/invocation-token', aud: APP_ID, exp: now + 300, app: { id: APP_ID, installationId: INSTALLATION }, principal: ACCOUNTS.admin });
    const jwks = await (await fetch(issuer.jwksUrl)).text();
    const signature = createHmac('sha256', jwks).update(`${header}.${claims}`).digest('base64url');
    return `${header}.${claims}.${signature}`;
  }

  const cases: Array<[string, () => Promise<string | undefined>, RegExp]> = [
    ['no token', async () => undefined, /missing token/],
    ['a Basic header', async () => 'Basic YWRtaW46YWRtaW4=', /malformed authorization/],
    ['a bearer that is not a JWT', async () => 'Bearer not-a-token', /malformed authorization/],
    ['a JWT with a broken header', async () => 'Bearer e30.e30.e30', /malformed token|token rejected/],
    ['a signature by another key', async () => `Bearer ${await token({}, { key: 'foreign' })}`, /signature/],
    ['an unknown key id', async () => `Bearer ${await token({}, { kid: 'not-published' })}`, /unknown signing key/],
    ['another app as audience', async () => `Bearer ${await token({}, { audience: 'ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000000' })}`, /aud/],
    ['another issuer', async () => `Bearer ${await token({}, { issuer: 'someone/else' })}`, /iss/],
    ['an expired token', async () => `Bearer ${await token({}, { expiresIn: -60 })}`, /expired/],
    ['an HS256 token keyed with the public key', async () => `Bearer ${await hs256Token()}`, /algorithm/],
    ['an installation this service does not serve', async () => `Bearer ${await token({ installationId: OTHER_INSTALLATION, cloudId: undefined })}`, /installation not served/],
  ];

  test('(the watch on the database handles sees a call that is let through)', async () => {
    await service.tenants.tenants[0]!.database();
    touches.count = 0;
    expect((await invoke(await token(), 'migrations/list', {})).status).toBe(200);
    expect(touches.count).toBeGreaterThan(0);
  });

  test.each(cases)('%s', async (_name, authorization, reason) => {
    // Open the tenant first, so that a lazy open cannot be mistaken for (or hide) a touch.
    await service.tenants.tenants[0]!.database();
    const before = await tableCounts();
    touches.count = 0;
    const header = await authorization();
    for (const path of ['/invoke', '/forge/lifecycle', '/forge/housekeeping']) {
      const answer = await post(path, header, path === '/invoke' ? { functionKey: 'planInstances/create', payload: forged } : { event: { eventType: 'avi:forge:installed:app' } });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/token/), details: { reason: expect.stringMatching(reason) } } });
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect(touches.count).toBe(0);
    expect(await tableCounts()).toEqual(before);
    const [forgedRows] = await scenario.db.select({ n: count() }).from(planInstances).where(eq(planInstances.name, forged.runName));
    expect(forgedRows!.n).toBe(0);
  });

  test('the key set is fetched once and again only for an unknown key id, not per call', async () => {
    const before = issuer.jwksFetches();
    for (let i = 0; i < 5; i++) expect((await invoke(await token(), 'migrations/list', {})).status).toBe(200);
    expect(issuer.jwksFetches()).toBe(before);
  });
});

describe('limits', () => {
  test('a body over the limit is a 413 with a sentence saying the limit', async () => {
    const answer = await invoke(await token(), 'migrations/list', { filler: 'x'.repeat(20 * 1024) });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/at most 16 KB per call/) } });
  });

  test('a user over the rate gets 429 with Retry-After; other users are not held back', async () => {
    const limited = buildServer({
      config: { appId: APP_ID, jwksUrl: issuer.jwksUrl, rateLimit: { perMinute: 6, burst: 2 }, logLevel: 'silent' },
      tenants: [{ keys: [INSTALLATION], label: 'scenario database', open: async () => scenario.database, owned: false }],
    });
    const url = await limited.listen();
    try {
      const pilot = await token({ accountId: ACCOUNTS.pilot });
      expect((await invoke(pilot, 'migrations/list', {}, url)).status).toBe(200);
      expect((await invoke(pilot, 'migrations/list', {}, url)).status).toBe(200);
      const third = await invoke(pilot, 'migrations/list', {}, url);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(third.body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      expect((await invoke(await token({ accountId: ACCOUNTS.admin }), 'migrations/list', {}, url)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('health, lifecycle and housekeeping', () => {
  test('/healthz says the process is up and /readyz that the database answers', async () => {
    expect(await (await fetch(`${baseUrl}/healthz`)).json()).toEqual({ ok: true, data: { status: 'ok' } });
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, data: { status: 'ready', tenants: 1, unavailable: 0 } });
  });

  test('the install event verifies the schema of the installation database', async () => {
    const appToken = `Bearer ${await token({ accountId: undefined, moduleKey: 'umig-lifecycle-fn' })}`;
    const answer = await post('/forge/lifecycle', appToken, { event: { eventType: 'avi:forge:installed:app', id: INSTALLATION } });
    expect(answer).toMatchObject({ status: 200, body: { ok: true, data: { event: 'avi:forge:installed:app', schema: 'current', applied: [] } } });
  });

  test('housekeeping releases a migration lock whose holder died, and reports it', async () => {
    const appToken = `Bearer ${await token({ accountId: undefined, moduleKey: 'umig-housekeeping-fn' })}`;
    await scenario.database.raw.query(
      `UPDATE databasechangeloglock SET locked = true, lockgranted = now() - interval '1 hour', lockedby = 'a runner that died' WHERE id = 1`,
    );
    expect(await post('/forge/housekeeping', appToken, { moduleKey: 'umig-housekeeping' })).toMatchObject({ status: 200, body: { ok: true, data: { staleMigrationLocksReleased: 1 } } });
    const [lock] = await scenario.db.select().from(changelogLock).where(eq(changelogLock.id, 1));
    expect(lock).toMatchObject({ locked: false, lockedBy: null });
    expect(await post('/forge/housekeeping', appToken, {})).toMatchObject({ status: 200, body: { ok: true, data: { staleMigrationLocksReleased: 0 } } });
  });
});

describe('the Forge routes take app-level tokens only', () => {
  test("a user's token (a FIT with a principal) is refused on /forge/housekeeping and /forge/lifecycle, and nothing runs", async () => {
    // A user of any page can have Forge sign a call to the remote; the site-wide jobs must not follow it.
    await scenario.database.raw.query(
      `UPDATE databasechangeloglock SET locked = true, lockgranted = now() - interval '1 hour', lockedby = 'a runner that died' WHERE id = 1`,
    );
    try {
      const userToken = `Bearer ${await token({ accountId: ACCOUNTS.admin, moduleKey: 'umig-runsheet' })}`;
      const appOnly = { ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining("only the app's own (system) invocations") } };
      expect(await post('/forge/housekeeping', userToken, {})).toMatchObject({ status: 403, body: appOnly });
      expect(await post('/forge/lifecycle', userToken, { event: { eventType: 'avi:forge:upgraded:app', id: INSTALLATION } })).toMatchObject({
        status: 403,
        body: appOnly,
      });
      // The stale lock is still there: housekeeping did not run.
      const [lock] = await scenario.db.select().from(changelogLock).where(eq(changelogLock.id, 1));
      expect(lock).toMatchObject({ locked: true, lockedBy: 'a runner that died' });
    } finally {
      await scenario.database.raw.query('UPDATE databasechangeloglock SET locked = false, lockgranted = NULL, lockedby = NULL WHERE id = 1');
    }
  });
});

describe('logs', () => {
  test('one structured line per request, without tokens or payloads', async () => {
    await invoke(await token({ accountId: ACCOUNTS.pilot }), 'planInstances/list', { iterationId: scenario.iterationId });
    const lines = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const call = lines.filter((line) => line.msg === 'request' && line.fn === 'planInstances/list' && line.accountId === ACCOUNTS.pilot).at(-1);
    expect(call).toMatchObject({ route: '/invoke', installation: INSTALLATION, status: 200, outcome: 'ok', service: 'umig-service' });
    expect(typeof call!.reqId).toBe('string');
    expect(typeof call!.durationMs).toBe('number');
    expect(lines.some((line) => line.msg === 'request' && line.status === 401 && line.outcome === 'unknown signing key')).toBe(true);
    expect(lines.some((line) => line.msg === 'request' && line.outcome === 'FORBIDDEN' && line.accountId === ACCOUNTS.normalInTeam)).toBe(true);

    const everything = logLines.join('\n');
    expect(issuedTokens.length).toBeGreaterThan(10);
    for (const issued of issuedTokens) expect(everything).not.toContain(issued.split('.')[2]);
    expect(everything).not.toContain(PAYLOAD_MARKER);
    expect(everything).not.toContain('Rerun by impostor');
    expect(everything.toLowerCase()).not.toContain('bearer ');
  });
});
