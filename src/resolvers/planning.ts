import { instantiatePlan, instantiatePlanInput } from '../services/planning/instantiation';
import {
  listIterations,
  listIterationsInput,
  listMigrations,
  listMigrationsInput,
  listPlanInstances,
  listPlanInstancesInput,
  listPlanSequences,
  listPlanSequencesInput,
} from '../services/planning/queries';
import { op, type OperationMap } from './operation';

export const planningOperations = {
  'migrations/list': op(listMigrationsInput, listMigrations),
  'iterations/list': op(listIterationsInput, listIterations),
  'planInstances/list': op(listPlanInstancesInput, listPlanInstances),
  'planInstances/sequences': op(listPlanSequencesInput, listPlanSequences),
  'planInstances/create': op(instantiatePlanInput, instantiatePlan),
} satisfies OperationMap;
