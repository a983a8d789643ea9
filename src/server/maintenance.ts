import type { Tenant } from './tenants';

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
}

/**
 * The hourly job. For now it does one thing, and says so: it releases a migration lock whose
 * holder died, so the next deploy does not wait for the migrator's takeover. New jobs (stale
 * import batches, schedule roll-ups) belong here, each reported in the result.
 */
export async function runHousekeeping(tenant: Tenant): Promise<HousekeepingResult> {
  const database = await tenant.database();
  const { rows } = await database.raw.query<{ id: number }>(
    `UPDATE databasechangeloglock SET locked = false, lockgranted = NULL, lockedby = NULL
      WHERE locked AND lockgranted < now() - interval '15 minutes'
      RETURNING id`,
  );
  return { staleMigrationLocksReleased: rows.length };
}
