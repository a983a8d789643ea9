/**
 * The runsheet's columns and which of them fit. A step panel beside the table leaves it about
 * 48rem at 1280 px, where every column would need 89: the table shows the columns a cutover team
 * reads first (code, step, status, actual times, instructions, then gates, owner…) and the rest
 * stay reachable through "All columns" (the table then scrolls sideways), the step panel and each
 * row's spoken label. Pure, so the choice is unit-tested.
 */

export const COLUMNS = [
  { key: 'code', title: 'Code', width: '7rem', minRem: 7, priority: 1 },
  { key: 'name', title: 'Step', width: 'minmax(10rem, 2fr)', minRem: 10, priority: 1 },
  { key: 'type', title: 'Type', width: '4rem', minRem: 4, priority: 9 },
  { key: 'owner', title: 'Owner team', width: 'minmax(9rem, 1fr)', minRem: 9, priority: 5 },
  { key: 'status', title: 'Status', width: '8.5rem', minRem: 8.5, priority: 1 },
  { key: 'duration', title: 'Duration', width: '5.5rem', minRem: 5.5, priority: 8 },
  { key: 'planned', title: 'Planned', width: '9rem', minRem: 9, priority: 7 },
  { key: 'forecast', title: 'Forecast', width: '11rem', minRem: 11, priority: 6 },
  { key: 'actual', title: 'Actual', width: '11rem', minRem: 11, priority: 2 },
  { key: 'instructions', title: 'Instructions', width: '6rem', minRem: 6, priority: 3 },
  { key: 'gate', title: 'Controls', width: '8rem', minRem: 8, priority: 4 },
] as const;

export type Column = (typeof COLUMNS)[number];
export type ColumnKey = Column['key'];

/** The columns that fit `widthRem`, by priority, in table order; the first-priority ones always. */
export function columnsThatFit(widthRem: number): Column[] {
  const chosen = new Set<ColumnKey>();
  let used = 0;
  const byPriority = [...COLUMNS].sort((a, b) => a.priority - b.priority);
  for (const column of byPriority) {
    if (column.priority === 1 || used + column.minRem <= widthRem) {
      chosen.add(column.key);
      used += column.minRem;
    }
  }
  return COLUMNS.filter((column) => chosen.has(column.key));
}

export function templateOf(columns: readonly Column[]): string {
  return columns.map((column) => column.width).join(' ');
}

export function minWidthOf(columns: readonly Column[]): string {
  return `${columns.reduce((sum, column) => sum + column.minRem, 0)}rem`;
}
