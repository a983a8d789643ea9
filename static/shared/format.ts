/** How the apps print what the service sends: status names, times, durations. */

/** IN_PROGRESS -> "In progress". */
export function statusLabel(name: string): string {
  const words = name.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  day: '2-digit',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const fullDateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** "21:05" today, "14 Nov, 21:05" on another day, or an em dash for nothing. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return date.toDateString() === new Date().toDateString() ? timeOnly.format(date) : dateTime.format(date);
}

export function formatFullTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : fullDateTime.format(date);
}

/** 95 -> "1 h 35 min". */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return '—';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** Planned end: start plus duration, when both are known. */
export function plannedEnd(startIso: string | null, durationMinutes: number | null): string | null {
  if (!startIso || durationMinutes === null) return null;
  const start = new Date(startIso).getTime();
  return Number.isNaN(start) ? null : new Date(start + durationMinutes * 60_000).toISOString();
}

export function normalizeColor(color: string | null | undefined): string | undefined {
  const value = color?.trim();
  if (!value) return undefined;
  return /^#[0-9a-f]{6}$/i.test(value) ? value : /^[0-9a-f]{6}$/i.test(value) ? `#${value}` : undefined;
}

/** The sentence for text longer than a field holds, with both lengths (text is refused, never cut). */
export function tooLongMessage(label: string, length: number, max: number): string {
  return `The ${label.toLowerCase()} is ${length.toLocaleString('en')} characters long; keep it to ${max.toLocaleString('en')} or fewer.`;
}
