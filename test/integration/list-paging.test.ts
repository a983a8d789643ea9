import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/query';
import { LIST_PAGE_MAX } from '../../src/domain/paging';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/** Issue 10 §5.4: every list answers at most LIST_PAGE_MAX rows, whatever the request asks for, and pages with offset. */
describe('list operations are paged with a hard page size', () => {
  let s: Scenario;
  const extra = LIST_PAGE_MAX + 37;
  beforeAll(async () => {
    s = await createScenario();
    await s.db.execute(sql`INSERT INTO teams_tms (tms_name, tms_email) SELECT 'Paging team ' || lpad(n::text, 4, '0'), 'paging' || n || '@example.com' FROM generate_series(1, ${extra}) n`);
    await s.db.execute(sql`INSERT INTO users_usr (usr_code, usr_first_name, usr_last_name, usr_email, usr_is_admin, usr_active)
                           SELECT 'Q' || chr(65 + n / 26) || chr(65 + n % 26), 'Paging', 'User ' || n, 'user' || n || '@example.com', false, true FROM generate_series(1, ${extra}) n`);
    await s.db.execute(sql`INSERT INTO teams_tms_x_users_usr (tms_id, usr_id) SELECT ${s.teams.other}, usr_id FROM users_usr WHERE usr_first_name = 'Paging'`);
    await s.db.execute(sql`INSERT INTO migrations_mig (usr_id_owner, mig_name, mig_type, mig_status)
                           SELECT ${s.users.admin.id}, 'Paging migration ' || n, 'APPLICATION', 1 FROM generate_series(1, ${extra}) n`);
    await s.db.execute(sql`INSERT INTO email_outbox_eob (eob_event_type, eob_entity_id, eob_recipients, eob_subject, eob_body_html, eob_body_text, eob_dedupe_key)
                           SELECT 'STEP_STATUS_CHANGED', gen_random_uuid(), '["ops@example.com"]', 'Subject ' || n, '<p>x</p>', 'x', 'paging-' || n FROM generate_series(1, ${extra}) n`);
  });
  afterAll(() => s.close());

  it('answers a request for 100,000 teams with one page of the hard size, and the next page with the rest, none twice', async () => {
    const [counted] = await queryRows<{ n: number }>(s.db, sql`SELECT count(*)::int AS n FROM teams_tms`);
    const total = counted!.n;
    const first = expectOk(await s.call(ACCOUNTS.normalInTeam, 'admin/teams/list', { limit: 100_000 }));
    expect(first).toHaveLength(LIST_PAGE_MAX);
    const rest = expectOk(await s.call(ACCOUNTS.normalInTeam, 'admin/teams/list', { limit: 100_000, offset: first.length }));
    expect(rest).toHaveLength(total - LIST_PAGE_MAX);
    expect(new Set([...first, ...rest].map((team) => team.id)).size).toBe(total);
    // Without a limit, the same hard page.
    expect(expectOk(await s.call(ACCOUNTS.normalInTeam, 'admin/teams/list', {}))).toHaveLength(LIST_PAGE_MAX);
    expect(expectOk(await s.call(ACCOUNTS.normalInTeam, 'admin/teams/list', { limit: 10, offset: 5 }))).toEqual(first.slice(5, 15));
  });

  it('caps link lists, the programme pickers and the outbox the same way', async () => {
    expect(expectOk(await s.call(ACCOUNTS.normalInTeam, 'admin/teamMembers/list', { teamId: s.teams.other, limit: 100_000 }))).toHaveLength(LIST_PAGE_MAX);
    expect(expectOk(await s.call(ACCOUNTS.normalInTeam, 'admin/users/list', { limit: 100_000 }))).toHaveLength(LIST_PAGE_MAX);
    expect(expectOk(await s.call(ACCOUNTS.normalInTeam, 'migrations/list', { limit: 100_000 }))).toHaveLength(LIST_PAGE_MAX);
    expect(expectOk(await s.call(ACCOUNTS.admin, 'notifications/outbox/list', { limit: 100_000 }))).toHaveLength(LIST_PAGE_MAX);
    // The outbox still shows the newest 100 unless asked for more.
    expect(expectOk(await s.call(ACCOUNTS.admin, 'notifications/outbox/list', {}))).toHaveLength(100);
  });

  it('refuses a page that makes no sense, with a sentence', async () => {
    for (const payload of [{ limit: 0 }, { limit: -1 }, { offset: -1 }, { limit: 1.5 }, { limit: '100' }]) {
      const answer = await s.callRaw(ACCOUNTS.normalInTeam, 'admin/teams/list', payload);
      expect(codeOf(answer)).toBe('VALIDATION');
    }
    // A link list still needs one of its keys; paging fields alone are not a filter.
    expect(codeOf(await s.callRaw(ACCOUNTS.normalInTeam, 'admin/teamMembers/list', { limit: 10 }))).toBe('VALIDATION');
  });
});
