import { and, eq, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { auditLog, roles, teamMembers, teams, users, type NewUserRow, type UserRow } from '../schema';

/**
 * Users as self-registration, the first-administrator claim and the operator command see them.
 * Functions take the database or a transaction first; rows are typed from the table definitions.
 */

export type AccountUser = Pick<UserRow, 'id' | 'code' | 'firstName' | 'lastName' | 'email' | 'active' | 'isAdmin' | 'roleId' | 'confluenceUserId'> & {
  roleCode: string | null;
};

const accountUserColumns = {
  id: users.id,
  code: users.code,
  firstName: users.firstName,
  lastName: users.lastName,
  email: users.email,
  active: users.active,
  isAdmin: users.isAdmin,
  roleId: users.roleId,
  confluenceUserId: users.confluenceUserId,
  roleCode: roles.code,
};

/** The user linked to a Confluence account, active or not. */
export async function findUserByAccount(db: DbOrTx, accountId: string): Promise<AccountUser | undefined> {
  const [row] = await db.select(accountUserColumns).from(users).leftJoin(roles, eq(roles.id, users.roleId)).where(eq(users.confluenceUserId, accountId)).limit(1);
  return row;
}

/** Whether any active user holds administrator rights (the ADMIN role or the admin flag). */
export async function activeAdministratorExists(db: DbOrTx): Promise<boolean> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .leftJoin(roles, eq(roles.id, users.roleId))
    .where(and(eq(users.active, true), or(eq(users.isAdmin, true), eq(roles.code, 'ADMIN'))))
    .limit(1);
  return row !== undefined;
}

/**
 * Serialises every write to users_usr that must see the others' codes and emails: the same lock
 * the admin screens take (src/services/admin/crud.ts), so a registration and an administrator's
 * create never pick the same code.
 */
export async function lockUsers(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'umig.admin.users_usr'}))`);
}

export async function takenUserCodes(db: DbOrTx): Promise<Set<string>> {
  const rows = await db.select({ code: users.code }).from(users);
  return new Set(rows.map((row) => row.code));
}

export async function emailInUse(db: DbOrTx, email: string): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = lower(${email})`).limit(1);
  return row !== undefined;
}

export async function roleIdByCode(db: DbOrTx, code: 'ADMIN' | 'PILOT' | 'NORMAL'): Promise<number> {
  const [row] = await db.select({ id: roles.id }).from(roles).where(eq(roles.code, code)).limit(1);
  if (!row) throw new Error(`roles_rls has no ${code} row; the reference data migration did not run.`);
  return row.id;
}

export async function insertUser(tx: DbOrTx, values: NewUserRow): Promise<UserRow> {
  const [row] = await tx.insert(users).values(values).returning();
  return row!;
}

export async function updateUser(tx: DbOrTx, id: number, values: Partial<NewUserRow>): Promise<UserRow> {
  const [row] = await tx.update(users).set(values).where(eq(users.id, id)).returning();
  return row!;
}

/**
 * An audit row for a change no signed-in user made (the operator command on the service host);
 * `details.by` names who did it instead.
 */
export async function recordOperatorAudit(
  tx: DbOrTx,
  entry: { action: string; entityType: string; entityId: string | number; by: string; before?: unknown; after?: unknown },
): Promise<void> {
  await tx.insert(auditLog).values({
    userId: null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: String(entry.entityId),
    details: { by: entry.by, before: entry.before ?? null, after: entry.after ?? null },
  });
}

/** Users holding administrator rights, for the operator command's list. */
export async function listAdministrators(db: DbOrTx): Promise<AccountUser[]> {
  return db
    .select(accountUserColumns)
    .from(users)
    .leftJoin(roles, eq(roles.id, users.roleId))
    .where(or(eq(users.isAdmin, true), eq(roles.code, 'ADMIN')))
    .orderBy(users.code);
}

export async function teamExists(db: DbOrTx, teamId: number): Promise<boolean> {
  const [row] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId)).limit(1);
  return row !== undefined;
}

/** Adds a team membership; false when the user already was a member. */
export async function addTeamMember(tx: DbOrTx, input: { teamId: number; userId: number; by: string; now: Date }): Promise<boolean> {
  const rows = await tx
    .insert(teamMembers)
    .values({ teamId: input.teamId, userId: input.userId, createdBy: input.by, createdAt: input.now })
    .onConflictDoNothing()
    .returning({ id: teamMembers.id });
  return rows.length > 0;
}
