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
import {
  archivePlanInstance,
  assertCanManageRuns,
  deletePlanInstance,
  planInstanceChangeInput,
  restorePlanInstance,
} from '../services/planning/plan-lifecycle';
import { op, type OperationMap } from './operation';

export const planningOperations = {
  'migrations/list': op(listMigrationsInput, listMigrations),
  'iterations/list': op(listIterationsInput, listIterations),
  'planInstances/list': op(listPlanInstancesInput, listPlanInstances),
  'planInstances/sequences': op(listPlanSequencesInput, listPlanSequences),
  'planInstances/create': op(instantiatePlanInput, instantiatePlan),
  // Administrators only, refused before the payload is read.
  'planInstances/delete': op(planInstanceChangeInput, deletePlanInstance, { authorize: assertCanManageRuns }),
  'planInstances/archive': op(planInstanceChangeInput, archivePlanInstance, { authorize: assertCanManageRuns }),
  'planInstances/restore': op(planInstanceChangeInput, restorePlanInstance, { authorize: assertCanManageRuns }),
} satisfies OperationMap;
