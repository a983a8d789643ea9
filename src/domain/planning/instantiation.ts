/**
 * The pure part of copying a master plan into an iteration: which steps come along, the statuses
 * the copies start in, and how predecessor links are carried over. Sequences, phases, controls
 * and instructions are always copied (a phase whose steps were all left out keeps its controls);
 * only steps are filtered by iteration type.
 */

import {
  CONTAINER_STATUS_ID,
  CONTROL_STATUS_ID,
  type ContainerStatus,
  type ControlStatus,
  STEP_STATUS_ID,
  type StepStatus,
} from '../statuses';

/**
 * A master step tagged with iteration types (`steps_master_stm_x_iteration_types_itt`) is meant
 * only for those kinds of run (e.g. a DR-only restore check); an untagged step belongs to every
 * run. Codes compare exactly, as `itt_code` is a key.
 */
export function shouldCopyStep(taggedTypes: readonly string[], iterationType: string): boolean {
  return taggedTypes.length === 0 || taggedTypes.includes(iterationType);
}

/** Nothing has happened in a fresh copy: containers are being planned, steps wait to be released. */
export const INITIAL_STATUS = {
  Plan: 'PLANNING',
  Sequence: 'PLANNING',
  Phase: 'PLANNING',
  Step: 'PENDING',
  Control: 'TODO',
} as const satisfies {
  Plan: ContainerStatus;
  Sequence: ContainerStatus;
  Phase: ContainerStatus;
  Step: StepStatus;
  Control: ControlStatus;
};

/** The `status_sts` ids of INITIAL_STATUS, ready to insert. */
export const INITIAL_STATUS_ID = {
  Plan: CONTAINER_STATUS_ID.Plan[INITIAL_STATUS.Plan],
  Sequence: CONTAINER_STATUS_ID.Sequence[INITIAL_STATUS.Sequence],
  Phase: CONTAINER_STATUS_ID.Phase[INITIAL_STATUS.Phase],
  Step: STEP_STATUS_ID[INITIAL_STATUS.Step],
  Control: CONTROL_STATUS_ID[INITIAL_STATUS.Control],
} as const;

/**
 * The instance predecessor of a copied step, phase or sequence: the copy of its master
 * predecessor. When that master was not copied the link becomes null rather than jumping to an
 * earlier copied ancestor: the dependency was on work this iteration does not do, and guessing a
 * stand-in would invent a constraint nobody wrote. Scheduling then falls back to runsheet order.
 */
export function remapPredecessor<M, I>(masterPredecessorId: M | null, instanceIdByMasterId: ReadonlyMap<M, I>): I | null {
  if (masterPredecessorId === null) return null;
  return instanceIdByMasterId.get(masterPredecessorId) ?? null;
}

/** The master steps to copy into an iteration of the given type, in the order given. */
export function selectStepsToCopy<S extends { iterationTypes: readonly string[] }>(masterSteps: readonly S[], iterationType: string): S[] {
  return masterSteps.filter((step) => shouldCopyStep(step.iterationTypes, iterationType));
}
