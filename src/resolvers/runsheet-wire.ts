/**
 * The runsheet on the wire. A runsheet is the one large answer (10,000 steps on a big programme)
 * and Forge caps what an invocation may return, so each step travels as one array in a fixed
 * order instead of an object repeating its keys, times travel as seconds from the answer's `t0`,
 * and only what the runsheet apps show is sent: the step panel reads the rest (predecessor,
 * environment role, last update) from 'steps/get'. About 190 bytes a step instead of 470.
 *
 * Pure and I/O-free: the resolvers encode, the apps decode (static/shared/runsheet-client.ts),
 * and the types make a field added on one side without the other a compile error.
 */

import type { ChangedStep, Runsheet, RunsheetChanges, RunsheetStep } from '../services/runsheet/types';

/** What the runsheet apps get of a step. */
export type RunsheetStepView = Omit<RunsheetStep, 'predecessorId' | 'predecessorCode' | 'environmentRoleId' | 'updatedAt'>;

/**
 * [id, code, name, ownerTeamId, impactedTeamIds, statusId, durationMinutes, start, end,
 *  instructions done, instructions total, labelIds, p (0 when none), statusReason (only when set)]
 * `start`/`end` are seconds from `t0`. The type code is the code's prefix (TRT-010 -> TRT), sent
 * on its own only when the step has no code.
 */
export type WireStep = [
  id: string,
  code: string | null,
  name: string | null,
  ownerTeamId: number | null,
  impactedTeamIds: number[],
  statusId: number,
  durationMinutes: number | null,
  start: number | null,
  end: number | null,
  done: number,
  total: number,
  labelIds: number[],
  p: [number, number, number] | 0,
  statusReason?: string | null,
  typeCode?: string | null,
];

export type WireRunsheet = Runsheet<WireStep> & { t0: number };
export type WireRunsheetChanges = Omit<RunsheetChanges, 'steps'> & { t0: number; steps: Array<[phaseId: string, step: WireStep]> };

export type RunsheetView = Runsheet<RunsheetStepView>;
export type RunsheetChangesView = RunsheetChanges<RunsheetStepView>;

function secondsFrom(t0: number, iso: string | null): number | null {
  return iso === null ? null : Math.round(Date.parse(iso) / 1000) - t0;
}

function isoFrom(t0: number, seconds: number | null): string | null {
  return seconds === null ? null : new Date((t0 + seconds) * 1000).toISOString();
}

function typeCodeOf(code: string | null): string | null {
  if (code === null) return null;
  const dash = code.lastIndexOf('-');
  return dash > 0 ? code.slice(0, dash) : null;
}

export function encodeStep(step: RunsheetStep, t0: number): WireStep {
  const wire: WireStep = [
    step.id,
    step.code,
    step.name,
    step.ownerTeamId,
    step.impactedTeamIds,
    step.statusId,
    step.durationMinutes,
    secondsFrom(t0, step.startTime),
    secondsFrom(t0, step.endTime),
    step.instructions.done,
    step.instructions.total,
    step.labelIds,
    step.p ?? 0,
  ];
  const typeCode = step.code === null ? step.typeCode : null;
  if (step.statusReason !== undefined || typeCode !== null) wire.push(step.statusReason ?? null);
  if (typeCode !== null) wire.push(typeCode);
  return wire;
}

export function decodeStep(wire: WireStep, t0: number): RunsheetStepView {
  const [id, code, name, ownerTeamId, impactedTeamIds, statusId, durationMinutes, start, end, done, total, labelIds, p, statusReason, typeCode] = wire;
  const step: RunsheetStepView = {
    id,
    code,
    name,
    typeCode: code === null ? (typeCode ?? null) : typeCodeOf(code),
    ownerTeamId,
    impactedTeamIds,
    statusId,
    durationMinutes,
    startTime: isoFrom(t0, start),
    endTime: isoFrom(t0, end),
    instructions: { done, total },
    labelIds,
  };
  if (p !== 0) step.p = p;
  if (typeof statusReason === 'string') step.statusReason = statusReason;
  return step;
}

/** The answer's own clock in whole seconds: every time in it is a small offset from here. */
function t0Of(asOf: string): number {
  return Math.floor(Date.parse(asOf) / 1000);
}

/** The same runsheet with every step carried as `fn` makes it. */
function mapSteps<A, B>(runsheet: Runsheet<A>, fn: (step: A) => B): Runsheet<B> {
  return {
    ...runsheet,
    planInstances: runsheet.planInstances.map((plan) => ({
      ...plan,
      sequences: plan.sequences.map((sequence) => ({
        ...sequence,
        phases: sequence.phases.map((phase) => ({ ...phase, steps: phase.steps.map(fn) })),
      })),
    })),
  };
}

export function encodeRunsheet(runsheet: Runsheet): WireRunsheet {
  const t0 = t0Of(runsheet.asOf);
  return { ...mapSteps(runsheet, (step) => encodeStep(step, t0)), t0 };
}

export function decodeRunsheet(wire: WireRunsheet): RunsheetView {
  const { t0, ...runsheet } = wire;
  return mapSteps(runsheet, (step) => decodeStep(step, t0));
}

export function encodeRunsheetChanges(changes: RunsheetChanges): WireRunsheetChanges {
  const t0 = t0Of(changes.asOf);
  return { ...changes, t0, steps: changes.steps.map(({ phaseId, ...step }) => [phaseId, encodeStep(step, t0)]) };
}

export function decodeRunsheetChanges(wire: WireRunsheetChanges): RunsheetChangesView {
  const { t0, ...changes } = wire;
  return { ...changes, steps: changes.steps.map(([phaseId, step]): ChangedStep<RunsheetStepView> => ({ ...decodeStep(step, t0), phaseId })) };
}
