import { token } from '@atlaskit/tokens';
import type { CSSProperties } from 'react';

/** Layout pieces the runsheet, step view and controls apps share; tokens with light-theme fallbacks. */
export const look = {
  section: {
    marginBottom: token('space.300', '1.5rem'),
  },
  sectionTitle: {
    margin: `0 0 ${token('space.100', '0.5rem')}`,
    font: token('font.heading.xsmall', 'normal 653 0.875rem/1.25rem ui-sans-serif, -apple-system, "Segoe UI", sans-serif'),
    color: token('color.text', '#292A2E'),
  },
  card: {
    padding: token('space.150', '0.75rem'),
    borderRadius: token('radius.medium', '0.375rem'),
    border: `1px solid ${token('color.border', '#0B120E24')}`,
    backgroundColor: token('elevation.surface.raised', '#FFFFFF'),
    marginBottom: token('space.100', '0.5rem'),
  },
  row: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: token('space.100', '0.5rem'),
  },
  meta: {
    color: token('color.text.subtle', '#505258'),
    font: token('font.body.small', 'normal 400 0.75rem/1rem ui-sans-serif, -apple-system, "Segoe UI", sans-serif'),
  },
  definitionList: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: token('space.200', '1rem'),
    rowGap: token('space.050', '0.25rem'),
    margin: 0,
  },
  term: {
    color: token('color.text.subtle', '#505258'),
    fontWeight: 600,
  },
  definition: {
    margin: 0,
    minWidth: 0,
    overflowWrap: 'anywhere',
  },
  textarea: {
    font: 'inherit',
    width: '100%',
    boxSizing: 'border-box',
    minHeight: '4rem',
    padding: token('space.075', '0.375rem'),
    borderRadius: token('radius.small', '0.25rem'),
    border: `1px solid ${token('color.border.input', '#8C8F97')}`,
    backgroundColor: token('color.background.input', '#FFFFFF'),
    color: token('color.text', '#292A2E'),
    resize: 'vertical',
  },
  notice: {
    padding: token('space.100', '0.5rem'),
    borderRadius: token('radius.small', '0.25rem'),
    backgroundColor: token('color.background.warning', '#FFF5DB'),
    color: token('color.text.warning', '#A54900'),
  },
  info: {
    padding: token('space.100', '0.5rem'),
    borderRadius: token('radius.small', '0.25rem'),
    backgroundColor: token('color.background.information', '#E9F2FE'),
    color: token('color.text.information', '#1558BC'),
  },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  visuallyHidden: {
    position: 'absolute',
    width: 1,
    height: 1,
    padding: 0,
    margin: -1,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
    border: 0,
  },
} satisfies Record<string, CSSProperties>;
