import type { Actor } from '../../../src/domain/access/permissions';

/** Small actor factories: a team member of team 10, a pilot, an admin by role and one by flag. */
export function actor(overrides: Partial<Actor> = {}): Actor {
  return { userId: 1, code: 'NRM', role: 'NORMAL', isAdmin: false, teamIds: [10], ...overrides };
}

export const normal = actor();
export const pilot = actor({ userId: 2, code: 'PIL', role: 'PILOT', teamIds: [] });
export const admin = actor({ userId: 3, code: 'ADM', role: 'ADMIN', teamIds: [] });
/** A NORMAL-role user with `usr_is_admin` set: must be treated as an administrator. */
export const flaggedAdmin = actor({ userId: 4, code: 'FLG', role: 'NORMAL', isAdmin: true, teamIds: [] });
