import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { roles } from './reference';
import { auditColumns, withTz } from './columns';

export const teams = pgTable('teams_tms', {
  id: integer('tms_id').primaryKey().default(sql`nextval('teams_tms_tms_id_seq'::regclass)`),
  name: varchar('tms_name', { length: 64 }).notNull(),
  email: varchar('tms_email', { length: 255 }),
  description: text('tms_description'),
  ...auditColumns(),
});

/** `confluenceUserId` is the Forge context's accountId: how a request is mapped to a user. */
export const users = pgTable(
  'users_usr',
  {
    id: integer('usr_id').primaryKey().default(sql`nextval('users_usr_usr_id_seq'::regclass)`),
    code: varchar('usr_code', { length: 3 }).notNull(),
    firstName: varchar('usr_first_name', { length: 50 }).notNull(),
    lastName: varchar('usr_last_name', { length: 50 }).notNull(),
    email: varchar('usr_email', { length: 255 }).notNull(),
    isAdmin: boolean('usr_is_admin').default(false),
    roleId: integer('rls_id').references(() => roles.id),
    active: boolean('usr_active').notNull().default(true),
    createdAt: timestamp('created_at', withTz).defaultNow(),
    updatedAt: timestamp('updated_at', withTz).defaultNow(),
    createdBy: varchar('created_by', { length: 255 }).default('system'),
    updatedBy: varchar('updated_by', { length: 255 }).default('system'),
    confluenceUserId: varchar('usr_confluence_user_id', { length: 255 }),
  },
  (t) => [
    index('idx_usr_audit').on(t.createdAt),
    uniqueIndex('users_usr_usr_code_key').on(t.code),
    uniqueIndex('users_usr_usr_email_key').on(t.email),
    // 0006: the Forge accountId identifies exactly one user.
    uniqueIndex('uq_usr_confluence_user_id').on(t.confluenceUserId).where(sql`${t.confluenceUserId} IS NOT NULL`),
  ],
);

export const teamMembers = pgTable(
  'teams_tms_x_users_usr',
  {
    id: integer('tms_x_usr_id').primaryKey().default(sql`nextval('teams_tms_x_users_usr_tms_x_usr_id_seq'::regclass)`),
    teamId: integer('tms_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: integer('usr_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', withTz).defaultNow(),
    createdBy: varchar('created_by', { length: 255 }),
  },
  (t) => [uniqueIndex('uq_tms_x_usr').on(t.teamId, t.userId), index('idx_tms_x_usr_usr_id').on(t.userId)],
);

export type TeamRow = typeof teams.$inferSelect;
export type NewTeamRow = typeof teams.$inferInsert;
export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;
export type TeamMemberRow = typeof teamMembers.$inferSelect;
export type NewTeamMemberRow = typeof teamMembers.$inferInsert;
