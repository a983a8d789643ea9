import { z } from 'zod';

/**
 * The paging fields every list payload accepts. `limit` above the hard maximum is clamped by
 * clampPage (src/domain/paging.ts), not refused; `offset` counts rows already read.
 */
export const pageShape = {
  limit: z.number().int().min(1, 'Ask for at least one row.').optional(),
  offset: z.number().int().min(0, 'The offset cannot be negative.').max(10_000_000, 'The offset is too large.').optional(),
};
