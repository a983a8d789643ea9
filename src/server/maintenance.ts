import type { Tenant } from './tenants';
import { runDueSchedules } from '../services/imports/schedules';
import type { DeliveryReport } from '../services/notifications/outbox';
import type { EmailTransportCredentials } from '../services/notifications/transports';
import { deliverDueEmails } from '../services/notifications/worker';

/**
 * What the two Forge functions forward (src/forge/index.ts): the install/upgrade event and the
 * hourly trigger. Both are idempotent, because Forge retries them and every instance may get them.
 */

/** Forge's lifecycle event names worth recording; anything else is logged as "other". */
const LIFECYCLE_EVENT = /^avi:forge:[a-z]+:app$/;

export function lifecycleEventType(body: unknown): string {
  const event = (body as { event?: { eventType?: unknown } } | null)?.event;
  const type = event?.eventType;
  return typeof type === 'string' && LIFECYCLE_EVENT.test(type) ? type : 'other';
}

export interface LifecycleResult {
  event: string;
  /** 'migrated' when this call applied migrations; 'current' when nothing was pending. */
  schema: 'current' | 'migrated';
  applied: string[];
}

/**
 * Install or upgrade: the site's database must hold the current schema. With --migrate the
 * pending migrations are applied (under the migration lock, so instances do not race); without
 * it the schema is only verified, and an out-of-date one is refused (TenantUnavailableError).
 */
export async function runLifecycle(tenant: Tenant, event: string): Promise<LifecycleResult> {
  const wasOpen = tenant.isOpen();
  const database = await tenant.database();
  // Opening checks (or migrates) the schema already; a tenant that was open is checked again.
  const applied = wasOpen ? await tenant.ensureSchema(database) : tenant.takeAppliedAtOpen();
  return { event, schema: applied.length > 0 ? 'migrated' : 'current', applied };
}

export interface HousekeepingResult {
  /** Migration locks left by a runner that died (held longer than the migrator's 15-minute takeover). */
  staleMigrationLocksReleased: number;
  /** Scheduled imports that were due and ran (each also recorded in stg_schedule_execution_history_seh). */
  scheduledImports: Array<{ name: string; status: string }>;
  /** One round of email delivery from the outbox (the service's own timer delivers in between). */
  emails: DeliveryReport;
}

/**
 * The scheduled job (Forge's scheduled trigger, and `npm start`'s timer): releases a migration
 * lock whose holder died, runs the import schedules that are due, and delivers due emails. Each
 * job is idempotent and claims its rows, so several instances running it at once is harmless.
 */
export async function runHousekeeping(tenant: Tenant, credentials: EmailTransportCredentials = {}): Promise<HousekeepingResult> {
  const database = await tenant.database();
  const { rows } = await database.raw.query<{ id: number }>(
    `UPDATE databasechangeloglock SET locked = false, lockgranted = NULL, lockedby = NULL
      WHERE locked AND lockgranted < now() - interval '15 minutes'
      RETURNING id`,
  );
  const runs = await runDueSchedules(database.db, new Date());
  const emails = await deliverDueEmails(database.db, { credentials });
  return {
    staleMigrationLocksReleased: rows.length,
    scheduledImports: runs.map((run) => ({ name: run.name, status: run.status })),
    emails,
  };
}
