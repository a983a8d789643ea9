import type { Db, DbOrTx } from '../db/client';
import type { Actor } from '../domain/access/permissions';

/** What every use case receives: the tenant's database, who is acting, and the clock. */
export interface ServiceContext {
  db: Db;
  actor: Actor;
  now(): Date;
}

export type { Actor, Db, DbOrTx };

/**
 * What the few calls made before the caller is a UMIG user receive (self-registration, the
 * first-administrator claim): the verified Confluence account and the module the call came from,
 * both read from the Forge Invocation Token, never from the payload.
 */
export interface AccountContext {
  db: Db;
  accountId: string | undefined;
  /** The Forge module key the token was issued for (e.g. 'umig-admin', 'umig-runsheet'). */
  moduleKey: string | undefined;
  now(): Date;
}
