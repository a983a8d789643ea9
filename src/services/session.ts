import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../db/schema';
import { canManageControls, canManagePlans, canManageReferenceData, canOverride } from '../domain/access/permissions';
import { getConfig } from './configuration/settings';
import type { ServiceContext } from './context';

export const sessionInput = z.strictObject({});

export interface Session {
  userId: number;
  code: string;
  name: string;
  role: 'ADMIN' | 'PILOT' | 'NORMAL';
  isAdmin: boolean;
  teamIds: number[];
  /** What the apps may offer; the service still checks every call. */
  can: { manageReferenceData: boolean; managePlans: boolean; override: boolean; manageControls: boolean };
  /** How often open runsheets ask for changes (system configuration `runsheet.refreshIntervalSeconds`). */
  refreshSeconds: number;
}

/** Who the caller is, as the service sees them: lets the apps shape themselves without guessing. */
export async function currentSession(ctx: ServiceContext, _input: z.output<typeof sessionInput>): Promise<Session> {
  const [user] = await ctx.db
    .select({ firstName: users.firstName, lastName: users.lastName })
    .from(users)
    .where(eq(users.id, ctx.actor.userId));
  const refreshSeconds = await getConfig(ctx.db, null, 'runsheet.refreshIntervalSeconds');
  return {
    userId: ctx.actor.userId,
    code: ctx.actor.code,
    name: user ? `${user.firstName} ${user.lastName}` : ctx.actor.code,
    role: ctx.actor.role,
    isAdmin: ctx.actor.isAdmin,
    teamIds: [...ctx.actor.teamIds],
    can: {
      manageReferenceData: canManageReferenceData(ctx.actor),
      managePlans: canManagePlans(ctx.actor),
      override: canOverride(ctx.actor),
      manageControls: canManageControls(ctx.actor),
    },
    refreshSeconds: Number(refreshSeconds),
  };
}
