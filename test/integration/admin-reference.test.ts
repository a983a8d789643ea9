import { and, count, eq } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import {
  auditLog,
  iterationTypes,
  labels,
  masterStepImpactedTeams,
  migrations,
  statuses,
  stepLabels,
  stepTypes,
  teamMembers,
  teams,
  users,
} from '../../src/db/schema';
import { adminOperations } from '../../src/resolvers/admin';
import { resolveActor } from '../../src/services/identity';
import { codeOf, expectOk, messageOf } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/** Rules of the reference data: uniqueness, codes, users and roles, seeded statuses, deletes. */

const ADMIN = ACCOUNTS.admin;


describe('admin reference data', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  async function countRows(table: PgTable): Promise<number> {
    const [row] = await s.db.select({ n: count() }).from(table);
    return Number(row!.n);
  }

  describe('teams', () => {
    it('refuses to delete a team still in use, naming what uses it, and deletes nothing', async () => {
      const before = { teams: await countRows(teams), members: await countRows(teamMembers) };
      const result = await s.call(ADMIN, 'admin/teams/delete', { id: s.teams.owner });
      expect(codeOf(result)).toBe('CONFLICT');
      expect(messageOf(result)).toBe('Team "Cutover Ops" is still used by 12 master steps and 1 master plan; remove those first.');
      expect({ teams: await countRows(teams), members: await countRows(teamMembers) }).toEqual(before);
    });

    it('deletes a team with its memberships and impacted-step links, and says so in the audit row', async () => {
      const team = expectOk(await s.call(ADMIN, 'admin/teams/create', { name: 'Storage Team' }));
      expectOk(await s.call(ADMIN, 'admin/teamMembers/add', { teamId: team.id, userId: s.users.pilot.id }));
      expectOk(await s.call(ADMIN, 'admin/teamMembers/add', { teamId: team.id, userId: s.users.bizValidator.id }));
      expectOk(await s.call(ADMIN, 'admin/stepImpactedTeams/add', { stepId: s.steps[0]!.masterId, teamId: team.id }));
      expectOk(await s.call(ADMIN, 'admin/teams/delete', { id: team.id }));
      expect(await s.db.select().from(teamMembers).where(eq(teamMembers.teamId, team.id))).toEqual([]);
      expect(await s.db.select().from(masterStepImpactedTeams).where(eq(masterStepImpactedTeams.teamId, team.id))).toEqual([]);
      const [audit] = await s.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'ADMIN_TEAM_DELETED'), eq(auditLog.entityId, String(team.id))));
      expect(audit!.details).toMatchObject({ by: 'ADM', alsoDeleted: '2 team memberships and 1 impacted-team link' });
    });

    it('keeps team names unique, on create and on rename', async () => {
      const before = await countRows(teams);
      const duplicate = await s.call(ADMIN, 'admin/teams/create', { name: '  Cutover Ops ' });
      expect(codeOf(duplicate)).toBe('CONFLICT');
      expect(messageOf(duplicate)).toBe('A team named "Cutover Ops" already exists.');
      expect(await countRows(teams)).toBe(before);
      const other = expectOk(await s.call(ADMIN, 'admin/teams/get', { id: s.teams.other }));
      const rename = await s.call(ADMIN, 'admin/teams/update', { id: other.id, expectedUpdatedAt: other.updatedAt, name: 'Database Team' });
      expect(messageOf(rename)).toBe('A team named "Database Team" already exists.');
      const [row] = await s.db.select().from(teams).where(eq(teams.id, s.teams.other));
      expect(row!.name).toBe('Network Team');
    });

    it('stores SQL-looking text verbatim, as plain data', async () => {
      const name = "Robert'); DROP TABLE teams_tms;--";
      const description = "1; DELETE FROM users_usr WHERE '1'='1' -- \\ \" $$ ${x}";
      const team = expectOk(await s.call(ADMIN, 'admin/teams/create', { name, description }));
      const [row] = await s.db.select().from(teams).where(eq(teams.id, team.id));
      expect(row).toMatchObject({ name, description });
      expect(expectOk(await s.call(ACCOUNTS.normalOutside, 'admin/teams/get', { id: team.id }))).toMatchObject({ name, description });
      expect(await countRows(users)).toBeGreaterThan(0);
    });

    it('rejects blank names and invalid team emails', async () => {
      const before = await countRows(teams);
      for (const payload of [{ name: '   ' }, { name: 'x'.repeat(65) }, { name: 'Ok', email: 'not-an-email' }]) {
        expect(codeOf(await s.callRaw(ADMIN, 'admin/teams/create', payload))).toBe('VALIDATION');
      }
      expect(await countRows(teams)).toBe(before);
    });
  });

  describe('users', () => {
    it('normalises the code and email, and keeps both unique', async () => {
      const created = expectOk(await s.call(ADMIN, 'admin/users/create', { code: 'jdo', firstName: 'Jane', lastName: 'Doe', email: ' Jane.Doe@Example.COM ' }));
      expect(created).toMatchObject({ code: 'JDO', email: 'jane.doe@example.com', roleCode: 'NORMAL', active: true, isAdmin: false });
      const before = await countRows(users);
      const sameCode = await s.call(ADMIN, 'admin/users/create', { code: 'JDO', firstName: 'John', lastName: 'Doe', email: 'john@example.com' });
      expect(messageOf(sameCode)).toBe('A user with code "JDO" already exists.');
      const sameEmail = await s.call(ADMIN, 'admin/users/create', { code: 'JD2', firstName: 'J', lastName: 'D', email: 'JANE.DOE@example.com' });
      expect(messageOf(sameEmail)).toBe('A user with email "jane.doe@example.com" already exists.');
      const sameAccount = await s.call(ADMIN, 'admin/users/create', { code: 'JD3', firstName: 'J', lastName: 'D', email: 'jd3@example.com', confluenceUserId: ACCOUNTS.pilot });
      expect(messageOf(sameAccount)).toBe(`Another user is already linked to Confluence account "${ACCOUNTS.pilot}".`);
      for (const code of ['JD', 'JDOE', 'J-D', '']) {
        expect(codeOf(await s.callRaw(ADMIN, 'admin/users/create', { code, firstName: 'J', lastName: 'D', email: `${code}x@example.com` }))).toBe('VALIDATION');
      }
      expect(codeOf(await s.callRaw(ADMIN, 'admin/users/create', { code: 'JD4', firstName: 'J', lastName: 'D', email: 'jd4@example.com', roleCode: 'ROOT' }))).toBe('VALIDATION');
      // The code is the trigram in every updated_by and audit row: it cannot change.
      expect(codeOf(await s.callRaw(ADMIN, 'admin/users/update', { id: created.id, expectedUpdatedAt: created.updatedAt, code: 'JDX' }))).toBe('VALIDATION');
      expect(await countRows(users)).toBe(before);
    });

    it('gives a registered account its role and takes access away when deactivated', async () => {
      const user = expectOk(
        await s.call(ADMIN, 'admin/users/create', { code: 'PLT', firstName: 'Pat', lastName: 'Pilot', email: 'plt@example.com', roleCode: 'PILOT', confluenceUserId: 'acc-new-pilot' }),
      );
      expect(await resolveActor(s.db, 'acc-new-pilot')).toMatchObject({ code: 'PLT', role: 'PILOT' });
      const promoted = expectOk(await s.call(ADMIN, 'admin/users/update', { id: user.id, expectedUpdatedAt: user.updatedAt, roleCode: 'ADMIN' }));
      expect(await resolveActor(s.db, 'acc-new-pilot')).toMatchObject({ role: 'ADMIN' });
      expectOk(await s.call(ADMIN, 'admin/users/update', { id: user.id, expectedUpdatedAt: promoted.updatedAt, active: false }));
      expect(codeOf(await s.call('acc-new-pilot', 'admin/teams/list', {}))).toBe('UNKNOWN_USER');
    });

    it('does not let administrators lock themselves out', async () => {
      const me = expectOk(await s.call(ADMIN, 'admin/users/get', { id: s.users.admin.id }));
      const version = { id: me.id, expectedUpdatedAt: me.updatedAt };
      expect(messageOf(await s.call(ADMIN, 'admin/users/update', { ...version, active: false }))).toMatch(/cannot deactivate your own account/);
      expect(messageOf(await s.call(ADMIN, 'admin/users/update', { ...version, roleCode: 'PILOT' }))).toMatch(/cannot remove your own administrator rights/);
      expect(messageOf(await s.call(ADMIN, 'admin/users/delete', { id: me.id }))).toMatch(/cannot delete your own account/);
      // Another administrator may; the usr_is_admin flag alone also keeps ADMIN rights.
      expectOk(await s.call(ADMIN, 'admin/users/update', { ...version, roleCode: 'PILOT', isAdmin: true }));
      expect(await resolveActor(s.db, ADMIN)).toMatchObject({ role: 'PILOT', isAdmin: true });
    });

    it('refuses to delete a user with history and suggests deactivating instead', async () => {
      const [migration] = await s.db.select({ n: count() }).from(migrations).where(eq(migrations.ownerId, s.users.admin.id));
      expect(Number(migration!.n)).toBeGreaterThan(0);
      const other = expectOk(
        await s.call(ADMIN, 'admin/users/create', { code: 'AD2', firstName: 'Second', lastName: 'Admin', email: 'ad2@example.com', roleCode: 'ADMIN', confluenceUserId: 'acc-admin-2' }),
      );
      const result = await s.call('acc-admin-2', 'admin/users/delete', { id: s.users.admin.id });
      expect(codeOf(result)).toBe('CONFLICT');
      expect(messageOf(result)).toMatch(/^User "ADM Tester \(ADM\)" is still used by \d+ audit log entries, 1 migration and 1 plan instance; remove those first\. To keep their history, deactivate the user instead\.$/);
      expect(await s.db.select().from(users).where(eq(users.id, s.users.admin.id))).toHaveLength(1);
      expect(other.code).toBe('AD2');
    });
  });

  describe('catalog', () => {
    it('keeps application and environment codes unique and well formed', async () => {
      expectOk(await s.call(ADMIN, 'admin/applications/create', { code: 'CRM', name: 'CRM' }));
      expect(messageOf(await s.call(ADMIN, 'admin/applications/create', { code: 'CRM', name: 'Other CRM' }))).toBe('An application with code "CRM" already exists.');
      expectOk(await s.call(ADMIN, 'admin/environments/create', { code: 'UAT', name: 'Acceptance' }));
      expect(messageOf(await s.call(ADMIN, 'admin/environments/create', { code: 'UAT', name: 'Again' }))).toBe('An environment with code "UAT" already exists.');
      for (const code of ['has space', 'lower', 'x'.repeat(11)]) {
        expect(codeOf(await s.callRaw(ADMIN, 'admin/environments/create', { code, name: 'X' }))).toBe('VALIDATION');
      }
    });

    it('keeps label names unique per migration and deletes a label with its step links', async () => {
      const duplicate = await s.call(ADMIN, 'admin/labels/create', { migrationId: s.migrationId, name: 'critical-path' });
      expect(messageOf(duplicate)).toBe('A label named "critical-path" already exists in this migration.');
      const unknown = await s.call(ADMIN, 'admin/labels/create', { migrationId: '00000000-0000-4000-8000-000000000000', name: 'x' });
      expect(codeOf(unknown)).toBe('NOT_FOUND');
      expect(messageOf(unknown)).toBe('Migration with id 00000000-0000-4000-8000-000000000000 does not exist.');
      expect(codeOf(await s.callRaw(ADMIN, 'admin/labels/create', { migrationId: s.migrationId, name: 'red', color: 'red' }))).toBe('VALIDATION');
      // A label moves with nothing: migrationId is not an update field.
      const label = expectOk(await s.call(ADMIN, 'admin/labels/get', { id: s.labelId }));
      expect(codeOf(await s.callRaw(ADMIN, 'admin/labels/update', { id: label.id, expectedVersion: label.version, migrationId: s.migrationId }))).toBe('VALIDATION');

      const linked = await s.db.select().from(stepLabels).where(eq(stepLabels.labelId, s.labelId));
      expect(linked).toHaveLength(4);
      expectOk(await s.call(ADMIN, 'admin/labels/delete', { id: s.labelId, expectedVersion: label.version }));
      expect(await s.db.select().from(stepLabels).where(eq(stepLabels.labelId, s.labelId))).toEqual([]);
      expect(await s.db.select().from(labels).where(eq(labels.id, s.labelId))).toEqual([]);
      const [audit] = await s.db.select().from(auditLog).where(and(eq(auditLog.action, 'ADMIN_LABEL_DELETED'), eq(auditLog.entityId, String(s.labelId))));
      expect(audit!.details).toMatchObject({ alsoDeleted: '4 step labels' });
    });
  });

  describe('types', () => {
    it('keeps type codes unique and fixed, and refuses deleting types in use', async () => {
      expect(messageOf(await s.call(ADMIN, 'admin/iterationTypes/create', { code: 'DR', name: 'Another DR' }))).toBe('An iteration type with code "DR" already exists.');
      const inUse = await s.call(ADMIN, 'admin/iterationTypes/delete', { id: 'DR' });
      expect(messageOf(inUse)).toBe('Iteration type "Dress Rehearsal" is still used by 1 iteration; remove those first.');
      expect(await s.db.select().from(iterationTypes).where(eq(iterationTypes.code, 'DR'))).toHaveLength(1);

      expect(messageOf(await s.call(ADMIN, 'admin/stepTypes/create', { code: 'TRT', name: 'Again' }))).toBe('A step type with code "TRT" already exists.');
      expect(messageOf(await s.call(ADMIN, 'admin/stepTypes/delete', { id: 'TRT' }))).toBe('Step type "Treatments" is still used by 12 master steps; remove those first.');
      for (const code of ['TRTX', 'T-1', 'trt']) expect(codeOf(await s.callRaw(ADMIN, 'admin/stepTypes/create', { code, name: 'X' }))).toBe('VALIDATION');
      const trt = expectOk(await s.call(ADMIN, 'admin/stepTypes/get', { id: 'TRT' }));
      expect(codeOf(await s.callRaw(ADMIN, 'admin/stepTypes/update', { id: 'TRT', expectedUpdatedAt: trt.updatedAt, code: 'TRX' }))).toBe('VALIDATION');
      expect(await s.db.select().from(stepTypes).where(eq(stepTypes.code, 'TRT'))).toHaveLength(1);

      // migrations_mig.mig_type refers to migration types by code, without a foreign key.
      const types = expectOk(await s.call(ADMIN, 'admin/migrationTypes/list', {}));
      const application = types.find((type) => type.code === 'APPLICATION')!;
      expect(messageOf(await s.call(ADMIN, 'admin/migrationTypes/delete', { id: application.id }))).toBe(
        'Migration type "Application Release" is still used by 1 migration; remove those first.',
      );
    });

    it('compares versions at millisecond precision, also on seeded rows and columns without time zone', async () => {
      // Seeded rows carry the database clock (microseconds); migration_types_mit uses timestamp without time zone.
      const seeded = expectOk(await s.call(ADMIN, 'admin/migrationTypes/list', {})).find((type) => type.code === 'NETWORK')!;
      const first = expectOk(await s.call(ADMIN, 'admin/migrationTypes/update', { id: seeded.id, expectedUpdatedAt: seeded.updatedAt, displayOrder: 40 }));
      expect(first.updatedBy).toBe('ADM');
      const second = await s.call(ADMIN, 'admin/migrationTypes/update', { id: seeded.id, expectedUpdatedAt: seeded.updatedAt, displayOrder: 41 });
      expect(messageOf(second)).toBe('Migration type "Network Release" was changed by someone else since you opened it; reload it and make your change again.');
      expectOk(await s.call(ADMIN, 'admin/migrationTypes/update', { id: seeded.id, expectedUpdatedAt: first.updatedAt, displayOrder: 42 }));
      const dr = expectOk(await s.call(ADMIN, 'admin/iterationTypes/get', { id: 'DR' }));
      expectOk(await s.call(ADMIN, 'admin/iterationTypes/update', { id: 'DR', expectedUpdatedAt: dr.updatedAt, color: '#F57C01' }));
      expect(codeOf(await s.call(ADMIN, 'admin/iterationTypes/update', { id: 'DR', expectedUpdatedAt: dr.updatedAt, color: '#F57C02' }))).toBe('CONFLICT');
      const [row] = await s.db.select().from(iterationTypes).where(eq(iterationTypes.code, 'DR'));
      expect(row!.color).toBe('#F57C01');
    });
  });

  describe('statuses', () => {
    it('keeps the seeded statuses: no delete, no rename, but the colour may change', async () => {
      const planning = expectOk(await s.call(ADMIN, 'admin/statuses/get', { id: 1 }));
      expect(planning).toMatchObject({ name: 'PLANNING', type: 'Migration', seeded: true });
      const rename = await s.call(ADMIN, 'admin/statuses/update', { id: 1, expectedUpdatedAt: planning.updatedAt, name: 'DRAFT' });
      expect(codeOf(rename)).toBe('CONFLICT');
      expect(messageOf(rename)).toMatch(/^Status "PLANNING" \(Migration\) is one of the statuses UMIG itself relies on; it cannot be renamed/);
      const retype = await s.call(ADMIN, 'admin/statuses/update', { id: 1, expectedUpdatedAt: planning.updatedAt, type: 'Plan' });
      expect(codeOf(retype)).toBe('CONFLICT');
      const deleted = await s.call(ADMIN, 'admin/statuses/delete', { id: 27 });
      expect(messageOf(deleted)).toBe('Status "CANCELLED" (Step) is one of the statuses UMIG itself relies on; it cannot be deleted.');
      const recoloured = expectOk(await s.call(ADMIN, 'admin/statuses/update', { id: 1, expectedUpdatedAt: planning.updatedAt, color: '#FFAA00' }));
      expect(recoloured).toMatchObject({ name: 'PLANNING', color: '#FFAA00' });
      expect(await s.db.select({ n: count() }).from(statuses)).toEqual([{ n: 31 }]);
      expect(codeOf(await s.callRaw(ADMIN, 'admin/statuses/update', { id: 1, expectedUpdatedAt: recoloured.updatedAt, color: 'orange' }))).toBe('VALIDATION');
    });

    it('refuses a status colour no lozenge text can be read on (4.5:1), and changes nothing', async () => {
      const before = expectOk(await s.call(ADMIN, 'admin/statuses/get', { id: 25 }));
      expect(before).toMatchObject({ name: 'FAILED', color: '#C9372C' });
      const recolour = await s.callRaw(ADMIN, 'admin/statuses/update', { id: 25, expectedUpdatedAt: before.updatedAt, color: '#FF0000' });
      expect(codeOf(recolour)).toBe('VALIDATION');
      expect(JSON.stringify(recolour)).toContain('Text on #FF0000 reaches only 4.05:1 contrast, white or dark; choose a darker or a lighter colour (at least 4.5:1).');
      const created = await s.callRaw(ADMIN, 'admin/statuses/create', { name: 'GREYED', color: '#808080', type: 'Step' });
      expect(codeOf(created)).toBe('VALIDATION');
      expect(JSON.stringify(created)).toContain('Text on #808080 reaches only 4.10:1');
      expect(expectOk(await s.call(ADMIN, 'admin/statuses/get', { id: 25 }))).toEqual(before);
      expect(await s.db.select({ n: count() }).from(statuses).where(eq(statuses.name, 'GREYED'))).toEqual([{ n: 0 }]);
      // Dark and light extremes stay allowed.
      expectOk(await s.call(ADMIN, 'admin/statuses/update', { id: 25, expectedUpdatedAt: before.updatedAt, color: '#AE2E24' }));
    });

    it('keeps status names unique per type and refuses deleting a status in use', async () => {
      expect(messageOf(await s.call(ADMIN, 'admin/statuses/create', { name: 'TODO', color: '#111111', type: 'Step' }))).toBe('A step status named "TODO" already exists.');
      const onHold = expectOk(await s.call(ADMIN, 'admin/statuses/create', { name: 'ON_HOLD', color: '#111111', type: 'Migration' }));
      expect(onHold.id).toBeGreaterThan(31);
      const migration = expectOk(await s.call(ADMIN, 'admin/migrations/get', { id: s.migrationId }));
      expectOk(await s.call(ADMIN, 'admin/migrations/update', { id: migration.id, expectedUpdatedAt: migration.updatedAt, statusId: onHold.id }));
      expect(messageOf(await s.call(ADMIN, 'admin/statuses/delete', { id: onHold.id }))).toBe('Status "ON_HOLD" (Migration) is still used by 1 migration; remove those first.');
      for (const name of ['on hold', 'On_Hold', '1ST']) {
        expect(codeOf(await s.callRaw(ADMIN, 'admin/statuses/create', { name, color: '#111111', type: 'Step' }))).toBe('VALIDATION');
      }
      expect(codeOf(await s.callRaw(ADMIN, 'admin/statuses/create', { name: 'X', color: '#111111', type: 'Task' }))).toBe('VALIDATION');
    });
  });

  describe('environment roles', () => {
    it('lists the seeded roles by name to every known user, and offers no way to change them', async () => {
      for (const account of [ADMIN, ACCOUNTS.normalOutside]) {
        const roles = expectOk(await s.call(account, 'admin/environmentRoles/list', {}));
        expect(roles).toEqual([
          { id: expect.any(Number), name: 'BACKUP', description: 'Backup environment' },
          { id: expect.any(Number), name: 'PROD', description: 'Production environment' },
          { id: expect.any(Number), name: 'TEST', description: 'Test environment' },
        ]);
      }
      expect(codeOf(await s.callRaw(ADMIN, 'admin/environmentRoles/list', { name: 'PROD' }))).toBe('VALIDATION');
      expect(Object.keys(adminOperations).filter((key) => key.startsWith('admin/environmentRoles/'))).toEqual(['admin/environmentRoles/list']);
      expect(codeOf(await s.call(ACCOUNTS.unknown, 'admin/environmentRoles/list', {}))).toBe('UNKNOWN_USER');
    });
  });
});
