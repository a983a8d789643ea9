import type { Definitions } from '../../src/resolvers';
import type { RunsheetChangesView, RunsheetView } from '../../src/resolvers/runsheet-wire';
import { createServiceClient, forgeTransport } from './bridge';
import { withSelfRegistration } from './self-registration';

/**
 * The typed client of the UMIG service. `Definitions` is the backend's own contract (a type-only
 * import, erased from the bundle): a renamed resolver key or field fails `npm run typecheck`.
 * A Confluence account UMIG does not know yet is registered on its first call (self-registration.ts).
 */
export const umig = createServiceClient<Definitions>(withSelfRegistration(forgeTransport));

export type UmigFunction = Extract<keyof Definitions, string>;
/** What a resolver answers with on success. */
export type UmigData<K extends UmigFunction> = ReturnType<Definitions[K]> extends infer E
  ? E extends { ok: true; data: infer T }
    ? T
    : never
  : never;
/** What a resolver takes. */
export type UmigPayload<K extends UmigFunction> = Parameters<Definitions[K]>[0];

// The shapes the apps render, derived from the resolvers' answers rather than restated.
// The runsheet and its changes as decoded by runsheet-client.ts (they travel compact).
export type Runsheet = RunsheetView;
export type RunsheetChanges = RunsheetChangesView;
export type RunsheetPlan = Runsheet['planInstances'][number];
export type RunsheetSequence = RunsheetPlan['sequences'][number];
export type RunsheetPhase = RunsheetSequence['phases'][number];
export type RunsheetStep = RunsheetPhase['steps'][number];
export type StatusInfo = RunsheetPhase['status'];
export type Progress = Runsheet['progress'];
export type TeamRef = Runsheet['teams'][number];
export type LabelRef = Runsheet['labels'][number];

export type StepDetail = UmigData<'steps/get'>;
export type InstructionView = StepDetail['instructions'][number];
export type CommentView = StepDetail['comments'][number];
export type ControlView = StepDetail['controls'][number];
export type HistoryEntry = StepDetail['history'][number];
export type StepTransitions = UmigData<'steps/allowedTransitions'>;
export type TransitionOption = StepTransitions['transitions'][number];
export type StepStatusName = UmigPayload<'steps/changeStatus'>['toStatus'];
export type ControlStatusName = UmigPayload<'controls/recordVerdict'>['expectedStatus'];
export type Verdict = UmigPayload<'controls/recordVerdict'>['verdict'];
export type ValidatorSlot = ControlView['mySlots'][number];

export type IterationControls = UmigData<'iterations/controls'>;
export type PhaseControls = UmigData<'phases/controls'>;
