import type { Db, DbOrTx } from '../db/client';
import type { Actor } from '../domain/access/permissions';

/** What every use case receives: the tenant's database, who is acting, and the clock. */
export interface ServiceContext {
  db: Db;
  actor: Actor;
  now(): Date;
}

export type { Actor, Db, DbOrTx };
