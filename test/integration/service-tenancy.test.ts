import { count } from 'drizzle-orm';
import { planInstances } from '../../src/db/schema';
import { buildServer, type UmigService } from '../../src/server/app';
import { startLocalIssuer, type InvocationClaims, type LocalIssuer } from '../../src/server/dev-issuer';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { openEmptyDatabase, type TestDatabase } from '../helpers/test-database';

/**
 * One service, several Confluence sites, one database each: the token's installation picks the
 * database, so a user of site A can neither read nor change site B, whatever the payload names.
 */

const APP_ID = 'ari:cloud:ecosystem::app/59e32d7e-c2e0-406d-abc2-0b5a27042fe9';
const SITE_A = { installationId: 'ari:cloud:ecosystem::installation/aaaaaaaa-0000-4000-8000-00000000000a', cloudId: 'aaaaaaaa-1111-4000-8000-00000000000a' };
/** Site B is keyed by its cloud id in the tenant map, to cover both kinds of key. */
const SITE_B = { installationId: 'ari:cloud:ecosystem::installation/bbbbbbbb-0000-4000-8000-00000000000b', cloudId: 'bbbbbbbb-1111-4000-8000-00000000000b' };

let siteA: Scenario;
let siteB: Scenario;
let issuer: LocalIssuer;
let service: UmigService;
let baseUrl: string;

/** A response body as the tests read it: the envelope every route answers. */
interface Body {
  ok?: boolean;
  data?: unknown;
  error?: { code: string; message: string; details?: unknown };
  [field: string]: unknown;
}

const idsOf = (body: Body) => (body.data as Array<{ id: string }>).map((row) => row.id);

async function invoke(claims: Partial<InvocationClaims> & { installationId: string }, functionKey: string, payload: unknown, url = baseUrl) {
  const token = await issuer.sign({ appId: APP_ID, accountId: ACCOUNTS.admin, ...claims });
  const response = await fetch(`${url}/invoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ functionKey, payload }),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

async function planInstanceCount(scenario: Scenario): Promise<number> {
  const [row] = await scenario.db.select({ n: count() }).from(planInstances);
  return row!.n;
}

beforeAll(async () => {
  [siteA, siteB] = await Promise.all([createScenario(), createScenario()]);
  issuer = await startLocalIssuer();
  service = buildServer({
    config: { appId: APP_ID, jwksUrl: issuer.jwksUrl, logLevel: 'silent' },
    tenants: [
      { keys: [SITE_A.installationId], label: 'site A', open: async () => siteA.database, owned: false },
      { keys: [SITE_B.cloudId], label: 'site B', open: async () => siteB.database, owned: false },
    ],
  });
  baseUrl = await service.listen();
});

afterAll(async () => {
  await service?.close();
  await issuer?.close();
  await siteA?.close();
  await siteB?.close();
});

test('each site reads its own database', async () => {
  const a = await invoke(SITE_A, 'migrations/list', {});
  const b = await invoke(SITE_B, 'migrations/list', {});
  expect(idsOf(a.body)).toEqual([siteA.migrationId]);
  expect(idsOf(b.body)).toEqual([siteB.migrationId]);
  expect(siteA.migrationId).not.toBe(siteB.migrationId);
});

test("a token for site A cannot read site B's data, even naming B's ids", async () => {
  const own = await invoke(SITE_A, 'planInstances/list', { iterationId: siteA.iterationId });
  expect(idsOf(own.body)).toEqual([siteA.planInstanceId]);
  const foreign = await invoke(SITE_A, 'planInstances/list', { iterationId: siteB.iterationId });
  expect(foreign.body).toEqual({ ok: true, data: [] });
});

test("a token for site A cannot change site B's data", async () => {
  const [beforeA, beforeB] = [await planInstanceCount(siteA), await planInstanceCount(siteB)];
  const answer = await invoke(SITE_A, 'planInstances/create', { iterationId: siteB.iterationId, masterPlanId: siteB.masterPlanId, runName: 'Cross-site run' });
  expect(answer.body).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect(await planInstanceCount(siteA)).toBe(beforeA);
  expect(await planInstanceCount(siteB)).toBe(beforeB);

  const mine = await invoke(SITE_B, 'planInstances/create', { iterationId: siteB.iterationId, masterPlanId: siteB.masterPlanId, runName: 'Own run' });
  expect(mine.body).toMatchObject({ ok: true, data: { name: 'Own run' } });
  expect(await planInstanceCount(siteB)).toBe(beforeB + 1);
  expect(await planInstanceCount(siteA)).toBe(beforeA);
});

test('the installation id decides before the cloud id; an unknown pair is refused', async () => {
  // Installation of A with the cloud id of B: the installation wins, the call lands on A.
  const mixed = await invoke({ installationId: SITE_A.installationId, cloudId: SITE_B.cloudId }, 'migrations/list', {});
  expect(idsOf(mixed.body)).toEqual([siteA.migrationId]);
  // An installation nobody listed, on B's cloud: served through B's cloud id key.
  const byCloud = await invoke({ installationId: 'ari:cloud:ecosystem::installation/cccccccc-0000-4000-8000-00000000000c', cloudId: SITE_B.cloudId }, 'migrations/list', {});
  expect(idsOf(byCloud.body)).toEqual([siteB.migrationId]);
  const stranger = await invoke({ installationId: 'ari:cloud:ecosystem::installation/dddddddd-0000-4000-8000-00000000000d', cloudId: 'dddddddd-1111-4000-8000-00000000000d' }, 'migrations/list', {});
  expect(stranger).toEqual({ status: 401, body: { ok: false, error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/does not serve/), details: { reason: 'installation not served' } } } });
});

describe('install on a new site database', () => {
  const SITE_C = { installationId: 'ari:cloud:ecosystem::installation/cccccccc-0000-4000-8000-0000000000c1', cloudId: 'cccccccc-1111-4000-8000-0000000000c1' };
  let empty: TestDatabase;
  afterEach(async () => empty?.close());

  async function lifecycle(migrate: boolean) {
    empty = await openEmptyDatabase();
    const site = buildServer({
      config: { appId: APP_ID, jwksUrl: issuer.jwksUrl, logLevel: 'silent', migrate },
      tenants: [{ keys: [SITE_C.installationId], label: 'site C', open: async () => empty, owned: false }],
    });
    const url = await site.listen();
    try {
      const token = await issuer.sign({ appId: APP_ID, ...SITE_C, moduleKey: 'umig-lifecycle-fn' });
      const post = async (path: string) => {
        const response = await fetch(`${url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ event: { eventType: 'avi:forge:installed:app', id: SITE_C.installationId } }),
        });
        return { status: response.status, body: (await response.json()) as Body };
      };
      return { first: await post('/forge/lifecycle'), second: await post('/forge/lifecycle'), ready: (await fetch(`${url}/readyz`)).status };
    } finally {
      await site.close();
    }
  }

  test('without --migrate an empty database is refused, with the sentence that says what to run', async () => {
    const { first, ready } = await lifecycle(false);
    expect(first.status).toBe(503);
    expect(first.body).toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/schema is out of date: 0001_seed_schema\.sql.*--migrate/) } });
    expect(ready).toBe(503);
    const { rows } = await empty.raw.query<{ exists: boolean }>(`SELECT to_regclass('public.users_usr') IS NOT NULL AS exists`);
    expect(rows[0]!.exists).toBe(false);
  });

  test('with --migrate the install event applies every migration once; the next one finds it current', async () => {
    const { first, second, ready } = await lifecycle(true);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ok: true, data: { event: 'avi:forge:installed:app', schema: 'migrated' } });
    expect((first.body.data as { applied: string[] }).applied[0]).toBe('0001_seed_schema');
    expect(second.body).toEqual({ ok: true, data: { event: 'avi:forge:installed:app', schema: 'current', applied: [] } });
    expect(ready).toBe(200);
  });
});
