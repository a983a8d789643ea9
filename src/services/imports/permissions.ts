import { type Actor, canManagePlans } from '../../domain/access/permissions';
import { domainError } from '../../domain/errors';

/** Imports, their schedules and the master plan export reshape or reveal whole plans: administrators only. */
export function assertCanImport(actor: Actor): void {
  if (!canManagePlans(actor)) throw domainError('FORBIDDEN', 'Only administrators can import, export or schedule master plans.');
}
