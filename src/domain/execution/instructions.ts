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
}

export interface InstructionToggleEffects {
  /**
   * False when the instruction already has the requested state: write nothing, audit nothing.
   * When true and completing, set `ini_completed_at` and `usr_id_completed_by`; when unticking, clear both.
   */
  changed: boolean;
}

/**
 * Instructions change only while their step is IN_PROGRESS, so the checklist of a finished or
 * not-yet-started step is a faithful record. An idempotent repeat is accepted in any step status:
 * the state the user asked for already holds, so there is nothing to refuse.
 */
export function checkInstructionToggle(toggle: InstructionToggle): Decision<InstructionToggleEffects> {
  if (toggle.isCompleted === toggle.complete) return { ok: true, changed: false };
  if (toggle.stepStatus !== 'IN_PROGRESS') {
    const subject = toggle.stepCode ? toggle.stepCode : 'this step';
    const action = toggle.complete ? 'completed' : 'reopened';
    return refuse(
      'CONFLICT',
      `Instructions can only be ${action} while the step is in progress; ${subject} is ${statusLabel(toggle.stepStatus).toLowerCase()}.`,
      { stepStatus: toggle.stepStatus },
    );
  }
  return { ok: true, changed: true };
}
