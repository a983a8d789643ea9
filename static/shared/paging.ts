import { LIST_PAGE_MAX } from '../../src/domain/paging';

/**
 * Every list operation answers at most LIST_PAGE_MAX rows (src/domain/paging.ts). A full page may
 * have more behind it, so this reads page after page (offset moved on by what came back) until a
 * short one: the admin tables and pickers still get every row, in pages the service can afford.
 */
export async function readAllPages<R>(readPage: (page: { limit: number; offset: number }) => Promise<R[]>): Promise<R[]> {
  const rows: R[] = [];
  for (;;) {
    const page = await readPage({ limit: LIST_PAGE_MAX, offset: rows.length });
    rows.push(...page);
    if (page.length < LIST_PAGE_MAX) return rows;
  }
}
