import {
  applicationLabelLink,
  controlLabelLink,
  environmentApplicationLink,
  iterationEnvironmentLink,
  stepImpactedTeamLink,
  stepIterationTypeLink,
  stepLabelLink,
  teamApplicationLink,
  teamMemberLink,
} from '../services/admin/associations';
import {
  applicationEntity,
  emailTemplateEntity,
  environmentEntity,
  iterationEntity,
  iterationTypeEntity,
  labelEntity,
  masterControlEntity,
  masterInstructionEntity,
  masterPhaseEntity,
  masterPlanEntity,
  masterSequenceEntity,
  masterStepEntity,
  migrationEntity,
  migrationTypeEntity,
  statusEntity,
  stepTypeEntity,
  systemConfigurationEntity,
  teamEntity,
  userEntity,
} from '../services/admin/entities';
import { listEnvironmentRoles, listEnvironmentRolesInput } from '../services/admin/environment-roles';
import { isAdministrator, type Actor } from '../domain/access/permissions';
import { domainError } from '../domain/errors';
import type { ServiceContext } from '../services/context';
import { op, type Operation, type OperationMap } from './operation';
import type { z } from 'zod';

function assertAdministrator(actor: Actor): void {
  if (!isAdministrator(actor)) throw domainError('FORBIDDEN', 'Only UMIG administrators can change this.');
}

/** Every admin change is for administrators; refuse others before their payload is even read. */
function adminOnly<S extends z.ZodType, R>(input: S, run: (ctx: ServiceContext, input: z.output<S>) => Promise<R>) {
  return op(input, run, { authorize: assertAdministrator });
}

type Run = (ctx: ServiceContext, input: never) => Promise<unknown>;
type EntityVerb = 'list' | 'get' | 'create' | 'update' | 'delete';
type LinkVerb = 'list' | 'add' | 'remove';
type Served<V extends string> = { inputs: Record<V, z.ZodType> } & Record<V, Run>;
/** The resolvers of one entity or link: `admin/<name>/<verb>`, typed per verb for Definitions. */
type OperationsOf<N extends string, V extends string, E extends Served<V>> = {
  [K in V as `admin/${N}/${K}`]: Operation<E['inputs'][K], Awaited<ReturnType<E[K]>>>;
};

function operationsFor<N extends string, V extends string, E extends Served<V>>(name: N, served: E, verbs: readonly V[], reads: readonly V[]) {
  const operations: Record<string, Operation> = {};
  for (const verb of verbs) {
    const run = served[verb] as unknown as Operation['run'];
    operations[`admin/${name}/${verb}`] = reads.includes(verb) ? op(served.inputs[verb], run) : adminOnly(served.inputs[verb], run);
  }
  return operations as OperationsOf<N, V, E>;
}

/** list / get for every known user (the service narrows what they see); create / update / delete for administrators. */
const entityOperations = <N extends string, E extends Served<EntityVerb>>(name: N, entity: E) =>
  operationsFor(name, entity, ['list', 'get', 'create', 'update', 'delete'], ['list', 'get']);

/** list for every known user; add / remove for administrators. */
const linkOperations = <N extends string, E extends Served<LinkVerb>>(name: N, link: E) => operationsFor(name, link, ['list', 'add', 'remove'], ['list']);

/**
 * Administration: list / get / create / update / delete of every master and reference entity
 * (src/services/admin/entities), and add / remove / list of their links
 * (src/services/admin/associations). Conventions: `id` names the row (a number, a uuid, or the
 * code for step and iteration types); updates send `expectedUpdatedAt` (labels: `expectedVersion`)
 * as loaded and only the fields to change.
 */
export const adminOperations = {
  // Programme and master plan tree
  ...entityOperations('migrations', migrationEntity),
  ...entityOperations('iterations', iterationEntity),
  ...entityOperations('masterPlans', masterPlanEntity),
  ...entityOperations('masterSequences', masterSequenceEntity),
  ...entityOperations('masterPhases', masterPhaseEntity),
  ...entityOperations('masterSteps', masterStepEntity),
  ...entityOperations('masterInstructions', masterInstructionEntity),
  ...entityOperations('masterControls', masterControlEntity),
  // Reference data
  ...entityOperations('teams', teamEntity),
  ...entityOperations('users', userEntity),
  ...entityOperations('applications', applicationEntity),
  ...entityOperations('environments', environmentEntity),
  ...entityOperations('labels', labelEntity),
  ...entityOperations('iterationTypes', iterationTypeEntity),
  ...entityOperations('migrationTypes', migrationTypeEntity),
  ...entityOperations('stepTypes', stepTypeEntity),
  ...entityOperations('statuses', statusEntity),
  // Seeded and named by UMIG's rules: listed for the forms' choices, not edited.
  'admin/environmentRoles/list': op(listEnvironmentRolesInput, listEnvironmentRoles),
  // System (administrators only, reads included: the services refuse others)
  ...entityOperations('systemConfiguration', systemConfigurationEntity),
  ...entityOperations('emailTemplates', emailTemplateEntity),
  // Links
  ...linkOperations('teamMembers', teamMemberLink),
  ...linkOperations('teamApplications', teamApplicationLink),
  ...linkOperations('environmentApplications', environmentApplicationLink),
  ...linkOperations('iterationEnvironments', iterationEnvironmentLink),
  ...linkOperations('stepImpactedTeams', stepImpactedTeamLink),
  ...linkOperations('stepIterationTypes', stepIterationTypeLink),
  ...linkOperations('stepLabels', stepLabelLink),
  ...linkOperations('labelApplications', applicationLabelLink),
  ...linkOperations('labelControls', controlLabelLink),
} satisfies OperationMap;
