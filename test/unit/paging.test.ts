import { LIST_PAGE_MAX, clampPage } from '../../src/domain/paging';
import { readAllPages } from '../../static/shared/paging';

describe('list paging', () => {
  it('clamps a request to the hard page size and never goes below one row or offset zero', () => {
    expect(clampPage({ limit: 100_000 })).toEqual({ limit: LIST_PAGE_MAX, offset: 0 });
    expect(clampPage(undefined)).toEqual({ limit: LIST_PAGE_MAX, offset: 0 });
    expect(clampPage({ limit: 20, offset: 40 })).toEqual({ limit: 20, offset: 40 });
  });

  it('lets the apps read every row, a full page at a time, until a short page', async () => {
    const all = Array.from({ length: LIST_PAGE_MAX * 2 + 3 }, (_, index) => index);
    const asked: Array<{ limit: number; offset: number }> = [];
    const rows = await readAllPages(async (page) => {
      asked.push(page);
      return all.slice(page.offset, page.offset + page.limit);
    });
    expect(rows).toEqual(all);
    expect(asked.map((page) => page.offset)).toEqual([0, LIST_PAGE_MAX, LIST_PAGE_MAX * 2]);
  });
});
