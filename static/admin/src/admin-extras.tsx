import Lozenge, { type ThemeAppearance } from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import type { CSSProperties } from 'react';

/** Small pieces the Imports and Email outbox sections share. */

export const extraStyles = {
  heading: {
    margin: `0 0 ${token('space.100', '0.5rem')}`,
    font: token('font.heading.small', 'normal 653 1rem/1.25rem ui-sans-serif, -apple-system, "Segoe UI", sans-serif'),
    color: token('color.text', '#292A2E'),
  },
  subheading: {
    margin: `${token('space.300', '1.5rem')} 0 ${token('space.100', '0.5rem')}`,
    font: token('font.heading.xsmall', 'normal 653 0.875rem/1.25rem ui-sans-serif, -apple-system, "Segoe UI", sans-serif'),
    color: token('color.text', '#292A2E'),
  },
  intro: {
    margin: `0 0 ${token('space.200', '1rem')}`,
    color: token('color.text.subtle', '#505258'),
  },
  field: { display: 'grid', gap: token('space.050', '0.25rem'), marginBottom: token('space.150', '0.75rem'), maxWidth: '28rem' },
  label: { fontWeight: 600, color: token('color.text.subtle', '#505258') },
  panel: {
    padding: token('space.200', '1rem'),
    borderRadius: token('radius.medium', '0.375rem'),
    border: `1px solid ${token('color.border', '#0B120E24')}`,
    backgroundColor: token('elevation.surface.raised', '#FFFFFF'),
    marginTop: token('space.200', '1rem'),
  },
  subtle: { color: token('color.text.subtle', '#505258') },
} satisfies Record<string, CSSProperties>;

export const menuPortal = { menuPortal: (base: CSSProperties) => ({ ...base, zIndex: 1000 }) };

const APPEARANCES: Record<string, ThemeAppearance> = {
  VALIDATED: 'inprogress',
  PROMOTING: 'inprogress',
  SENDING: 'inprogress',
  PENDING: 'new',
  UPLOADED: 'new',
  STAGED: 'new',
  PROMOTED: 'success',
  SENT: 'success',
  INVALID: 'removed',
  FAILED: 'removed',
  ROLLED_BACK: 'moved',
};

/** A batch or email status as a lozenge; the text is the service's status, as it is. */
export function StatusText({ status, testId }: { status: string; testId?: string }) {
  return (
    <span data-testid={testId} data-status={status}>
      <Lozenge appearance={APPEARANCES[status] ?? 'default'}>{status}</Lozenge>
    </span>
  );
}

/** Dates cross the bridge as ISO strings even where the backend types them as Date. */
export function timeText(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

/** Saves text as a file through a Blob and a temporary link. */
export function downloadText(fileName: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
