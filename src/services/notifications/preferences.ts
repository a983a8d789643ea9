import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { migrationNotificationSettings, migrations, notificationPreferences, users } from '../../db/schema';
import { isAdministrator } from '../../domain/access/permissions';
import { domainError } from '../../domain/errors';
import { recordAudit } from '../audit';
import type { ServiceContext } from '../context';

/**
 * The two switches besides the setting email.enabled: a user's opt-out (for emails to their own
 * address) and an administrator's per-migration switch. No row means on.
 */

export const getPreferencesInput = z.strictObject({}).optional();

export interface NotificationPreferences {
  enabled: boolean;
  /** The address the emails go to. */
  email: string;
}

async function preferencesOf(db: DbOrTx, userId: number, lock = false): Promise<NotificationPreferences> {
  const query = db
    .select({ email: users.email, enabled: notificationPreferences.emailEnabled })
    .from(users)
    .leftJoin(notificationPreferences, eq(notificationPreferences.userId, users.id))
    .where(eq(users.id, userId));
  const [row] = lock ? await query.for('update', { of: users }) : await query;
  if (!row) throw domainError('UNKNOWN_USER', 'Your Confluence account is not registered in UMIG; ask an administrator.');
  return { enabled: row.enabled ?? true, email: row.email };
}

/** The calling user's own preference. */
export async function getPreferences(ctx: ServiceContext): Promise<NotificationPreferences> {
  return preferencesOf(ctx.db, ctx.actor.userId);
}

export const setPreferencesInput = z.strictObject({ enabled: z.boolean() });
export type SetPreferencesInput = z.output<typeof setPreferencesInput>;

/** Opts the calling user out of (or back into) emails to their own address; anyone may, for themselves. */
export async function setPreferences(ctx: ServiceContext, input: SetPreferencesInput): Promise<NotificationPreferences> {
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    // The user row is locked so two requests at once audit the change they really made.
    const before = await preferencesOf(tx, ctx.actor.userId, true);
    if (before.enabled === input.enabled) return before;
    await tx
      .insert(notificationPreferences)
      .values({ userId: ctx.actor.userId, emailEnabled: input.enabled, updatedBy: ctx.actor.code, updatedAt: now })
      .onConflictDoUpdate({ target: notificationPreferences.userId, set: { emailEnabled: input.enabled, updatedBy: ctx.actor.code, updatedAt: now } });
    await recordAudit(tx, ctx.actor, {
      action: 'NOTIFICATION_PREFERENCE_CHANGED',
      entityType: 'users_usr',
      entityId: ctx.actor.userId,
      before: { emailEnabled: before.enabled },
      after: { emailEnabled: input.enabled },
    });
    return { ...before, enabled: input.enabled };
  });
}

export const migrationSwitchInput = z.strictObject({ migrationId: z.uuid() });
export const setMigrationSwitchInput = z.strictObject({ migrationId: z.uuid(), enabled: z.boolean() });
export type MigrationSwitchInput = z.output<typeof migrationSwitchInput>;
export type SetMigrationSwitchInput = z.output<typeof setMigrationSwitchInput>;

export interface MigrationSwitch {
  migrationId: string;
  enabled: boolean;
}

/** Whether a migration's notifications are on; every known user may see it. */
export async function getMigrationSwitch(ctx: ServiceContext, input: MigrationSwitchInput): Promise<MigrationSwitch> {
  const [row] = await ctx.db
    .select({ id: migrations.id, enabled: migrationNotificationSettings.emailEnabled })
    .from(migrations)
    .leftJoin(migrationNotificationSettings, eq(migrationNotificationSettings.migrationId, migrations.id))
    .where(eq(migrations.id, input.migrationId));
  if (!row) throw domainError('NOT_FOUND', 'That migration does not exist.');
  return { migrationId: row.id, enabled: row.enabled ?? true };
}

/**
 * Turns a migration's notification emails off or on. Administrators only: it silences every team
 * of the migration, which is a programme decision, not a pilot's during a run.
 */
export async function setMigrationSwitch(ctx: ServiceContext, input: SetMigrationSwitchInput): Promise<MigrationSwitch> {
  if (!isAdministrator(ctx.actor)) throw domainError('FORBIDDEN', "Only administrators can switch a migration's notification emails on or off.");
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const [migration] = await tx.select({ id: migrations.id }).from(migrations).where(eq(migrations.id, input.migrationId)).for('update');
    if (!migration) throw domainError('NOT_FOUND', 'That migration does not exist.');
    const [current] = await tx
      .select({ enabled: migrationNotificationSettings.emailEnabled })
      .from(migrationNotificationSettings)
      .where(eq(migrationNotificationSettings.migrationId, migration.id));
    const before = current?.enabled ?? true;
    if (before === input.enabled) return { migrationId: migration.id, enabled: before };
    await tx
      .insert(migrationNotificationSettings)
      .values({ migrationId: migration.id, emailEnabled: input.enabled, updatedBy: ctx.actor.code, updatedAt: now })
      .onConflictDoUpdate({ target: migrationNotificationSettings.migrationId, set: { emailEnabled: input.enabled, updatedBy: ctx.actor.code, updatedAt: now } });
    await recordAudit(tx, ctx.actor, {
      action: 'MIGRATION_NOTIFICATIONS_SWITCHED',
      entityType: 'migrations_mig',
      entityId: migration.id,
      before: { emailEnabled: before },
      after: { emailEnabled: input.enabled },
    });
    return { migrationId: migration.id, enabled: input.enabled };
  });
}
