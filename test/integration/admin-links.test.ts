import { and, count, eq } from 'drizzle-orm';
import {
  auditLog,
  iterationEnvironments,
  masterStepIterationTypes,
  teamApplications,
  teamMembers,
} from '../../src/db/schema';
import { resolveActor } from '../../src/services/identity';
import { codeOf, expectOk, messageOf } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/** Associations: team members and applications, environments, iteration environments, step links. */

const ADMIN = ACCOUNTS.admin;
const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';


describe('admin links', () => {
  let s: Scenario;
  let applicationId: number;
  let environmentId: number;
  beforeAll(async () => {
    s = await createScenario();
    applicationId = expectOk(await s.call(ADMIN, 'admin/applications/create', { code: 'CRM', name: 'Customer care' })).id;
    environmentId = expectOk(await s.call(ADMIN, 'admin/environments/create', { code: 'PROD', name: 'Production' })).id;
  });
  afterAll(() => s.close());

  it('adds and removes team members, idempotently, with one audit row per change', async () => {
    const member = { teamId: s.teams.owner, userId: s.users.pilot.id };
    expect(expectOk(await s.call(ADMIN, 'admin/teamMembers/add', member))).toEqual({ changed: true });
    expect(expectOk(await s.call(ADMIN, 'admin/teamMembers/add', member))).toEqual({ changed: false });
    expect((await resolveActor(s.db, ACCOUNTS.pilot)).teamIds).toEqual([s.teams.owner]);
    const [row] = await s.db.select().from(teamMembers).where(and(eq(teamMembers.teamId, member.teamId), eq(teamMembers.userId, member.userId)));
    expect(row).toMatchObject({ createdBy: 'ADM' });
    const listed = expectOk(await s.call(ACCOUNTS.normalOutside, 'admin/teamMembers/list', { teamId: s.teams.owner }));
    expect(listed.map((link) => link.userId).sort()).toEqual([s.users.normalInTeam.id, s.users.inactive.id, s.users.pilot.id].sort());

    expect(expectOk(await s.call(ADMIN, 'admin/teamMembers/remove', member))).toEqual({ changed: true });
    expect(expectOk(await s.call(ADMIN, 'admin/teamMembers/remove', member))).toEqual({ changed: false });
    expect((await resolveActor(s.db, ACCOUNTS.pilot)).teamIds).toEqual([]);
    const audits = await s.db.select().from(auditLog).where(eq(auditLog.entityId, `${member.teamId}:${member.userId}`));
    expect(audits.map((audit) => audit.action).sort()).toEqual(['ADMIN_TEAM_MEMBER_ADDED', 'ADMIN_TEAM_MEMBER_REMOVED']);
    expect(audits[0]!.details).toMatchObject({ by: 'ADM', link: 'User "PIL Tester (PIL)" in team "Cutover Ops"' });
  });

  it('names a missing end and changes nothing', async () => {
    const [before] = await s.db.select({ n: count() }).from(teamMembers);
    const noUser = await s.call(ADMIN, 'admin/teamMembers/add', { teamId: s.teams.owner, userId: 999_999 });
    expect([codeOf(noUser), messageOf(noUser)]).toEqual(['NOT_FOUND', 'User with id 999999 does not exist.']);
    const noTeam = await s.call(ADMIN, 'admin/teamMembers/remove', { teamId: 999_999, userId: s.users.pilot.id });
    expect([codeOf(noTeam), messageOf(noTeam)]).toEqual(['NOT_FOUND', 'Team with id 999999 does not exist.']);
    const noType = await s.call(ADMIN, 'admin/stepIterationTypes/add', { stepId: s.steps[0]!.masterId, iterationTypeCode: 'ZZZ' });
    expect(messageOf(noType)).toBe('Iteration type "ZZZ" does not exist.');
    const noStep = await s.call(ADMIN, 'admin/stepImpactedTeams/add', { stepId: UNKNOWN_UUID, teamId: s.teams.other });
    expect(messageOf(noStep)).toBe(`Master step with id ${UNKNOWN_UUID} does not exist.`);
    for (const payload of [{}, { teamId: s.teams.owner }, { teamId: s.teams.owner, userId: 'x' }, { teamId: s.teams.owner, userId: 1, extra: true }]) {
      expect(codeOf(await s.callRaw(ADMIN, 'admin/teamMembers/add', payload))).toBe('VALIDATION');
    }
    expect(codeOf(await s.callRaw(ADMIN, 'admin/teamMembers/list', {}))).toBe('VALIDATION');
    const [after] = await s.db.select({ n: count() }).from(teamMembers);
    expect(after).toEqual(before);
  });

  it('links applications to teams and environments, and keeps a linked application from being deleted', async () => {
    expect(expectOk(await s.call(ADMIN, 'admin/teamApplications/add', { teamId: s.teams.other, applicationId }))).toEqual({ changed: true });
    expect(expectOk(await s.call(ADMIN, 'admin/environmentApplications/add', { environmentId, applicationId }))).toEqual({ changed: true });
    const refused = await s.call(ADMIN, 'admin/applications/delete', { id: applicationId });
    expect(messageOf(refused)).toBe('Application "Customer care" is still used by 1 environment–application link and 1 team–application link; remove those first.');
    expect(expectOk(await s.call(ADMIN, 'admin/teamApplications/list', { applicationId }))).toEqual([
      expect.objectContaining({ teamId: s.teams.other, applicationId }),
    ]);
    expectOk(await s.call(ADMIN, 'admin/teamApplications/remove', { teamId: s.teams.other, applicationId }));
    expectOk(await s.call(ADMIN, 'admin/environmentApplications/remove', { environmentId, applicationId }));
    expect(await s.db.select().from(teamApplications).where(eq(teamApplications.applicationId, applicationId))).toEqual([]);
  });

  it('gives an iteration its environments with a role, changing the role on a second add', async () => {
    const link = { iterationId: s.iterationId, environmentId };
    expect(expectOk(await s.call(ADMIN, 'admin/iterationEnvironments/add', { ...link, environmentRoleId: 1 }))).toEqual({ changed: true });
    expect(expectOk(await s.call(ADMIN, 'admin/iterationEnvironments/add', { ...link, environmentRoleId: 1 }))).toEqual({ changed: false });
    expect(expectOk(await s.call(ADMIN, 'admin/iterationEnvironments/add', { ...link, environmentRoleId: 2 }))).toEqual({ changed: true });
    const [row] = await s.db.select().from(iterationEnvironments).where(eq(iterationEnvironments.iterationId, s.iterationId));
    expect(row).toMatchObject({ environmentId, environmentRoleId: 2 });
    const badRole = await s.call(ADMIN, 'admin/iterationEnvironments/add', { ...link, environmentRoleId: 999 });
    expect(messageOf(badRole)).toBe('Environment role with id 999 does not exist.');
    const actions = await s.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entityType, 'iteration_environment'));
    expect(actions.map((a) => a.action).sort()).toEqual(['ADMIN_ITERATION_ENVIRONMENT_ADDED', 'ADMIN_ITERATION_ENVIRONMENT_UPDATED']);
    const refused = await s.call(ADMIN, 'admin/environments/delete', { id: environmentId });
    expect(messageOf(refused)).toBe('Environment "Production" is still used by 1 iteration environment; remove those first.');
    expect(codeOf(await s.call(ACCOUNTS.pilot, 'admin/iterationEnvironments/remove', link))).toBe('FORBIDDEN');
    expect(expectOk(await s.call(ADMIN, 'admin/iterationEnvironments/remove', link))).toEqual({ changed: true });
  });

  it("shows a step's impacted teams, iteration types and labels on the step", async () => {
    const stepId = s.steps[0]!.masterId;
    expectOk(await s.call(ADMIN, 'admin/stepImpactedTeams/add', { stepId, teamId: s.teams.other }));
    expectOk(await s.call(ADMIN, 'admin/stepIterationTypes/add', { stepId, iterationTypeCode: 'CUTOVER' }));
    const label = expectOk(await s.call(ADMIN, 'admin/labels/create', { migrationId: s.migrationId, name: 'rollback-point', color: '#00FF00' }));
    expectOk(await s.call(ADMIN, 'admin/stepLabels/add', { masterStepId: stepId, labelId: label.id }));
    const step = expectOk(await s.call(ACCOUNTS.normalInTeam, 'admin/masterSteps/get', { id: stepId }));
    expect(step).toMatchObject({ code: 'TRT-010', impactedTeamIds: [s.teams.other], iterationTypeCodes: ['CUTOVER'] });
    expect(step.labelIds.sort()).toEqual([s.labelId, label.id].sort());

    expectOk(await s.call(ADMIN, 'admin/stepIterationTypes/remove', { stepId, iterationTypeCode: 'CUTOVER' }));
    expect(await s.db.select().from(masterStepIterationTypes).where(eq(masterStepIterationTypes.stepId, stepId))).toEqual([]);
    const controls = expectOk(await s.call(ADMIN, 'admin/masterControls/list', { phaseId: s.phases[0]!.masterId }));
    expect(expectOk(await s.call(ADMIN, 'admin/labelControls/add', { labelId: label.id, masterControlId: controls[0]!.id }))).toEqual({ changed: true });
    expect(expectOk(await s.call(ADMIN, 'admin/labelApplications/add', { labelId: label.id, applicationId }))).toEqual({ changed: true });
    expect(expectOk(await s.call(ACCOUNTS.normalOutside, 'admin/labelApplications/list', { labelId: label.id }))).toHaveLength(1);
    // Deleting the label takes its links with it.
    expectOk(await s.call(ADMIN, 'admin/labels/delete', { id: label.id }));
    const [audit] = await s.db.select().from(auditLog).where(and(eq(auditLog.action, 'ADMIN_LABEL_DELETED'), eq(auditLog.entityId, String(label.id))));
    expect(audit!.details).toMatchObject({ alsoDeleted: '1 application label, 1 control label and 1 step label' });
    const after = expectOk(await s.call(ADMIN, 'admin/masterSteps/get', { id: stepId }));
    expect(after.labelIds).toEqual([s.labelId]);
  });
});
