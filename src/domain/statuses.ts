/**
 * The status vocabulary of the runsheet and the fixed `status_sts` ids seeded by
 * `migrations/0003_reference_data.sql`. The ids are fixed because the seed's partial indexes
 * name them, so code may rely on them without a lookup query.
 */

export const CONTAINER_KINDS = ['Migration', 'Plan', 'Iteration', 'Sequence', 'Phase'] as const;
export type ContainerKind = (typeof CONTAINER_KINDS)[number];

/** Every container level shares these four statuses, seeded in this order. */
export const CONTAINER_STATUSES = ['PLANNING', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

export const STEP_STATUSES = ['PENDING', 'TODO', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'BLOCKED', 'CANCELLED'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const CONTROL_STATUSES = ['TODO', 'PASSED', 'FAILED', 'CANCELLED'] as const;
export type ControlStatus = (typeof CONTROL_STATUSES)[number];

/** The `sts_type` values of `status_sts`. */
export type StatusKind = ContainerKind | 'Step' | 'Control';

/** Any status name of any kind. */
export type AnyStatus = ContainerStatus | StepStatus | ControlStatus;

/** First seeded id of each container kind; its four statuses follow in CONTAINER_STATUSES order. */
const CONTAINER_FIRST_ID: Record<ContainerKind, number> = {
  Migration: 1,
  Plan: 5,
  Iteration: 9,
  Sequence: 13,
  Phase: 17,
};
const STEP_FIRST_ID = 21;
const CONTROL_FIRST_ID = 28;

function idsFrom<S extends string>(names: readonly S[], firstId: number): Readonly<Record<S, number>> {
  return Object.freeze(Object.fromEntries(names.map((name, index) => [name, firstId + index])) as Record<S, number>);
}

export const CONTAINER_STATUS_ID: Readonly<Record<ContainerKind, Readonly<Record<ContainerStatus, number>>>> =
  Object.freeze(
    Object.fromEntries(
      CONTAINER_KINDS.map((kind) => [kind, idsFrom(CONTAINER_STATUSES, CONTAINER_FIRST_ID[kind])]),
    ) as Record<ContainerKind, Readonly<Record<ContainerStatus, number>>>,
  );

export const STEP_STATUS_ID: Readonly<Record<StepStatus, number>> = idsFrom(STEP_STATUSES, STEP_FIRST_ID);

export const CONTROL_STATUS_ID: Readonly<Record<ControlStatus, number>> = idsFrom(CONTROL_STATUSES, CONTROL_FIRST_ID);

/** One row of the seeded `status_sts` table, as the domain knows it. */
export interface StatusRef {
  id: number;
  kind: StatusKind;
  name: AnyStatus;
}

/** Every seeded status, ordered by id (1..31). */
export const SEEDED_STATUSES: readonly StatusRef[] = Object.freeze([
  ...CONTAINER_KINDS.flatMap((kind) =>
    CONTAINER_STATUSES.map((name): StatusRef => ({ id: CONTAINER_STATUS_ID[kind][name], kind, name })),
  ),
  ...STEP_STATUSES.map((name): StatusRef => ({ id: STEP_STATUS_ID[name], kind: 'Step', name })),
  ...CONTROL_STATUSES.map((name): StatusRef => ({ id: CONTROL_STATUS_ID[name], kind: 'Control', name })),
]);

const STATUS_BY_ID: ReadonlyMap<number, StatusRef> = new Map(SEEDED_STATUSES.map((status) => [status.id, status]));

/**
 * Reads a status id from the database back into kind and name. Undefined for ids the seed does
 * not define (statuses added later have no domain meaning), so callers must decide what to show.
 */
export function describeStatusId(id: number): StatusRef | undefined {
  return STATUS_BY_ID.get(id);
}

/** The id to store for a container status; the kind matters because each level has its own ids. */
export function containerStatusId(kind: ContainerKind, status: ContainerStatus): number {
  return CONTAINER_STATUS_ID[kind][status];
}

/**
 * Reads a container's status id. Undefined when the id belongs to another kind, which catches a
 * phase row pointing at a sequence status (the schema's FK cannot tell them apart).
 */
export function containerStatusFromId(kind: ContainerKind, id: number): ContainerStatus | undefined {
  const status = STATUS_BY_ID.get(id);
  return status && status.kind === kind ? (status.name as ContainerStatus) : undefined;
}

/** Reads `sti_status`; undefined when the id is not a step status. */
export function stepStatusFromId(id: number): StepStatus | undefined {
  const status = STATUS_BY_ID.get(id);
  return status && status.kind === 'Step' ? (status.name as StepStatus) : undefined;
}

/** Reads `cti_status`; undefined when the id is not a control status. */
export function controlStatusFromId(id: number): ControlStatus | undefined {
  const status = STATUS_BY_ID.get(id);
  return status && status.kind === 'Control' ? (status.name as ControlStatus) : undefined;
}

/** Narrows untrusted input (a payload, a CSV cell) before it reaches the rules. */
export function isStepStatus(value: unknown): value is StepStatus {
  return typeof value === 'string' && (STEP_STATUSES as readonly string[]).includes(value);
}

/** Narrows untrusted input before it reaches the rules. */
export function isContainerStatus(value: unknown): value is ContainerStatus {
  return typeof value === 'string' && (CONTAINER_STATUSES as readonly string[]).includes(value);
}

/** Narrows untrusted input before it reaches the rules. */
export function isControlStatus(value: unknown): value is ControlStatus {
  return typeof value === 'string' && (CONTROL_STATUSES as readonly string[]).includes(value);
}

const STATUS_LABEL: Readonly<Record<AnyStatus, string>> = {
  PLANNING: 'Planning',
  PENDING: 'Pending',
  TODO: 'To do',
  IN_PROGRESS: 'In progress',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  BLOCKED: 'Blocked',
  CANCELLED: 'Cancelled',
  PASSED: 'Passed',
};

/** The words a user reads for a status, so error sentences and the UI say the same thing. */
export function statusLabel(status: AnyStatus): string {
  return STATUS_LABEL[status];
}
