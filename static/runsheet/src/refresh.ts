/**
 * How often the runsheet asks for changed rows until the service says otherwise ('session/me'
 * `refreshSeconds`, the setting runsheet.refreshIntervalSeconds), or when it cannot be asked: one
 * 'runsheet/changesSince' call per interval is 5 calls per 25 s, far inside the bridge's 500 calls
 * per 25 s per page, with room for everything the user does.
 */
export const DEFAULT_REFRESH_MS = 5_000;
/** After a failed refresh the interval doubles up to this, so an outage is not hammered. */
export const MAX_REFRESH_MS = 60_000;
/** Bounds on the configured interval, so a typo in the setting neither floods nor freezes the page. */
const MIN_REFRESH_MS = 1_000;

/** The interval for `refreshSeconds` from 'session/me'; DEFAULT_REFRESH_MS when it is missing or not a positive number. */
export function refreshMsOf(seconds: number | null | undefined): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return DEFAULT_REFRESH_MS;
  return Math.min(Math.max(Math.round(seconds * 1_000), MIN_REFRESH_MS), MAX_REFRESH_MS);
}
