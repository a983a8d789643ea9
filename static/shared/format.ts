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

/**
 * A text color readable on a background given as #RRGGBB (the status colors of status_sts), by
 * WCAG relative luminance; undefined when the color cannot be read.
 */
export function readableTextOn(background: string | null | undefined): string | undefined {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(background?.trim() ?? '');
  if (!match) return undefined;
  const channel = (hex: string) => {
    const value = parseInt(hex, 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(match[1]!) + 0.7152 * channel(match[2]!) + 0.0722 * channel(match[3]!);
  // Contrast against white (1.05 / (L + 0.05)) vs against near-black (#172B4D, L ~ 0.024).
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.074 ? '#FFFFFF' : '#172B4D';
}

export function normalizeColor(color: string | null | undefined): string | undefined {
  const value = color?.trim();
  if (!value) return undefined;
  return /^#[0-9a-f]{6}$/i.test(value) ? value : /^[0-9a-f]{6}$/i.test(value) ? `#${value}` : undefined;
}
