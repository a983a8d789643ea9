import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { asc, count, eq } from 'drizzle-orm';
import { openDatabase } from '../../src/db/client';
import { runAdminCommand } from '../../src/db/admin-cli';
import { migrate } from '../../src/db/migrator';
import { auditLog, roles, teamMembers, users } from '../../src/db/schema';
import { buildServer, type UmigService } from '../../src/server/app';
import { startLocalIssuer, type InvocationClaims, type LocalIssuer } from '../../src/server/dev-issuer';
import { setConfig } from '../../src/services/configuration/settings';
import { grantAdministrator } from '../../src/services/people/operator';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { openTestDatabase, type TestDatabase } from '../helpers/test-database';

/**
 * People join UMIG without anyone typing account ids (issue 10 §2), over real HTTP with signed
 * invocation tokens: the first administrator's one-time claim, self-registration with the newcomer
 * access an administrator chose, the administrator's "add from Confluence", and the operator's
 * `npm run admin -- grant`. Every refusal is checked to change nothing.
 */

const APP_ID = 'ari:cloud:ecosystem::app/59e32d7e-c2e0-406d-abc2-0b5a27042fe9';
const INSTALLATION = 'ari:cloud:ecosystem::installation/3f1c1d5e-0000-4000-8000-0000000000b2';
const CLOUD_ID = 'c0ffee00-0000-4000-8000-0000000000b2';
const ADMIN_PAGE = 'umig-admin';
const MACRO = 'umig-runsheet';

interface Envelope {
  ok: boolean;
  data?: Record<string, unknown>;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

let issuer: LocalIssuer;
beforeAll(async () => {
  issuer = await startLocalIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

/** A UMIG service over one database, and a caller that signs tokens as Forge would. */
async function serve(database: TestDatabase) {
  const service: UmigService = buildServer({
    config: { appId: APP_ID, jwksUrl: issuer.jwksUrl, rateLimit: { perMinute: 60_000, burst: 1_000 }, logLevel: 'silent' },
    tenants: [{ keys: [INSTALLATION], label: 'test database', open: async () => database, owned: false }],
  });
  const url = await service.listen();
  const sign = (claims: Partial<InvocationClaims>) => issuer.sign({ appId: APP_ID, installationId: INSTALLATION, cloudId: CLOUD_ID, moduleKey: MACRO, ...claims });
  const send = async (token: string, functionKey: string, payload: unknown = {}): Promise<Envelope> => {
    const response = await fetch(`${url}/invoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ functionKey, payload }),
    });
    return (await response.json()) as Envelope;
  };
  const call = async (claims: Partial<InvocationClaims>, functionKey: string, payload: unknown = {}) => send(await sign(claims), functionKey, payload);
  return { service, sign, send, call };
}

async function snapshot(database: TestDatabase) {
  const rows = await database.db.select().from(users).orderBy(asc(users.id));
  const [audit] = await database.db.select({ n: count() }).from(auditLog);
  return { users: rows, audit: audit!.n };
}

async function userOf(database: TestDatabase, accountId: string) {
  const [row] = await database.db
    .select({ code: users.code, firstName: users.firstName, lastName: users.lastName, email: users.email, active: users.active, isAdmin: users.isAdmin, role: roles.code, createdBy: users.createdBy, updatedBy: users.updatedBy })
    .from(users)
    .leftJoin(roles, eq(roles.id, users.roleId))
    .where(eq(users.confluenceUserId, accountId));
  return row;
}

describe('the first administrator of a new site', () => {
  let database: TestDatabase;
  let umig: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    database = await openTestDatabase();
    umig = await serve(database);
  });
  afterAll(async () => {
    await umig?.service.close();
    await database?.close();
  });

  test('the administration page offers the claim while nobody holds administrator rights; a macro does not', async () => {
    const fromPage = await umig.call({ accountId: 'site-admin-1', moduleKey: ADMIN_PAGE }, 'session/access');
    expect(fromPage.data).toMatchObject({ state: 'UNREGISTERED', claim: 'AVAILABLE', code: null });
    const fromMacro = await umig.call({ accountId: 'site-admin-1', moduleKey: MACRO }, 'session/access');
    expect(fromMacro.data).toMatchObject({ state: 'UNREGISTERED', claim: 'ADMIN_PAGE_ONLY' });
  });

  test('is refused from a macro (what a user who is not a site administrator can reach), without a user, or with an account id in the payload; nothing changes', async () => {
    const before = await snapshot(database);
    const fromMacro = await umig.call({ accountId: 'not-a-site-admin', moduleKey: MACRO }, 'session/claimAdministration', { displayName: 'Eve Intruder' });
    expect(fromMacro.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('UMIG administration page') });
    const fromConfig = await umig.call({ accountId: 'not-a-site-admin', moduleKey: 'umig-step-view' }, 'session/claimAdministration', {});
    expect(fromConfig.error?.code).toBe('FORBIDDEN');
    const noUser = await umig.call({ accountId: undefined, moduleKey: ADMIN_PAGE }, 'session/claimAdministration', {});
    expect(noUser.error).toMatchObject({ code: 'UNKNOWN_USER', message: expect.stringContaining('carries no Confluence user') });
    const smuggled = await umig.call({ accountId: 'not-a-site-admin', moduleKey: ADMIN_PAGE }, 'session/claimAdministration', { accountId: 'site-admin-1' });
    expect(smuggled.error?.code).toBe('VALIDATION');
    expect(await snapshot(database)).toEqual(before);
  });

  test('makes the site administrator on the administration page an active UMIG administrator, audited', async () => {
    const token = await umig.sign({ accountId: 'site-admin-1', moduleKey: ADMIN_PAGE });
    const claimed = await umig.send(token, 'session/claimAdministration', { displayName: 'Robin Ashe', email: 'robin.ashe@example.com' });
    expect(claimed).toMatchObject({ ok: true, data: { code: 'RAS', name: 'Robin Ashe' } });
    expect(await userOf(database, 'site-admin-1')).toEqual({
      code: 'RAS',
      firstName: 'Robin',
      lastName: 'Ashe',
      email: 'robin.ashe@example.com',
      active: true,
      isAdmin: true,
      role: 'ADMIN',
      createdBy: 'RAS',
      updatedBy: 'RAS',
    });
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.action, 'ADMINISTRATION_CLAIMED'));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ by: 'RAS', after: { isAdmin: true, role: 'ADMIN' }, moduleKey: ADMIN_PAGE });
    const me = await umig.call({ accountId: 'site-admin-1', moduleKey: ADMIN_PAGE }, 'session/me');
    expect(me.data).toMatchObject({ code: 'RAS', role: 'ADMIN', can: { manageReferenceData: true } });

    // The claim is closed now: the same token replayed, and another site administrator, are refused.
    const before = await snapshot(database);
    const replay = await umig.send(token, 'session/claimAdministration', { displayName: 'Robin Ashe' });
    expect(replay.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('already has an administrator') });
    const second = await umig.call({ accountId: 'site-admin-2', moduleKey: ADMIN_PAGE }, 'session/claimAdministration', { displayName: 'Sam Second' });
    expect(second.error?.code).toBe('CONFLICT');
    const access = await umig.call({ accountId: 'site-admin-2', moduleKey: ADMIN_PAGE }, 'session/access');
    expect(access.data).toMatchObject({ claim: 'ADMINISTRATOR_EXISTS' });
    expect(await snapshot(database)).toEqual(before);
  });

  test('two people claiming at the same moment get one administrator and one CONFLICT', async () => {
    const fresh = await openTestDatabase();
    const other = await serve(fresh);
    try {
      const tokens = await Promise.all(['race-a', 'race-b', 'race-c'].map((accountId) => other.sign({ accountId, moduleKey: ADMIN_PAGE })));
      const answers = await Promise.all(tokens.map((token, index) => other.send(token, 'session/claimAdministration', { displayName: `Racer ${index}` })));
      expect(answers.filter((answer) => answer.ok)).toHaveLength(1);
      expect(answers.filter((answer) => !answer.ok).map((answer) => answer.error?.code)).toEqual(['CONFLICT', 'CONFLICT']);
      const admins = await fresh.db.select({ code: users.code }).from(users).where(eq(users.isAdmin, true));
      expect(admins).toHaveLength(1);
    } finally {
      await other.service.close();
      await fresh.close();
    }
  });

  test('a newcomer waiting for approval who is the site administrator claims with their existing user', async () => {
    const fresh = await openTestDatabase();
    const other = await serve(fresh);
    try {
      const registered = await other.call({ accountId: 'early-bird', moduleKey: MACRO }, 'session/register', { displayName: 'Early Bird' });
      expect(registered.data).toMatchObject({ state: 'AWAITING_APPROVAL', code: 'EBI', registered: true });
      const claimed = await other.call({ accountId: 'early-bird', moduleKey: ADMIN_PAGE }, 'session/claimAdministration', { displayName: 'Someone Else' });
      expect(claimed.data).toMatchObject({ code: 'EBI', name: 'Early Bird' });
      expect(await userOf(fresh, 'early-bird')).toMatchObject({ active: true, isAdmin: true, role: 'ADMIN', firstName: 'Early' });
      expect(await fresh.db.select({ n: count() }).from(users)).toEqual([{ n: 1 }]);
    } finally {
      await other.service.close();
      await fresh.close();
    }
  });
});

describe('self-registration', () => {
  let s: Scenario;
  let umig: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await createScenario();
    umig = await serve(s.database);
  });
  afterAll(async () => {
    await umig?.service.close();
    await s?.close();
  });

  test('an unknown account is told it is not registered, and nothing is created by reading', async () => {
    const before = await snapshot(s.database);
    const answer = await umig.call({ accountId: 'newcomer-1' }, 'runsheet/get', { iterationId: s.iterationId });
    expect(answer.error).toMatchObject({ code: 'UNKNOWN_USER', details: { access: 'UNREGISTERED' }, message: expect.stringContaining('not registered in UMIG') });
    expect(await snapshot(s.database)).toEqual(before);
  });

  test('never trusts a user id in the payload: extra fields are refused and nothing is created', async () => {
    const before = await snapshot(s.database);
    for (const payload of [{ accountId: ACCOUNTS.admin }, { userId: s.users.admin.id }, { displayName: 'Eve', isAdmin: true }, { displayName: 42 }]) {
      const answer = await umig.call({ accountId: 'newcomer-evil' }, 'session/register', payload);
      expect(answer.error?.code).toBe('VALIDATION');
    }
    expect(await snapshot(s.database)).toEqual(before);
  });

  test('registers the token account waiting for approval (the default), from the profile hints, audited', async () => {
    const answer = await umig.call({ accountId: 'newcomer-1' }, 'session/register', { displayName: 'Noor Haddad', email: 'noor.haddad@example.com' });
    expect(answer.data).toMatchObject({ state: 'AWAITING_APPROVAL', code: 'NHA', registered: true, message: expect.stringContaining('waiting for an administrator') });
    expect(await userOf(s.database, 'newcomer-1')).toEqual({
      code: 'NHA',
      firstName: 'Noor',
      lastName: 'Haddad',
      email: 'noor.haddad@example.com',
      active: false,
      isAdmin: false,
      role: 'NORMAL',
      createdBy: 'NHA',
      updatedBy: 'NHA',
    });
    const [audit] = await s.db.select().from(auditLog).where(eq(auditLog.action, 'USER_SELF_REGISTERED'));
    expect(audit?.details).toMatchObject({ by: 'NHA', newcomerAccess: 'AWAITING_APPROVAL', after: { active: false } });

    // Registering again changes nothing, whatever the hints say.
    const before = await snapshot(s.database);
    const again = await umig.call({ accountId: 'newcomer-1' }, 'session/register', { displayName: 'ADM Tester', email: 'adm@example.com' });
    expect(again.data).toMatchObject({ state: 'AWAITING_APPROVAL', code: 'NHA', registered: false });
    expect(await snapshot(s.database)).toEqual(before);
  });

  test('hints cannot take over someone else: an email already in use becomes a placeholder, the account id stays the token’s', async () => {
    const answer = await umig.call({ accountId: 'newcomer-2' }, 'session/register', { displayName: 'ADM Tester', email: 'adm@example.com' });
    expect(answer.ok).toBe(true);
    const row = await userOf(s.database, 'newcomer-2');
    expect(row).toMatchObject({ firstName: 'ADM', lastName: 'Tester', email: 'newcomer-2@confluence-account.invalid', isAdmin: false, role: 'NORMAL', active: false });
    expect(row?.code).not.toBe('ADM');
    expect(await userOf(s.database, ACCOUNTS.admin)).toMatchObject({ code: 'ADM', email: 'adm@example.com' });
  });

  test('a user waiting for approval can read nothing and do nothing, and is told why', async () => {
    const before = await snapshot(s.database);
    const step = s.steps[0]!;
    const calls: Array<[string, unknown]> = [
      ['session/me', {}],
      ['runsheet/get', { iterationId: s.iterationId }],
      ['migrations/list', {}],
      ['steps/get', { stepId: step.id }],
      ['steps/changeStatus', { stepId: step.id, toStatus: 'IN_PROGRESS', expectedStatus: 'OPEN' }],
      ['admin/users/list', {}],
      ['people/addFromConfluence', { accountId: 'x-1', displayName: 'X' }],
    ];
    for (const [functionKey, payload] of calls) {
      const answer = await umig.call({ accountId: 'newcomer-1' }, functionKey, payload);
      expect({ functionKey, error: answer.error }).toEqual({
        functionKey,
        error: { code: 'UNKNOWN_USER', details: { access: 'AWAITING_APPROVAL' }, message: expect.stringContaining('waiting for an administrator’s approval') },
      });
    }
    // Not even from the administration page: the claim is closed while an administrator exists.
    const claim = await umig.call({ accountId: 'newcomer-1', moduleKey: ADMIN_PAGE }, 'session/claimAdministration', {});
    expect(claim.error?.code).toBe('CONFLICT');
    expect(await snapshot(s.database)).toEqual(before);
  });

  test('once an administrator activates them, the newcomer is a NORMAL user', async () => {
    const [row] = await s.db.select({ id: users.id, updatedAt: users.updatedAt }).from(users).where(eq(users.confluenceUserId, 'newcomer-1'));
    const approved = await umig.call({ accountId: ACCOUNTS.admin }, 'admin/users/update', { id: row!.id, expectedUpdatedAt: row!.updatedAt!.toISOString(), active: true });
    expect(approved.ok).toBe(true);
    const me = await umig.call({ accountId: 'newcomer-1' }, 'session/me');
    expect(me.data).toMatchObject({ code: 'NHA', role: 'NORMAL', can: { manageReferenceData: false } });
    const read = await umig.call({ accountId: 'newcomer-1' }, 'migrations/list');
    expect(read.ok).toBe(true);
  });

  test('with newcomer access NORMAL, a newcomer can read at once but still not manage', async () => {
    await setConfig(s.db, { key: 'people.newcomerAccess', value: 'NORMAL', by: 'ADM' });
    try {
      const answer = await umig.call({ accountId: 'newcomer-3' }, 'session/register', { displayName: 'Ola' });
      expect(answer.data).toMatchObject({ state: 'ACTIVE', message: '', registered: true });
      expect(await userOf(s.database, 'newcomer-3')).toMatchObject({ firstName: 'Ola', lastName: '-', active: true, role: 'NORMAL', isAdmin: false, email: 'newcomer-3@confluence-account.invalid' });
      expect((await umig.call({ accountId: 'newcomer-3' }, 'migrations/list')).ok).toBe(true);
      const create = await umig.call({ accountId: 'newcomer-3' }, 'planInstances/create', { iterationId: s.runIterationId, masterPlanId: s.masterPlanId });
      expect(create.error?.code).toBe('FORBIDDEN');
    } finally {
      await setConfig(s.db, { key: 'people.newcomerAccess', value: 'AWAITING_APPROVAL', by: 'ADM' });
    }
    await expect(setConfig(s.db, { key: 'people.newcomerAccess', value: 'ADMIN', by: 'ADM' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('administrators add people picked in the Confluence user picker', () => {
  let s: Scenario;
  let umig: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await createScenario();
    umig = await serve(s.database);
  });
  afterAll(async () => {
    await umig?.service.close();
    await s?.close();
  });

  test('creates the picked person active with the chosen role and puts them in the team', async () => {
    const added = await umig.call({ accountId: ACCOUNTS.admin }, 'people/addFromConfluence', {
      accountId: '557058:picked-1',
      displayName: 'Jean Dupont',
      email: 'jean.dupont@example.com',
      roleCode: 'PILOT',
      teamId: s.teams.owner,
    });
    expect(added.data).toMatchObject({ code: 'JDU', name: 'Jean Dupont', created: true, active: true, joinedTeam: true });
    expect(await userOf(s.database, '557058:picked-1')).toMatchObject({ active: true, role: 'PILOT', email: 'jean.dupont@example.com', createdBy: 'ADM', updatedBy: 'ADM' });
    const members = await s.db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.userId, added.data!.userId as number));
    expect(members).toEqual([{ teamId: s.teams.owner }]);

    // Picking someone already in UMIG adds the membership only.
    const again = await umig.call({ accountId: ACCOUNTS.admin }, 'people/addFromConfluence', { accountId: '557058:picked-1', displayName: 'Renamed', teamId: s.teams.other });
    expect(again.data).toMatchObject({ code: 'JDU', name: 'Jean Dupont', created: false, joinedTeam: true });
  });

  test('is refused to non-administrators and for bad input, changing nothing', async () => {
    const before = await snapshot(s.database);
    const normal = await umig.call({ accountId: ACCOUNTS.normalInTeam }, 'people/addFromConfluence', { accountId: '557058:picked-2', displayName: 'Pat' });
    expect(normal.error?.code).toBe('FORBIDDEN');
    for (const payload of [
      { accountId: 'bad id with spaces', displayName: 'Pat' },
      { accountId: '557058:picked-2', displayName: '' },
      { accountId: '557058:picked-2', displayName: 'Pat', roleCode: 'OWNER' },
    ]) {
      expect((await umig.call({ accountId: ACCOUNTS.admin }, 'people/addFromConfluence', payload)).error?.code).toBe('VALIDATION');
    }
    const noTeam = await umig.call({ accountId: ACCOUNTS.admin }, 'people/addFromConfluence', { accountId: '557058:picked-2', displayName: 'Pat', teamId: 999_999 });
    expect(noTeam.error?.code).toBe('NOT_FOUND');
    expect(await snapshot(s.database)).toEqual(before);
  });
});

describe('npm run admin -- grant (the operator on the service host)', () => {
  test('makes an account an administrator, creating or promoting its user, audited as the operator', async () => {
    const database = await openTestDatabase();
    try {
      const created = await grantAdministrator(database.db, { accountId: '557058:ops-1', displayName: 'Olga Operator', email: 'olga@example.com' });
      expect(created).toEqual({ code: 'OOP', name: 'Olga Operator', created: true, changed: true });
      expect(await userOf(database, '557058:ops-1')).toMatchObject({ active: true, isAdmin: true, role: 'ADMIN', createdBy: 'operator', updatedBy: 'operator' });
      const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'ADMINISTRATOR_GRANTED_BY_OPERATOR'));
      expect(audit).toMatchObject({ userId: null, details: { by: 'operator', before: null } });
      expect(await grantAdministrator(database.db, { accountId: '557058:ops-1' })).toMatchObject({ changed: false });
      await expect(grantAdministrator(database.db, { accountId: 'not an id' })).rejects.toMatchObject({ code: 'VALIDATION' });
    } finally {
      await database.close();
    }
  });

  test('the command line grants, lists and explains its usage', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'umig-admin-cli-'));
    try {
      // A migrated database in a folder, as on a service host (the test run's migrated dump when there is one).
      const dump = process.env.UMIG_TEST_PGLITE_DUMP;
      const setup = await openDatabase({ dataDir: dir, ...(dump ? { loadDataDir: new Blob([await readFile(dump)]) } : {}) });
      if (!dump) await migrate(setup.raw);
      await setup.close();
      const lines: string[] = [];
      const out = (line: string) => lines.push(line);
      const env = { UMIG_PGLITE_DIR: dir };
      expect(await runAdminCommand(['grant', '557058:first-admin', '--name', 'Fatima Admin'], env, out)).toBe(0);
      expect(lines.pop()).toMatch(/^Fatima Admin \(FAD\) is now a UMIG administrator \(new user\)/);
      expect(await runAdminCommand(['list'], env, out)).toBe(0);
      expect(lines.pop()).toBe('FAD  Fatima Admin  557058:first-admin');
      expect(await runAdminCommand(['grant', 'bad id'], env, out)).toBe(1);
      expect(lines.pop()).toContain('is not a Confluence account id');
      expect(await runAdminCommand(['grant'], env, out)).toBe(2);
      expect(lines.pop()).toContain('Usage:');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
