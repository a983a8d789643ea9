/**
 * Ticking instructions, the checklist inside a step. Many people tick at once during a cutover,
 * so a repeat of a tick already made is a clean no-op rather than an error.
 */

import { type Decision, refuse } from '../errors';
import { type StepStatus, statusLabel } from '../statuses';

export interface InstructionToggle {
  /** Current status of the instruction's step. */
  stepStatus: StepStatus;
  /** Current `ini_is_completed`. */
  isCompleted: boolean;
  /** True to tick, false to untick. */
  complete: boolean;
  /** Used in messages, e.g. TRT-010. */
  stepCode?: string | null;
  /** A pilot or administrator may tick or untick the checklist of a completed step (audited). */
  mayAmendCompleted?: boolean;
}

export interface InstructionToggleEffects {
  /**
   * False when the instruction already has the requested state: write nothing, audit nothing.
   * When true and completing, set `ini_completed_at` and `usr_id_completed_by`; when unticking, clear both.
   */
  changed: boolean;
  /** True when a pilot or administrator amended the checklist of a completed step. */
  afterCompletion?: boolean;
}

/**
 * Instructions change only while their step is IN_PROGRESS, so the checklist of a finished or
 * not-yet-started step is a faithful record; a pilot or administrator may still amend a completed
 * step's checklist (work done off-line, recorded afterwards), and the audit log says so. An idempotent repeat is accepted in any step status:
 * the state the user asked for already holds, so there is nothing to refuse.
 */
export function checkInstructionToggle(toggle: InstructionToggle): Decision<InstructionToggleEffects> {
  if (toggle.isCompleted === toggle.complete) return { ok: true, changed: false };
  if (toggle.stepStatus === 'COMPLETED' && toggle.mayAmendCompleted === true) return { ok: true, changed: true, afterCompletion: true };
  if (toggle.stepStatus !== 'IN_PROGRESS') {
    const subject = toggle.stepCode ? toggle.stepCode : 'this step';
    const action = toggle.complete ? 'completed' : 'reopened';
    return refuse(
      'CONFLICT',
      `Instructions can only be ${action} while the step is in progress${toggle.stepStatus === 'COMPLETED' ? ' (after completion, by a pilot or an administrator)' : ''}; ${subject} is ${statusLabel(toggle.stepStatus).toLowerCase()}.`,
      { stepStatus: toggle.stepStatus },
    );
  }
  return { ok: true, changed: true };
}
