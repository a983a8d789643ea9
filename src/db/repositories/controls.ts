import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { controlInstances, phaseInstances, users } from '../schema';

/**
 * Control instances as the validation and validator-assignment commands need them.
 * Functions take the database or a transaction first.
 */

export type ControlInstanceRow = typeof controlInstances.$inferSelect;

/** The control, locked for the rest of the transaction (its status is re-derived from its row). */
export async function lockControl(tx: DbOrTx, controlId: string): Promise<ControlInstanceRow | undefined> {
  const [row] = await tx.select().from(controlInstances).where(eq(controlInstances.id, controlId)).for('no key update');
  return row;
}

/** Every control of a phase, locked, in card order; undefined when the phase does not exist. */
export async function lockPhaseControls(tx: DbOrTx, phaseId: string): Promise<ControlInstanceRow[] | undefined> {
  const [phase] = await tx.select({ id: phaseInstances.id }).from(phaseInstances).where(eq(phaseInstances.id, phaseId));
  if (!phase) return undefined;
  return tx
    .select()
    .from(controlInstances)
    .where(eq(controlInstances.phaseId, phaseId))
    .orderBy(asc(controlInstances.order), asc(controlInstances.code), asc(controlInstances.id))
    .for('no key update');
}

/** The ids among `ids` that belong to active users. */
export async function activeUserIds(db: DbOrTx, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.id, [...ids]), eq(users.active, true)));
  return new Set(rows.map((row) => row.id));
}

/** "First Last (CODE)" for naming a person in a sentence; the id when the user is gone. */
export async function personName(db: DbOrTx, userId: number): Promise<string> {
  const [row] = await db.select({ first: users.firstName, last: users.lastName, code: users.code }).from(users).where(eq(users.id, userId));
  if (!row) return `user ${userId}`;
  return `${`${row.first} ${row.last}`.trim()} (${row.code})`;
}
