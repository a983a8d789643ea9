import { instantiatePlan, instantiatePlanInput } from '../services/planning/instantiation';
import {
  listIterations,
  listIterationsInput,
  listMigrations,
  listMigrationsInput,
  listPlanInstances,
  listPlanInstancesInput,
} from '../services/planning/queries';
import { op, type OperationMap } from './operation';

export const planningOperations = {
  'migrations/list': op(listMigrationsInput, listMigrations),
  'iterations/list': op(listIterationsInput, listIterations),
  'planInstances/list': op(listPlanInstancesInput, listPlanInstances),
  'planInstances/create': op(instantiatePlanInput, instantiatePlan),
} satisfies OperationMap;
