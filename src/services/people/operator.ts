import type { Db } from '../../db/client';
import { findUserByAccount, listAdministrators, lockUsers, recordOperatorAudit, roleIdByCode, updateUser } from '../../db/repositories/people';
import { domainError } from '../../domain/errors';
import { createAccountUser } from './registration';

/**
 * The operator's way to make a UMIG administrator (`npm run admin -- grant <accountId>`): whoever
 * can run commands on the service host, with its database credentials, is trusted already. Works
 * whether or not an administrator exists, so it also recovers a site whose administrators left.
 */

export const OPERATOR = 'operator';
const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;

export interface GrantResult {
  code: string;
  name: string;
  /** True when the account had no UMIG user and one was created. */
  created: boolean;
  /** False when the user already held administrator rights (nothing changed). */
  changed: boolean;
}

export async function grantAdministrator(db: Db, input: { accountId: string; displayName?: string; email?: string; now?: Date }): Promise<GrantResult> {
  const accountId = input.accountId.trim();
  if (!ACCOUNT_ID.test(accountId)) {
    throw domainError('VALIDATION', `"${input.accountId}" is not a Confluence account id (letters, digits, ":", "_" and "-", e.g. 557058:f1a2…).`);
  }
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    await lockUsers(tx);
    const existing = await findUserByAccount(tx, accountId);
    const adminRole = await roleIdByCode(tx, 'ADMIN');
    if (existing && existing.active && existing.isAdmin === true && existing.roleId === adminRole) {
      return { code: existing.code, name: `${existing.firstName} ${existing.lastName}`, created: false, changed: false };
    }
    const row = existing
      ? await updateUser(tx, existing.id, { isAdmin: true, roleId: adminRole, active: true, updatedBy: OPERATOR, updatedAt: now })
      : await createAccountUser(tx, { accountId, hints: { displayName: input.displayName, email: input.email }, active: true, role: 'ADMIN', isAdmin: true, by: OPERATOR, now });
    await recordOperatorAudit(tx, {
      action: 'ADMINISTRATOR_GRANTED_BY_OPERATOR',
      entityType: 'user',
      entityId: row.id,
      by: OPERATOR,
      before: existing ? { active: existing.active, isAdmin: existing.isAdmin === true, role: existing.roleCode ?? 'NORMAL' } : null,
      after: { active: true, isAdmin: true, role: 'ADMIN' },
    });
    return { code: row.code, name: `${row.firstName} ${row.lastName}`, created: !existing, changed: true };
  });
}

export async function administrators(db: Db): Promise<Array<{ code: string; name: string; accountId: string | null; active: boolean }>> {
  const rows = await listAdministrators(db);
  return rows.map((row) => ({ code: row.code, name: `${row.firstName} ${row.lastName}`, accountId: row.confluenceUserId, active: row.active }));
}
