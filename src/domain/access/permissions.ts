/**
 * Who may do what. Services call these before validating anything else, so a refusal is the
 * same whatever the payload held. Reading is open to every known user and has no check here;
 * the service refuses users it cannot map (UNKNOWN_USER) or inactive ones before building an Actor.
 */

export const ROLES = ['ADMIN', 'PILOT', 'NORMAL'] as const;
export type Role = (typeof ROLES)[number];

/** The acting user, resolved on the server from the Forge accountId; never taken from a payload. */
export interface Actor {
  /** `users_usr.usr_id` */
  userId: number;
  /** `users_usr.usr_code`, written to `updated_by` and the audit log. */
  code: string;
  /** `roles_rls.rls_code`; a user without a role is NORMAL. */
  role: Role;
  /** `users_usr.usr_is_admin`: grants ADMIN rights whatever the role. */
  isAdmin: boolean;
  /** The teams the user belongs to (`teams_tms_x_users_usr`). */
  teamIds: readonly number[];
}

/** The teams a step belongs to: its master step's owner and its impacted teams. */
export interface StepTeams {
  ownerTeamId: number | null;
  impactedTeamIds: readonly number[];
}

export type ValidatorSlot = 'IT' | 'BIZ';
export const VALIDATOR_SLOTS: readonly ValidatorSlot[] = ['IT', 'BIZ'];

/** The validators assigned to a control instance; null means the slot is not required. */
export interface ControlValidators {
  itValidatorId: number | null;
  bizValidatorId: number | null;
}

/** `usr_is_admin` is honoured next to the role because the seed carries both and admins predate roles. */
export function isAdministrator(actor: Actor): boolean {
  return actor.role === 'ADMIN' || actor.isAdmin;
}

/** PILOT rights are a subset of ADMIN rights, so every pilot check also admits admins. */
export function isPilotOrAdmin(actor: Actor): boolean {
  return actor.role === 'PILOT' || isAdministrator(actor);
}

/** Statuses, step types, iteration types, teams, users, environments, applications, labels. */
export function canManageReferenceData(actor: Actor): boolean {
  return isAdministrator(actor);
}

/**
 * Master plans (templates), migrations, iterations, instantiating a plan into an iteration and
 * imports: these reshape what every team executes, so they stay with administrators.
 */
export function canManagePlans(actor: Actor): boolean {
  return isAdministrator(actor);
}

/**
 * Pilots run the whole iteration, so they act on any step; a team member acts on steps their
 * team owns or is impacted by, because those are the steps they are accountable for.
 */
export function canExecuteStep(actor: Actor, step: StepTeams): boolean {
  if (isPilotOrAdmin(actor)) return true;
  if (step.ownerTeamId !== null && actor.teamIds.includes(step.ownerTeamId)) return true;
  return step.impactedTeamIds.some((teamId) => actor.teamIds.includes(teamId));
}

/**
 * Instructions follow their step's teams; an instruction assigned to a team of its own
 * (`instructions_master_inm.tms_id`) may also be ticked by that team, who does the work.
 */
export function canToggleInstruction(actor: Actor, step: StepTeams & { instructionTeamId?: number | null }): boolean {
  if (canExecuteStep(actor, step)) return true;
  return step.instructionTeamId != null && actor.teamIds.includes(step.instructionTeamId);
}

/** Overriding a step rule (predecessor, blocked phase) or reopening finished work is a pilot's call. */
export function canOverride(actor: Actor): boolean {
  return isPilotOrAdmin(actor);
}

/** Assigning validators to a control instance, or cancelling (waiving) a control, shapes the gate itself. */
export function canManageControls(actor: Actor): boolean {
  return isPilotOrAdmin(actor);
}

/**
 * The verdict slots the actor may sign. Assigned validators sign their own slot (both, if assigned
 * to both). Pilots and admins may record a verdict on either slot, assigned or not, so an iteration
 * is never stuck on an absent validator; the audit log records who actually signed.
 */
export function canValidateControl(actor: Actor, control: ControlValidators): ValidatorSlot[] {
  if (isPilotOrAdmin(actor)) return [...VALIDATOR_SLOTS];
  const slots: ValidatorSlot[] = [];
  if (control.itValidatorId !== null && control.itValidatorId === actor.userId) slots.push('IT');
  if (control.bizValidatorId !== null && control.bizValidatorId === actor.userId) slots.push('BIZ');
  return slots;
}

/** Every user may comment on any step: comments are how teams coordinate across ownership. */
export function canWriteComment(_actor: Actor): boolean {
  return true;
}

/** A comment speaks for its author, so only they may change it; admins may too, to moderate. */
export function canEditComment(actor: Actor, authorId: number | null): boolean {
  return (authorId !== null && actor.userId === authorId) || isAdministrator(actor);
}

/** Pilot comments annotate the master step for every future iteration, so only pilots write them. */
export function canWritePilotComment(actor: Actor): boolean {
  return isPilotOrAdmin(actor);
}

/** A pilot edits their own pilot comments; admins edit any. */
export function canEditPilotComment(actor: Actor, authorId: number | null): boolean {
  return canWritePilotComment(actor) && canEditComment(actor, authorId);
}
