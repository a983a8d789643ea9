import type { Request } from '@forge/resolver';
import { adminOperations } from './admin';
import { executionOperations } from './execution';
import { createResolverHandler, type ResolverDependencies } from './handler';
import { importOperations } from './imports';
import { notificationOperations } from './notifications';
import { peopleOperations } from './people';
import type { DefinitionsOf } from './operation';
import { planningOperations } from './planning';
import { runsheetOperations } from './runsheet';
import { sessionOperations } from './session';

/** Every resolver of the app, keyed by namespaced function key ('steps/changeStatus'). */
export const operations = {
  ...planningOperations,
  ...executionOperations,
  ...runsheetOperations,
  ...adminOperations,
  ...notificationOperations,
  ...importOperations,
  ...sessionOperations,
  ...peopleOperations,
};

/** The API contract: imported (as a type) by the Custom UI apps' typed client. */
export type Definitions = DefinitionsOf<typeof operations>;
export type FunctionKey = keyof Definitions;

export type ResolverHandler = ReturnType<typeof createResolverHandler>;

export function createHandler(deps: ResolverDependencies): ResolverHandler {
  return createResolverHandler(operations, deps);
}

export type { Request, ResolverDependencies };
