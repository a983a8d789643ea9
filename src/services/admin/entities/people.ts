import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx, Tx } from '../../../db/client';
import { roles, teams, users } from '../../../db/schema';
import { isAdministrator, ROLES, type Role } from '../../../domain/access/permissions';
import { domainError } from '../../../domain/errors';
import { byUpdatedAt } from '../concurrency';
import { defineEntity, plain } from '../crud';
import { clearable, emailOf, lengthOf, nameOf, serialId, textOf } from '../fields';

const teamFields = z.strictObject({
  name: nameOf(teams.name),
  email: clearable(emailOf(teams.email)),
  description: clearable(textOf(teams.description)),
});

/** Team names are unique (the seed does not say so): teams are picked by name everywhere. */
export const teamEntity = defineEntity({
  key: 'teams',
  entityType: 'team',
  label: { singular: 'team', plural: 'teams' },
  table: teams,
  id: { prop: 'id', schema: serialId },
  manage: 'referenceData',
  create: teamFields,
  update: teamFields.partial(),
  orderBy: [asc(teams.name)],
  concurrency: byUpdatedAt(teams),
  extraUniqueKeys: [['name']],
  nameOf: (row) => row.name,
  toView: (row) => plain(row),
});

const userFields = z.strictObject({
  code: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{3}$/, 'A user code is exactly three letters or digits, e.g. JDO.'),
  firstName: nameOf(users.firstName),
  lastName: nameOf(users.lastName),
  email: emailOf(users.email),
  roleCode: z.enum(ROLES).optional(),
  isAdmin: z.boolean().optional(),
  active: z.boolean().optional(),
  confluenceUserId: clearable(z.string().trim().min(1).max(lengthOf(users.confluenceUserId))),
});

async function roleIds(db: DbOrTx): Promise<Map<number, Role>> {
  const rows = await db.select({ id: roles.id, code: roles.code }).from(roles);
  return new Map(rows.map((row) => [row.id, (ROLES as readonly (string | null)[]).includes(row.code) ? (row.code as Role) : 'NORMAL']));
}

async function roleIdOf(tx: Tx, code: Role): Promise<number> {
  const [role] = await tx.select({ id: roles.id }).from(roles).where(eq(roles.code, code));
  if (!role) throw domainError('NOT_FOUND', `Role "${code}" does not exist.`);
  return role.id;
}

/**
 * Users carry their role as a code (ADMIN, PILOT, NORMAL) rather than a roles_rls id. The code is
 * the trigram written to every updated_by and audit row, so it cannot change once created. Emails
 * and Confluence account ids are shown to administrators only.
 */
export const userEntity = defineEntity({
  key: 'users',
  entityType: 'user',
  label: { singular: 'user', plural: 'users' },
  table: users,
  id: { prop: 'id', schema: serialId },
  manage: 'referenceData',
  create: userFields,
  update: userFields.omit({ code: true }).partial(),
  orderBy: [asc(users.lastName), asc(users.firstName), asc(users.code)],
  concurrency: byUpdatedAt(users),
  extraUniqueKeys: [['confluenceUserId']],
  uniqueMessage: (key, next) =>
    key[0] === 'confluenceUserId' ? `Another user is already linked to Confluence account "${next.confluenceUserId}".` : undefined,
  deleteHint: 'To keep their history, deactivate the user instead.',
  nameOf: (row) => `${row.firstName} ${row.lastName} (${row.code})`,
  async prepare(fields, { tx, previous }) {
    const { roleCode, ...values } = fields as { roleCode?: Role } & Record<string, unknown>;
    if (roleCode !== undefined) values.roleId = await roleIdOf(tx, roleCode);
    else if (!previous) values.roleId = await roleIdOf(tx, 'NORMAL');
    return values;
  },
  async check(next, { tx, actor, previous }) {
    if (!previous || previous.id !== actor.userId) return;
    // An administrator locking themselves out would leave nobody to undo it.
    if (next.active === false) throw domainError('CONFLICT', 'You cannot deactivate your own account; ask another administrator.');
    const role = next.roleId == null ? 'NORMAL' : ((await roleIds(tx)).get(next.roleId) ?? 'NORMAL');
    if (role !== 'ADMIN' && next.isAdmin !== true) {
      throw domainError('CONFLICT', 'You cannot remove your own administrator rights; ask another administrator.');
    }
  },
  guardDelete(row, { actor }) {
    if (row.id === actor.userId) throw domainError('CONFLICT', 'You cannot delete your own account; ask another administrator.');
  },
  loadExtras: (db) => roleIds(db),
  toView(row, { viewer, extras }) {
    const seesContact = isAdministrator(viewer);
    return {
      ...plain(row),
      roleCode: (row.roleId == null ? undefined : extras.get(row.roleId)) ?? 'NORMAL',
      email: seesContact ? row.email : null,
      confluenceUserId: seesContact ? row.confluenceUserId : null,
    };
  },
});
