import { token } from '@atlaskit/tokens';
import type { CSSProperties } from 'react';

/**
 * Design tokens follow Confluence's light or dark theme once view.theme.enable() has run; the
 * fallbacks are the light-theme values, for a frame that has no theme yet.
 */
export const styles = {
  frame: {
    padding: token('space.200', '1rem'),
    color: token('color.text', '#292A2E'),
  },
  heading: {
    margin: `0 0 ${token('space.150', '0.75rem')}`,
    font: token(
      'font.heading.medium',
      'normal 653 1.25rem/1.5rem ui-sans-serif, -apple-system, BlinkMacSystemFont, "Segoe UI", Ubuntu, "Helvetica Neue", sans-serif',
    ),
    color: token('color.text', '#292A2E'),
  },
  subheading: {
    margin: `0 0 ${token('space.100', '0.5rem')}`,
    font: token(
      'font.heading.small',
      'normal 653 1rem/1.25rem ui-sans-serif, -apple-system, BlinkMacSystemFont, "Segoe UI", Ubuntu, "Helvetica Neue", sans-serif',
    ),
    color: token('color.text', '#292A2E'),
  },
  paragraph: {
    margin: `0 0 ${token('space.100', '0.5rem')}`,
  },
  subtle: {
    margin: `0 0 ${token('space.100', '0.5rem')}`,
    color: token('color.text.subtle', '#505258'),
  },
  panel: {
    padding: token('space.200', '1rem'),
    borderRadius: token('radius.small', '0.25rem'),
    backgroundColor: token('elevation.surface.sunken', '#F8F8F8'),
  },
  error: {
    padding: token('space.150', '0.75rem'),
    borderRadius: token('radius.small', '0.25rem'),
    border: `1px solid ${token('color.border.danger', '#E2483D')}`,
    backgroundColor: token('color.background.danger', '#FFECEB'),
    color: token('color.text.danger', '#AE2E24'),
  },
  field: {
    display: 'flex',
    flexDirection: 'column',
    gap: token('space.050', '0.25rem'),
    marginBottom: token('space.200', '1rem'),
  },
  label: {
    font: token(
      'font.body',
      'normal 400 0.875rem/1.25rem ui-sans-serif, -apple-system, BlinkMacSystemFont, "Segoe UI", Ubuntu, "Helvetica Neue", sans-serif',
    ),
    fontWeight: 600,
    color: token('color.text.subtle', '#505258'),
  },
  input: {
    font: 'inherit',
    padding: `${token('space.050', '0.25rem')} ${token('space.100', '0.5rem')}`,
    borderRadius: token('radius.small', '0.25rem'),
    border: `1px solid ${token('color.border.input', '#8C8F97')}`,
    backgroundColor: token('color.background.input', '#FFFFFF'),
    color: token('color.text', '#292A2E'),
  },
  hint: {
    color: token('color.text.subtlest', '#6B6E76'),
  },
  fieldError: {
    color: token('color.text.danger', '#AE2E24'),
  },
  actions: {
    display: 'flex',
    justifyContent: 'flex-end',
    gap: token('space.100', '0.5rem'),
  },
  primaryButton: {
    font: 'inherit',
    fontWeight: 500,
    padding: `${token('space.075', '0.375rem')} ${token('space.150', '0.75rem')}`,
    borderRadius: token('radius.small', '0.25rem'),
    border: 'none',
    backgroundColor: token('color.background.brand.bold', '#1868DB'),
    color: token('color.text.inverse', '#FFFFFF'),
    cursor: 'pointer',
  },
  subtleButton: {
    font: 'inherit',
    fontWeight: 500,
    padding: `${token('space.075', '0.375rem')} ${token('space.150', '0.75rem')}`,
    borderRadius: token('radius.small', '0.25rem'),
    border: 'none',
    backgroundColor: token('color.background.neutral.subtle', 'transparent'),
    color: token('color.text.subtle', '#505258'),
    cursor: 'pointer',
  },
} satisfies Record<string, CSSProperties>;
