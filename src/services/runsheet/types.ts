/**
 * The read side's response shapes, exported for the Custom UI apps (runsheet, step view, controls).
 *
 * The runsheet is the one large payload (thousands of steps), so its step rows carry ids that the
 * top-level dictionaries resolve (teams, labels, step statuses, step types, environment roles);
 * everything else (containers, step detail, controls) embeds small objects. Times are ISO strings.
 */

import type { Progress } from '../../domain/execution/rollups';
import type { ValidatorSlot } from '../../domain/access/permissions';
import type { StepStatus } from '../../domain/statuses';
import type { PlanTiming } from './timing';

export type { Progress, PlanTiming };

/** A `status_sts` row as shown: the name is the stored name (e.g. IN_PROGRESS), the color #RRGGBB. */
export interface StatusInfo {
  id: number;
  name: string;
  color: string;
}

export interface TeamRef {
  id: number;
  name: string;
}

export interface LabelRef {
  id: number;
  name: string;
  color: string | null;
}

export interface StepTypeRef {
  code: string;
  name: string;
}

export interface EnvironmentRoleRef {
  id: number;
  name: string;
}

/** A person as shown next to something they did. `name` is "First Last". */
export interface UserRef {
  id: number;
  code: string;
  name: string;
}

export interface IterationSummary {
  id: string;
  name: string;
  /** The iteration type, e.g. { code: 'DR', name: 'Dress Rehearsal' }. */
  type: { code: string; name: string };
  status: StatusInfo;
}

/**
 * One step of the runsheet. Resolve `typeCode` in `stepTypes`, `ownerTeamId`/`impactedTeamIds` in
 * `teams`, `statusId` in `stepStatuses`, `labelIds` in `labels`, `environmentRoleId` in
 * `environmentRoles`.
 */
export interface RunsheetStep {
  id: string;
  /** e.g. TRT-010 (formatStepCode); null only when the master step has no valid type or number. */
  code: string | null;
  name: string | null;
  typeCode: string | null;
  ownerTeamId: number | null;
  impactedTeamIds: number[];
  statusId: number;
  durationMinutes: number | null;
  startTime: string | null;
  endTime: string | null;
  predecessorId: string | null;
  /** The predecessor's code, so a filtered runsheet can name a predecessor it does not list. */
  predecessorCode: string | null;
  /**
   * Why the step is blocked, failed or cancelled, as its mover wrote it. Present only on steps that
   * have one, so the payload of a 2,000-step runsheet does not carry 2,000 nulls.
   */
  statusReason?: string;
  instructions: { done: number; total: number };
  /** Only labels of the iteration's migration (labels are migration-scoped). */
  labelIds: number[];
  environmentRoleId: number | null;
  updatedAt: string | null;
  /** Planned [earliest start, earliest finish, total float], whole minutes from the run's `timing.start`; absent for backout steps. */
  p?: [number, number, number];
}

export interface ControlsSummary {
  total: number;
  passed: number;
  failed: number;
  /** Codes of the critical controls neither passed nor cancelled: they hold the next phase shut. */
  criticalNotPassed: string[];
}

/** `S` is the step as carried: RunsheetStep in the service, a tuple on the wire, RunsheetStepView in the apps (runsheet-wire.ts). */
export interface RunsheetPhase<S = RunsheetStep> {
  id: string;
  name: string | null;
  order: number | null;
  status: StatusInfo;
  /** Over every step of the phase, whatever the filters. */
  progress: Progress;
  controls: ControlsSummary;
  /** True when critical controls of the previous phase (same sequence) have not passed. */
  blocked: boolean;
  blockedBy: string[];
  /** Forecast of the phase's steps in order, as runs [count, start shift, end shift, late (0/1), …] against `p`. */
  f?: number[];
  steps: S[];
}

export interface RunsheetSequence<S = RunsheetStep> {
  id: string;
  name: string | null;
  order: number | null;
  status: StatusInfo;
  progress: Progress;
  phases: RunsheetPhase<S>[];
}

export interface RunsheetPlan<S = RunsheetStep> {
  id: string;
  name: string | null;
  status: StatusInfo;
  progress: Progress;
  /** Planned and forecast end, window, late count and the backout line (see services/runsheet/timing.ts). */
  timing?: PlanTiming;
  sequences: RunsheetSequence<S>[];
}

export interface Runsheet<S = RunsheetStep> {
  /** Database time of the read: pass it as `since` to runsheet/changesSince. */
  asOf: string;
  iteration: IterationSummary;
  /** Over every step of the iteration, whatever the filters. */
  progress: Progress;
  /** Every step status (the status filter's options and the lookup for `statusId`). */
  stepStatuses: StatusInfo[];
  /** Every team, by name (the team filter's options and the lookup for team ids). */
  teams: TeamRef[];
  /** The labels of the iteration's migration, by name. */
  labels: LabelRef[];
  stepTypes: StepTypeRef[];
  environmentRoles: EnvironmentRoleRef[];
  /**
   * Runsheet order: plan instances by creation, sequences and phases by order, steps by number.
   * With a step filter (team, label, statuses, mine, text) only containers holding a matching
   * step are listed; with a container filter only that plan instance / sequence / phase.
   */
  planInstances: RunsheetPlan<S>[];
}

/** A changed step also names its phase, so the client can place it. */
export type ChangedStep<S = RunsheetStep> = S & { phaseId: string };

/** A container summary without its children, as returned by changesSince. */
export type PhaseSummary = Omit<RunsheetPhase, 'steps'> & { sequenceId: string };
export type SequenceSummary = Omit<RunsheetSequence, 'phases'> & { planInstanceId: string };
export type PlanSummary = Omit<RunsheetPlan, 'sequences'>;

export interface RunsheetChanges<S = RunsheetStep> {
  /** Pass it as the next `since`. */
  asOf: string;
  /** The `since` actually applied: the requested one minus the overlap (see CHANGES_OVERLAP_MS). */
  effectiveSince: string;
  iteration: IterationSummary;
  progress: Progress;
  /** Steps changed after effectiveSince, in runsheet order. The client replaces by id. */
  steps: ChangedStep<S>[];
  phases: PhaseSummary[];
  sequences: SequenceSummary[];
  planInstances: PlanSummary[];
  /** The forecast moves with the clock: every run's timing, and the runs of every phase not yet settled. */
  timing: { plans: Record<string, PlanTiming>; phases: Record<string, number[]> };
}

export interface InstructionView {
  id: string;
  order: number | null;
  body: string | null;
  durationMinutes: number | null;
  completed: boolean;
  completedBy: UserRef | null;
  completedAt: string | null;
  /** The instruction's own team (`instructions_master_inm.tms_id`), if any. */
  teamId: number | null;
}

export interface CommentView {
  id: number;
  body: string | null;
  author: UserRef | null;
  createdAt: string | null;
  updatedAt: string | null;
  /** canEditComment for the calling user. */
  canEdit: boolean;
}

/** A validator's verdict as stored by 0005 (PASSED/FAILED, the control statuses' words). */
export type ControlVerdict = 'PASSED' | 'FAILED';

/** One verdict slot of a control: what was recorded, by whom (the validator or a pilot), when. */
export interface ControlSlot {
  verdict: ControlVerdict | null;
  by: UserRef | null;
  at: string | null;
  comment: string | null;
  /** Four eyes overridden: the signer had signed the other slot too; a pilot's reason. Null normally. */
  override: string | null;
}

export interface ControlView {
  id: string;
  code: string | null;
  name: string | null;
  description: string | null;
  type: string | null;
  order: number | null;
  critical: boolean;
  status: StatusInfo;
  itValidator: UserRef | null;
  bizValidator: UserRef | null;
  /** The IT validator's slot. */
  it: ControlSlot;
  /** The business validator's slot. */
  biz: ControlSlot;
  updatedAt: string | null;
  /** The verdict slots the calling user may sign (canValidateControl). */
  mySlots: ValidatorSlot[];
}

export interface EnvironmentView {
  id: number;
  code: string | null;
  name: string | null;
  role: EnvironmentRoleRef | null;
}

export interface ApplicationView {
  id: number;
  code: string;
  name: string | null;
  /** The iteration environment (in the step's role) the application is deployed on. */
  environment: { id: number; code: string | null; name: string | null };
}

export interface HistoryEntry {
  id: string;
  action: string | null;
  entityType: string | null;
  entityId: string | null;
  /** usr_code of the author (from the user row, else the audit details). */
  by: string | null;
  at: string | null;
  details: unknown;
}

export interface StepDetail {
  asOf: string;
  step: {
    id: string;
    code: string | null;
    name: string | null;
    description: string | null;
    type: StepTypeRef | null;
    ownerTeam: TeamRef | null;
    impactedTeams: TeamRef[];
    status: StatusInfo;
    durationMinutes: number | null;
    startTime: string | null;
    endTime: string | null;
    predecessorId: string | null;
    predecessorCode: string | null;
    /** Why the step is blocked, failed or cancelled (as in the runsheet); null otherwise. */
    statusReason: string | null;
    instructions: { done: number; total: number };
    labels: LabelRef[];
    environmentRole: EnvironmentRoleRef | null;
    updatedAt: string | null;
  };
  iteration: { id: string; name: string };
  planInstance: { id: string; name: string | null };
  sequence: { id: string; name: string | null; order: number | null };
  phase: { id: string; name: string | null; order: number | null; status: StatusInfo; blocked: boolean; blockedBy: string[] };
  /** What the calling user may do with the step (the UI offers only these). */
  permissions: { canExecute: boolean; allowedTransitions: StepStatus[]; canComment: boolean };
  instructions: InstructionView[];
  comments: CommentView[];
  /** The controls of the step's phase. */
  controls: ControlView[];
  /** Every environment of the iteration, with the role it plays there. */
  environments: EnvironmentView[];
  /** Applications of the iteration environments playing the step's environment role. */
  applications: ApplicationView[];
  /** Audit entries of the step and its instructions, newest first, at most 100. */
  history: HistoryEntry[];
}

export interface PhaseControls {
  id: string;
  name: string | null;
  order: number | null;
  status: StatusInfo;
  planInstance: { id: string; name: string | null };
  sequence: { id: string; name: string | null; order: number | null };
  summary: ControlsSummary;
  blocked: boolean;
  blockedBy: string[];
  controls: ControlView[];
}

export interface IterationControls {
  iteration: IterationSummary;
  phases: PhaseControls[];
}
