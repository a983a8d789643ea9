import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { roles, teamMembers, users } from '../db/schema';
import type { Actor } from '../domain/access/permissions';
import { AWAITING_APPROVAL_MESSAGE, NO_ACCOUNT_MESSAGE, NOT_REGISTERED_MESSAGE } from '../domain/access/registration';
import { domainError } from '../domain/errors';

/**
 * Maps the Forge principal's accountId to the active UMIG user. The account id comes only from
 * the verified invocation context, never from a payload. A refusal says why in `details.access`:
 * UNREGISTERED (the apps then register the account, 'session/register') or AWAITING_APPROVAL
 * (registered but not active: a newcomer waiting for approval, or a deactivated user).
 */
export async function resolveActor(db: DbOrTx, accountId: string | undefined): Promise<Actor> {
  if (!accountId) throw domainError('UNKNOWN_USER', NO_ACCOUNT_MESSAGE);
  const [row] = await db
    .select({
      userId: users.id,
      code: users.code,
      active: users.active,
      isAdmin: users.isAdmin,
      role: roles.code,
      teamIds: sql<number[]>`coalesce((select array_agg(${teamMembers.teamId} order by ${teamMembers.teamId}) from ${teamMembers} where ${teamMembers.userId} = ${users.id}), '{}')`,
    })
    .from(users)
    .leftJoin(roles, eq(roles.id, users.roleId))
    .where(eq(users.confluenceUserId, accountId))
    .limit(1);
  if (!row) throw domainError('UNKNOWN_USER', NOT_REGISTERED_MESSAGE, { access: 'UNREGISTERED' });
  if (!row.active) throw domainError('UNKNOWN_USER', AWAITING_APPROVAL_MESSAGE, { access: 'AWAITING_APPROVAL' });
  const role = row.role === 'ADMIN' || row.role === 'PILOT' ? row.role : 'NORMAL';
  return { userId: row.userId, code: row.code, role, isAdmin: row.isAdmin === true, teamIds: row.teamIds.map(Number) };
}
