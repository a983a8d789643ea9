/**
 * The hard page size of every list operation (issue 10 §5.4: cost, not only count). A list
 * answers at most this many rows, whatever the request asks for; a request for more is clamped,
 * not refused, so a client that asks for "everything" still gets a working first page. A page
 * that comes back full means "there may be more": ask again with `offset` moved on by its length.
 * Shared with the apps (static/shared/paging.ts), which read every page that way.
 */
export const LIST_PAGE_MAX = 500;

/** The page a request asked for, clamped to the hard maximum. */
export function clampPage(request: { limit?: number | undefined; offset?: number | undefined } | undefined): { limit: number; offset: number } {
  const limit = Math.min(Math.max(1, Math.trunc(request?.limit ?? LIST_PAGE_MAX)), LIST_PAGE_MAX);
  return { limit, offset: Math.max(0, Math.trunc(request?.offset ?? 0)) };
}
