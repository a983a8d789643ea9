import { z } from 'zod';
import { addTeamMember, findUserByAccount, lockUsers, teamExists } from '../../db/repositories/people';
import { canManageReferenceData, ROLES } from '../../domain/access/permissions';
import { domainError } from '../../domain/errors';
import { recordAudit } from '../audit';
import type { ServiceContext } from '../context';
import { createAccountUser } from './registration';

/**
 * An administrator adds a person picked in the Confluence user picker (search by name): the
 * account id is the one Confluence returned for the picked person, the name and email are what
 * Confluence showed. Someone already in UMIG is not changed, only added to the team.
 */
export const addFromConfluenceInput = z.strictObject({
  accountId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9:_-]{1,128}$/, 'A Confluence account id is letters, digits, ":", "_" and "-" (pick the person in the user picker).'),
  displayName: z.string().trim().min(1, 'The person has no name: pick them in the user picker.').max(255),
  email: z.string().trim().max(255).optional(),
  roleCode: z.enum(ROLES).default('NORMAL'),
  teamId: z.number().int().positive().optional(),
});

export interface AddedPerson {
  userId: number;
  code: string;
  name: string;
  /** False when the account already had a UMIG user. */
  created: boolean;
  active: boolean;
  /** True when this call added the team membership. */
  joinedTeam: boolean;
}

export async function addFromConfluence(ctx: ServiceContext, input: z.output<typeof addFromConfluenceInput>): Promise<AddedPerson> {
  if (!canManageReferenceData(ctx.actor)) throw domainError('FORBIDDEN', 'Only UMIG administrators can add people.');
  return ctx.db.transaction(async (tx) => {
    if (input.teamId !== undefined && !(await teamExists(tx, input.teamId))) {
      throw domainError('NOT_FOUND', 'That team does not exist any more; reload the page.');
    }
    await lockUsers(tx);
    const now = ctx.now();
    const existing = await findUserByAccount(tx, input.accountId);
    const user = existing
      ? { id: existing.id, code: existing.code, firstName: existing.firstName, lastName: existing.lastName, active: existing.active }
      : await createAccountUser(tx, {
          accountId: input.accountId,
          hints: { displayName: input.displayName, email: input.email },
          active: true,
          role: input.roleCode,
          by: ctx.actor.code,
          now,
        });
    if (!existing) {
      await recordAudit(tx, ctx.actor, {
        action: 'USER_ADDED_FROM_CONFLUENCE',
        entityType: 'user',
        entityId: user.id,
        after: { code: user.code, firstName: user.firstName, lastName: user.lastName, role: input.roleCode, active: true },
      });
    }
    let joinedTeam = false;
    if (input.teamId !== undefined) {
      joinedTeam = await addTeamMember(tx, { teamId: input.teamId, userId: user.id, by: ctx.actor.code, now });
      if (joinedTeam) {
        await recordAudit(tx, ctx.actor, { action: 'ADMIN_TEAM_MEMBER_ADDED', entityType: 'team_member', entityId: `${input.teamId}:${user.id}`, after: { teamId: input.teamId, userId: user.id } });
      }
    }
    return { userId: user.id, code: user.code, name: `${user.firstName} ${user.lastName}`, created: !existing, active: user.active, joinedTeam };
  });
}
