import { isAdministrator, type Actor } from '../domain/access/permissions';
import { domainError } from '../domain/errors';
import { addFromConfluence, addFromConfluenceInput } from '../services/people/confluence-people';
import { op, type OperationMap } from './operation';

function assertAdministrator(actor: Actor): void {
  if (!isAdministrator(actor)) throw domainError('FORBIDDEN', 'Only UMIG administrators can add people.');
}

export const peopleOperations = {
  'people/addFromConfluence': op(addFromConfluenceInput, addFromConfluence, { authorize: assertAdministrator }),
} satisfies OperationMap;
