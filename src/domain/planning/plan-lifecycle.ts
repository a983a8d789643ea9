/**
 * When a plan instance (a run) may be deleted, and the sentences of the lifecycle's refusals.
 * A run that has not started is a mistake to undo (a wrong import, the wrong master): deleting it
 * loses nothing. Once anything happened in it, its history is a record of the cutover: it can
 * only be archived (read-only, hidden from the pickers) and restored.
 */

import { type Decision, refuse } from '../errors';

/** What has happened in a run; counted by the database, decided here. */
export interface RunActivity {
  /** The run's own start time is set. */
  planStarted: boolean;
  /** Steps out of PENDING, or with a start time. */
  stepsMoved: number;
  /** Instructions ticked (now or once). */
  instructionsTicked: number;
  /** Controls out of TODO, or with an IT or business verdict recorded. */
  controlsDecided: number;
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

/** "Not started": nothing moved, nothing ticked, no verdict; comments do not count. */
export function hasStarted(activity: RunActivity): boolean {
  return activity.planStarted || activity.stepsMoved > 0 || activity.instructionsTicked > 0 || activity.controlsDecided > 0;
}

export function decideRunDeletion(runName: string, activity: RunActivity): Decision {
  if (!hasStarted(activity)) return { ok: true };
  const facts = [
    activity.stepsMoved > 0 ? plural(activity.stepsMoved, 'step has moved', 'steps have moved') : null,
    activity.instructionsTicked > 0 ? plural(activity.instructionsTicked, 'instruction was ticked', 'instructions were ticked') : null,
    activity.controlsDecided > 0 ? plural(activity.controlsDecided, 'control has a verdict', 'controls have a verdict') : null,
  ].filter((fact): fact is string => fact !== null);
  const why = facts.length > 0 ? ` (${facts.join(', ')})` : '';
  return refuse(
    'CONFLICT',
    `Plan instance "${runName}" has started${why}, so it cannot be deleted: its history is kept. Archive it instead; an archived run is read-only and hidden from the runsheet pickers.`,
    { ...activity },
  );
}

/** The refusal of every change to an archived run. */
export function archivedRunMessage(runName: string): string {
  return `Plan instance "${runName}" is archived, so it is read-only. An administrator can restore it in UMIG administration (Iterations, Plan instances).`;
}

export function staleRunMessage(runName: string): string {
  return `Plan instance "${runName}" changed since you loaded it (someone worked on it or changed it). Reload the list and try again.`;
}
