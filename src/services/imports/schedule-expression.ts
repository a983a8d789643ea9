/**
 * The schedule expressions an import schedule understands (times are UTC):
 *   "once 2026-12-05T22:00Z"   one run at that instant (any ISO 8601 timestamp with a zone)
 *   "every 15 minutes"         "every 2 hours", "every minute", "every hour"
 *   "hourly"                   at minute 0 of every hour
 *   "daily 02:30"              every day at 02:30
 * Deliberately few and readable: no cron syntax to get wrong.
 */

export type ScheduleExpression =
  | { kind: 'once'; at: Date }
  | { kind: 'every'; minutes: number }
  | { kind: 'hourly' }
  | { kind: 'daily'; hour: number; minute: number };

const MINUTE = 60_000;
const MAX_INTERVAL_MINUTES = 7 * 24 * 60;

export function parseScheduleExpression(text: string): ScheduleExpression | null {
  const value = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const once = /^once (.+)$/.exec(value);
  if (once) {
    const iso = text.trim().replace(/^once\s+/i, '');
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(iso)) return null;
    const at = new Date(iso);
    return Number.isNaN(at.getTime()) ? null : { kind: 'once', at };
  }
  if (value === 'hourly') return { kind: 'hourly' };
  if (value === 'every minute') return { kind: 'every', minutes: 1 };
  if (value === 'every hour') return { kind: 'every', minutes: 60 };
  const every = /^every (\d{1,5}) (minute|minutes|hour|hours)$/.exec(value);
  if (every) {
    const minutes = Number(every[1]) * (every[2]!.startsWith('hour') ? 60 : 1);
    return minutes >= 1 && minutes <= MAX_INTERVAL_MINUTES ? { kind: 'every', minutes } : null;
  }
  const daily = /^daily (\d{1,2}):(\d{2})$/.exec(value);
  if (daily) {
    const hour = Number(daily[1]);
    const minute = Number(daily[2]);
    return hour < 24 && minute < 60 ? { kind: 'daily', hour, minute } : null;
  }
  return null;
}

export function isRecurring(expression: ScheduleExpression): boolean {
  return expression.kind !== 'once';
}

/**
 * The first run of a new (or resumed) schedule: a one-off runs at its instant, an interval one
 * interval from now, the others at their next slot.
 */
export function firstExecution(expression: ScheduleExpression, now: Date): Date {
  if (expression.kind === 'once') return expression.at;
  if (expression.kind === 'every') return new Date(now.getTime() + expression.minutes * MINUTE);
  return nextSlot(expression, now);
}

/**
 * The run after the one planned for `planned`, skipping slots that already passed by `now` (a
 * schedule that could not run for a day runs once, not 96 times). Null for a one-off.
 */
export function nextExecution(expression: ScheduleExpression, planned: Date, now: Date): Date | null {
  if (expression.kind === 'once') return null;
  if (expression.kind === 'every') {
    const step = expression.minutes * MINUTE;
    const missed = Math.max(0, Math.floor((now.getTime() - planned.getTime()) / step));
    return new Date(planned.getTime() + (missed + 1) * step);
  }
  return nextSlot(expression, now);
}

function nextSlot(expression: { kind: 'hourly' } | { kind: 'daily'; hour: number; minute: number }, after: Date): Date {
  const next = new Date(after.getTime());
  next.setUTCSeconds(0, 0);
  if (expression.kind === 'hourly') {
    next.setUTCMinutes(0);
    next.setUTCHours(next.getUTCHours() + 1);
    return next;
  }
  next.setUTCHours(expression.hour, expression.minute);
  if (next.getTime() <= after.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}
