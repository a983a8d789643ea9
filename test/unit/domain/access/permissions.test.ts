import {
  type Actor,
  canEditComment,
  canEditPilotComment,
  canExecuteStep,
  canManageControls,
  canManagePlans,
  canManageReferenceData,
  canOverride,
  canToggleInstruction,
  canValidateControl,
  canWriteComment,
  canWritePilotComment,
  isAdministrator,
  isPilotOrAdmin,
} from '../../../../src/domain/access/permissions';
import { actor, admin, flaggedAdmin, normal, pilot } from '../actors';

const outsider = actor({ userId: 5, code: 'OUT', teamIds: [99] });
const teamless = actor({ userId: 6, code: 'NOT', teamIds: [] });

describe('role-wide permissions', () => {
  // [actor, admin rights, pilot rights]
  const matrix: [string, Actor, boolean, boolean][] = [
    ['NORMAL', normal, false, false],
    ['PILOT', pilot, false, true],
    ['ADMIN (role)', admin, true, true],
    ['ADMIN (usr_is_admin flag on a NORMAL role)', flaggedAdmin, true, true],
    ['PILOT with usr_is_admin', actor({ role: 'PILOT', isAdmin: true }), true, true],
  ];

  it.each(matrix)('%s', (_name, who, adminRights, pilotRights) => {
    expect(isAdministrator(who)).toBe(adminRights);
    expect(canManageReferenceData(who)).toBe(adminRights);
    expect(canManagePlans(who)).toBe(adminRights);
    expect(isPilotOrAdmin(who)).toBe(pilotRights);
    expect(canOverride(who)).toBe(pilotRights);
    expect(canManageControls(who)).toBe(pilotRights);
    expect(canWritePilotComment(who)).toBe(pilotRights);
    expect(canWriteComment(who)).toBe(true);
  });
});

describe('canExecuteStep', () => {
  const owned = { ownerTeamId: 10, impactedTeamIds: [] };
  const impacting = { ownerTeamId: 20, impactedTeamIds: [30, 10] };
  const foreign = { ownerTeamId: 20, impactedTeamIds: [30] };
  const ownerless = { ownerTeamId: null, impactedTeamIds: [] };

  it.each([
    ['a member of the owner team', normal, owned, true],
    ['a member of an impacted team', normal, impacting, true],
    ['a member of neither team', normal, foreign, false],
    ['a member of another team only', outsider, owned, false],
    ['a user without a team', teamless, owned, false],
    ['anyone NORMAL on a step without teams', normal, ownerless, false],
    ['a pilot on any step', pilot, foreign, true],
    ['a pilot on a step without teams', pilot, ownerless, true],
    ['an admin on any step', admin, foreign, true],
    ['a flagged admin on any step', flaggedAdmin, foreign, true],
  ])('%s: %s', (_name, who, step, expected) => {
    expect(canExecuteStep(who, step)).toBe(expected);
  });
});

describe('canToggleInstruction', () => {
  it('follows the step teams', () => {
    expect(canToggleInstruction(normal, { ownerTeamId: 10, impactedTeamIds: [] })).toBe(true);
    expect(canToggleInstruction(normal, { ownerTeamId: 20, impactedTeamIds: [10] })).toBe(true);
    expect(canToggleInstruction(normal, { ownerTeamId: 20, impactedTeamIds: [] })).toBe(false);
    expect(canToggleInstruction(pilot, { ownerTeamId: 20, impactedTeamIds: [] })).toBe(true);
  });

  it("also admits the instruction's own team", () => {
    expect(canToggleInstruction(normal, { ownerTeamId: 20, impactedTeamIds: [], instructionTeamId: 10 })).toBe(true);
    expect(canToggleInstruction(normal, { ownerTeamId: 20, impactedTeamIds: [], instructionTeamId: 30 })).toBe(false);
    expect(canToggleInstruction(normal, { ownerTeamId: 20, impactedTeamIds: [], instructionTeamId: null })).toBe(false);
  });
});

describe('canValidateControl', () => {
  const both = { itValidatorId: normal.userId, bizValidatorId: 7 };

  it('lets an assigned validator sign only their own slot', () => {
    expect(canValidateControl(normal, both)).toEqual(['IT']);
    expect(canValidateControl(actor({ userId: 7 }), both)).toEqual(['BIZ']);
    expect(canValidateControl(normal, { itValidatorId: 7, bizValidatorId: normal.userId })).toEqual(['BIZ']);
  });

  it('lets one person assigned to both slots sign both', () => {
    expect(canValidateControl(normal, { itValidatorId: normal.userId, bizValidatorId: normal.userId })).toEqual(['IT', 'BIZ']);
  });

  it('gives other team members no slot, even on unassigned controls', () => {
    expect(canValidateControl(outsider, both)).toEqual([]);
    expect(canValidateControl(normal, { itValidatorId: null, bizValidatorId: null })).toEqual([]);
  });

  it('lets pilots and admins record a verdict on any slot, assigned or not', () => {
    for (const who of [pilot, admin, flaggedAdmin]) {
      expect(canValidateControl(who, both)).toEqual(['IT', 'BIZ']);
      expect(canValidateControl(who, { itValidatorId: null, bizValidatorId: null })).toEqual(['IT', 'BIZ']);
    }
  });
});

describe('comments', () => {
  it('lets the author edit their comment, and admins moderate any', () => {
    expect(canEditComment(normal, normal.userId)).toBe(true);
    expect(canEditComment(normal, 99)).toBe(false);
    expect(canEditComment(normal, null)).toBe(false);
    expect(canEditComment(pilot, 99)).toBe(false);
    expect(canEditComment(admin, 99)).toBe(true);
    expect(canEditComment(flaggedAdmin, null)).toBe(true);
  });

  it('keeps pilot comments to pilots and admins', () => {
    expect(canEditPilotComment(pilot, pilot.userId)).toBe(true);
    expect(canEditPilotComment(pilot, 99)).toBe(false);
    expect(canEditPilotComment(admin, 99)).toBe(true);
    // A NORMAL user who once was a pilot no longer edits pilot comments, even their own.
    expect(canEditPilotComment(normal, normal.userId)).toBe(false);
  });
});
