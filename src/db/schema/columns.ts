import { timestamp, varchar } from 'drizzle-orm/pg-core';

/** How the seed declares its timestamps: with time zone, read as Date. */
export const withTz = { withTimezone: true, mode: 'date' } as const;

/**
 * The seed's standard audit columns (who as usr_code or 'system', when), shared by most tables.
 * A function, so every table gets its own column builders.
 */
export function auditColumns() {
  return {
    createdBy: varchar('created_by', { length: 255 }).default('system'),
    createdAt: timestamp('created_at', withTz).defaultNow(),
    updatedBy: varchar('updated_by', { length: 255 }).default('system'),
    updatedAt: timestamp('updated_at', withTz).defaultNow(),
  };
}
