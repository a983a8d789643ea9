import { codeOf } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/** Role-only checks run before payload validation: a refused caller learns nothing from it. */
describe('authorization before validation', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  it.each(['admin/teams/create', 'admin/masterSteps/update', 'admin/teamMembers/add', 'imports/upload'])(
    '%s refuses a non-administrator with FORBIDDEN whatever the payload, and validates for an administrator',
    async (functionKey) => {
      for (const payload of [{}, { nonsense: "'; DROP TABLE users_usr; --" }, null]) {
        expect(codeOf(await s.callRaw(ACCOUNTS.pilot, functionKey, payload))).toBe('FORBIDDEN');
        expect(codeOf(await s.callRaw(ACCOUNTS.normalInTeam, functionKey, payload))).toBe('FORBIDDEN');
        expect(codeOf(await s.callRaw(ACCOUNTS.unknown, functionKey, payload))).toBe('UNKNOWN_USER');
        expect(codeOf(await s.callRaw(ACCOUNTS.admin, functionKey, payload))).toBe('VALIDATION');
      }
    },
  );
});
