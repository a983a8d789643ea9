import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

describe('session/me', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  it('tells each caller who they are and what they may offer, from the token identity only', async () => {
    const normal = expectOk(await s.call(ACCOUNTS.normalInTeam, 'session/me', {}));
    expect(normal).toMatchObject({ code: 'NIN', role: 'NORMAL', teamIds: [s.teams.owner], can: { manageReferenceData: false, managePlans: false, override: false }, refreshSeconds: 5 });
    const pilot = expectOk(await s.call(ACCOUNTS.pilot, 'session/me', {}));
    expect(pilot).toMatchObject({ role: 'PILOT', can: { managePlans: false, override: true } });
    const admin = expectOk(await s.call(ACCOUNTS.admin, 'session/me', {}));
    expect(admin).toMatchObject({ code: 'ADM', role: 'ADMIN', can: { manageReferenceData: true, managePlans: true, override: true } });
  });

  it('refuses unknown and inactive accounts, and payloads with fields', async () => {
    expect(codeOf(await s.callRaw(ACCOUNTS.unknown, 'session/me', {}))).toBe('UNKNOWN_USER');
    expect(codeOf(await s.callRaw(ACCOUNTS.inactive, 'session/me', {}))).toBe('UNKNOWN_USER');
    expect(codeOf(await s.callRaw(ACCOUNTS.admin, 'session/me', { userId: 1 }))).toBe('VALIDATION');
  });
});
