/**
 * admin/environmentRoles/list: the environment roles (PROD, TEST, BACKUP…) for the admin forms'
 * choices. Seeded reference data (0003) that UMIG's rules name, so it is listed, never edited here.
 */

import { asc } from 'drizzle-orm';
import { z } from 'zod';
import { environmentRoles } from '../../db/schema';
import type { ServiceContext } from '../context';

export const listEnvironmentRolesInput = z.strictObject({});

export interface EnvironmentRoleView {
  id: number;
  name: string;
  description: string | null;
}

/** Every environment role by name; readable by every known user, like the other reference lists. */
export async function listEnvironmentRoles(ctx: ServiceContext, _input: z.output<typeof listEnvironmentRolesInput>): Promise<EnvironmentRoleView[]> {
  return ctx.db
    .select({ id: environmentRoles.id, name: environmentRoles.name, description: environmentRoles.description })
    .from(environmentRoles)
    .orderBy(asc(environmentRoles.name), asc(environmentRoles.id));
}
