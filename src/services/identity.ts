import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { roles, teamMembers, users } from '../db/schema';
import type { Actor } from '../domain/access/permissions';
import { domainError } from '../domain/errors';

const NOT_REGISTERED = 'Your Confluence account is not registered in UMIG; ask an administrator.';

/**
 * Maps the Forge principal's accountId to the active UMIG user. The account id comes only from
 * the verified invocation context, never from a payload.
 */
export async function resolveActor(db: DbOrTx, accountId: string | undefined): Promise<Actor> {
  if (!accountId) throw domainError('UNKNOWN_USER', NOT_REGISTERED);
  const [row] = await db
    .select({
      userId: users.id,
      code: users.code,
      isAdmin: users.isAdmin,
      role: roles.code,
      teamIds: sql<number[]>`coalesce((select array_agg(${teamMembers.teamId} order by ${teamMembers.teamId}) from ${teamMembers} where ${teamMembers.userId} = ${users.id}), '{}')`,
    })
    .from(users)
    .leftJoin(roles, eq(roles.id, users.roleId))
    .where(and(eq(users.confluenceUserId, accountId), eq(users.active, true)))
    .limit(1);
  if (!row) throw domainError('UNKNOWN_USER', NOT_REGISTERED);
  const role = row.role === 'ADMIN' || row.role === 'PILOT' ? row.role : 'NORMAL';
  return { userId: row.userId, code: row.code, role, isAdmin: row.isAdmin === true, teamIds: row.teamIds.map(Number) };
}
