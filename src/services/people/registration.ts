import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import {
  activeAdministratorExists,
  emailInUse,
  findUserByAccount,
  insertUser,
  lockUsers,
  roleIdByCode,
  takenUserCodes,
  updateUser,
  type AccountUser,
} from '../../db/repositories/people';
import type { UserRow } from '../../db/schema';
import type { Actor } from '../../domain/access/permissions';
import {
  ADMIN_PAGE_MODULE_KEY,
  AWAITING_APPROVAL_MESSAGE,
  freeUserCode,
  NO_ACCOUNT_MESSAGE,
  NOT_REGISTERED_MESSAGE,
  placeholderEmail,
  profileFromHints,
  readNewcomerAccess,
  type NewcomerAccess,
  type ProfileHints,
} from '../../domain/access/registration';
import { domainError } from '../../domain/errors';
import { recordAudit } from '../audit';
import { getConfig } from '../configuration/settings';
import type { AccountContext } from '../context';

/**
 * People join UMIG without anyone typing account ids: the first call of a Confluence account
 * registers it (self-registration), and on a site without an administrator the person on the
 * administration page may claim the first administrator's rights. See docs/decisions.md
 * ("People") for the threat model.
 */

/** Hints the app read from Confluence (requestConfluence /wiki/rest/api/user/current). */
export const profileHintsInput = z.strictObject({
  displayName: z.string().trim().max(255).optional(),
  email: z.string().trim().max(255).optional(),
});

export const accessInput = z.strictObject({});

export type AccessState = 'ACTIVE' | 'AWAITING_APPROVAL' | 'UNREGISTERED';

/**
 * Whether the caller may claim the first administrator's rights here and now:
 * AVAILABLE, or why not (an administrator exists; this is not the administration page).
 */
export type ClaimState = 'AVAILABLE' | 'ADMINISTRATOR_EXISTS' | 'ADMIN_PAGE_ONLY';

export interface AccountAccess {
  state: AccessState;
  /** A sentence for the person; empty when they are an active user. */
  message: string;
  /** The user's code once registered. */
  code: string | null;
  claim: ClaimState;
}

function requireAccount(ctx: AccountContext): string {
  if (!ctx.accountId) throw domainError('UNKNOWN_USER', NO_ACCOUNT_MESSAGE);
  return ctx.accountId;
}

function stateOf(user: AccountUser | UserRow | undefined): AccessState {
  if (!user) return 'UNREGISTERED';
  return user.active ? 'ACTIVE' : 'AWAITING_APPROVAL';
}

const messageOf = (state: AccessState) => (state === 'ACTIVE' ? '' : state === 'AWAITING_APPROVAL' ? AWAITING_APPROVAL_MESSAGE : NOT_REGISTERED_MESSAGE);

async function claimStateOf(db: DbOrTx, moduleKey: string | undefined): Promise<ClaimState> {
  if (await activeAdministratorExists(db)) return 'ADMINISTRATOR_EXISTS';
  return moduleKey === ADMIN_PAGE_MODULE_KEY ? 'AVAILABLE' : 'ADMIN_PAGE_ONLY';
}

/** Where the caller stands: registered or not, approved or not, and whether they may claim administration. */
export async function accountAccess(ctx: AccountContext, _input: z.output<typeof accessInput>): Promise<AccountAccess> {
  const accountId = requireAccount(ctx);
  const user = await findUserByAccount(ctx.db, accountId);
  const state = stateOf(user);
  return { state, message: messageOf(state), code: user?.code ?? null, claim: await claimStateOf(ctx.db, ctx.moduleKey) };
}

const actorOf = (row: Pick<UserRow, 'id' | 'code'>): Actor => ({ userId: row.id, code: row.code, role: 'NORMAL', isAdmin: false, teamIds: [] });

/**
 * Creates the user of a Confluence account inside the caller's transaction (which holds the users
 * lock). `by` is who signs created_by/updated_by: the person themself, or the administrator who
 * added them. An email already held by another user is not taken over: the newcomer gets a
 * placeholder, so a hint can never make two accounts share an address or link to someone else.
 */
export async function createAccountUser(
  tx: DbOrTx,
  input: { accountId: string; hints: ProfileHints; active: boolean; role: 'ADMIN' | 'PILOT' | 'NORMAL'; isAdmin?: boolean; by?: string; now: Date },
): Promise<UserRow> {
  const profile = profileFromHints(input.accountId, input.hints);
  const email = (await emailInUse(tx, profile.email)) ? placeholderEmail(input.accountId) : profile.email;
  const code = freeUserCode(profile.firstName, profile.lastName, await takenUserCodes(tx));
  if (!code) throw domainError('CONFLICT', 'Every three-character user code is taken; an administrator must free one before anyone else can join.');
  return insertUser(tx, {
    code,
    firstName: profile.firstName,
    lastName: profile.lastName,
    email,
    confluenceUserId: input.accountId,
    roleId: await roleIdByCode(tx, input.role),
    isAdmin: input.isAdmin ?? false,
    active: input.active,
    createdBy: input.by ?? code,
    updatedBy: input.by ?? code,
    createdAt: input.now,
    updatedAt: input.now,
  });
}

export interface Registration {
  state: AccessState;
  message: string;
  code: string;
  /** True when this call created the user. */
  registered: boolean;
}

/**
 * Registers the calling Confluence account, with the newcomer access an administrator chose.
 * The account id is the token's; the payload only carries profile hints. An account that is
 * already registered is left exactly as it is (hints never rename anyone).
 */
export async function registerSelf(ctx: AccountContext, hints: z.output<typeof profileHintsInput>): Promise<Registration> {
  const accountId = requireAccount(ctx);
  return ctx.db.transaction(async (tx) => {
    await lockUsers(tx);
    const existing = await findUserByAccount(tx, accountId);
    if (existing) {
      const state = stateOf(existing);
      return { state, message: messageOf(state), code: existing.code, registered: false };
    }
    const access: NewcomerAccess = readNewcomerAccess(await getConfig(tx, null, 'people.newcomerAccess'));
    const row = await createAccountUser(tx, { accountId, hints, active: access === 'NORMAL', role: 'NORMAL', now: ctx.now() });
    await recordAudit(tx, actorOf(row), {
      action: 'USER_SELF_REGISTERED',
      entityType: 'user',
      entityId: row.id,
      after: { code: row.code, firstName: row.firstName, lastName: row.lastName, active: row.active, role: 'NORMAL' },
      extra: { newcomerAccess: access },
    });
    const state = stateOf(row);
    return { state, message: messageOf(state), code: row.code, registered: true };
  });
}

export interface ClaimResult {
  code: string;
  name: string;
}

/**
 * The one-time claim: the caller becomes UMIG's first administrator. Allowed only while no active
 * user holds administrator rights, and only from the administration page (the token's module is
 * the confluence:globalSettings module, which Confluence shows to site administrators only). Under
 * the users lock, so two people claiming at once get one administrator and one CONFLICT.
 */
export async function claimAdministration(ctx: AccountContext, hints: z.output<typeof profileHintsInput>): Promise<ClaimResult> {
  const accountId = requireAccount(ctx);
  if (ctx.moduleKey !== ADMIN_PAGE_MODULE_KEY) {
    throw domainError(
      'FORBIDDEN',
      'The first UMIG administrator can only be claimed on the UMIG administration page (Confluence settings > Apps), which Confluence shows to site administrators only.',
    );
  }
  return ctx.db.transaction(async (tx) => {
    await lockUsers(tx);
    if (await activeAdministratorExists(tx)) {
      throw domainError('CONFLICT', 'UMIG already has an administrator, so this one-time claim is closed. Ask a UMIG administrator for administrator rights.');
    }
    const now = ctx.now();
    const existing = await findUserByAccount(tx, accountId);
    const adminRole = await roleIdByCode(tx, 'ADMIN');
    const row = existing
      ? await updateUser(tx, existing.id, { isAdmin: true, roleId: adminRole, active: true, updatedBy: existing.code, updatedAt: now })
      : await createAccountUser(tx, { accountId, hints, active: true, role: 'ADMIN', isAdmin: true, now });
    await recordAudit(tx, actorOf(row), {
      action: 'ADMINISTRATION_CLAIMED',
      entityType: 'user',
      entityId: row.id,
      before: existing ? { active: existing.active, isAdmin: existing.isAdmin === true, role: existing.roleCode ?? 'NORMAL' } : null,
      after: { active: true, isAdmin: true, role: 'ADMIN' },
      extra: { moduleKey: ctx.moduleKey },
    });
    return { code: row.code, name: `${row.firstName} ${row.lastName}` };
  });
}
