/**
 * The only code that runs inside Forge's own runtime: the handlers manifest.yml names for the
 * lifecycle trigger and the scheduled trigger. They forward to the UMIG service and decide nothing;
 * the service owns every rule (decisions.md: the resolvers run in the service, not in Forge).
 *
 * A function rather than a trigger pointed straight at a remote endpoint: Forge gives an endpoint
 * trigger 5 seconds, too little for the first migration of a site's database on install.
 */
import { invokeRemote } from '@forge/api';

/** The remote's key in manifest.yml. */
export const UMIG_REMOTE = 'umig-service';
/** Routes on the UMIG service that receive the forwarded events (POST, JSON). */
export const LIFECYCLE_PATH = '/forge/lifecycle';
export const HOUSEKEEPING_PATH = '/forge/housekeeping';

/** The payload Forge sends with avi:forge:installed:app and avi:forge:upgraded:app. */
export interface LifecycleEvent {
  eventType?: string;
  /** The installation id. */
  id?: string;
  installerAccountId?: string;
  app?: { id: string; version: string };
  environment?: { id: string };
  [field: string]: unknown;
}

/** What Forge passes to a scheduled trigger's function. */
export interface ScheduledTriggerRequest {
  context: { cloudId: string; moduleKey: string };
  contextToken?: string;
}

/** The response shape Forge expects back from a scheduled trigger's function. */
export interface ScheduledTriggerResponse {
  statusCode: number;
  headers: Record<string, string[]>;
  body: string;
}

async function forward(path: string, body: unknown): Promise<void> {
  const response = await invokeRemote(UMIG_REMOTE, {
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    // Thrown so that Forge logs the failure against the invocation; the service makes both
    // routes idempotent, so the next upgrade or the next hour repairs a missed call.
    throw new Error(`The UMIG service answered ${response.status} ${response.statusText} to POST ${path}.`);
  }
}

/** Install and upgrade: the service creates or migrates the site's data. */
export async function onLifecycleEvent(event: LifecycleEvent): Promise<void> {
  await forward(LIFECYCLE_PATH, { event });
}

/** Hourly: the service's housekeeping (stale migration lock, due import schedules, due emails; src/server/maintenance.ts). */
export async function onHousekeeping(request: ScheduledTriggerRequest): Promise<ScheduledTriggerResponse> {
  await forward(HOUSEKEEPING_PATH, { moduleKey: request.context.moduleKey });
  return { statusCode: 204, headers: {}, body: '' };
}
