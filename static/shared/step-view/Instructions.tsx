import Checkbox from '@atlaskit/checkbox';
import { useState } from 'react';
import { umig, type InstructionView, type StepDetail } from '../api';
import { describeError } from '../bridge';
import { formatFullTime, formatMinutes, statusLabel } from '../format';
import { look } from '../look';
import { ErrorState } from '../ui';

interface Override {
  completed: boolean;
  completedAt: string | null;
}

/**
 * The step's instructions as a checklist. A tick shows at once (optimistic), is sent to
 * 'instructions/setCompleted', and is then replaced by what the service answers; a refusal puts
 * the box back and shows the service's sentence. While the step is not in progress the boxes are
 * disabled and say why (the service would refuse the tick anyway).
 */
export function Instructions({ detail, onChanged }: { detail: StepDetail; onChanged: () => void }) {
  const [pending, setPending] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [confirmed, setConfirmed] = useState<ReadonlyMap<string, Override>>(new Map());
  const [error, setError] = useState<string>();
  const [seenAsOf, setSeenAsOf] = useState(detail.asOf);

  // A fresh read from the service supersedes the answers kept since the previous one.
  if (seenAsOf !== detail.asOf) {
    setSeenAsOf(detail.asOf);
    setConfirmed(new Map());
  }

  const inProgress = detail.step.status.name === 'IN_PROGRESS';
  const reason = inProgress
    ? undefined
    : `Instructions can be ticked only while the step is in progress; it is ${statusLabel(detail.step.status.name).toLowerCase()}.`;
  const instructions = detail.instructions;
  const done = instructions.filter((instruction) => shownCompleted(instruction)).length;

  function shownCompleted(instruction: InstructionView): boolean {
    return pending.get(instruction.id) ?? confirmed.get(instruction.id)?.completed ?? instruction.completed;
  }

  async function toggle(instruction: InstructionView, completed: boolean) {
    // One change at a time per box; the box stays enabled while it is saved, so it keeps the focus.
    if (pending.has(instruction.id)) return;
    setError(undefined);
    setPending((current) => new Map(current).set(instruction.id, completed));
    try {
      const result = await umig('instructions/setCompleted', { instructionId: instruction.id, completed });
      setConfirmed((current) => new Map(current).set(instruction.id, { completed: result.isCompleted, completedAt: result.completedAt }));
      onChanged();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setPending((current) => {
        const next = new Map(current);
        next.delete(instruction.id);
        return next;
      });
    }
  }

  if (instructions.length === 0) {
    return <p style={look.meta}>This step has no instructions.</p>;
  }
  return (
    <div>
      <p style={look.meta} aria-live="polite">
        {done} of {instructions.length} done
      </p>
      {reason && (
        <p style={look.notice} id={`instructions-reason-${detail.step.id}`}>
          {reason}
        </p>
      )}
      <ul style={look.list} aria-label="Instructions">
        {instructions.map((instruction, index) => {
          const completed = shownCompleted(instruction);
          const completedAt = confirmed.get(instruction.id)?.completedAt ?? instruction.completedAt;
          const label = `${instruction.order ?? index + 1}. ${instruction.body ?? 'Instruction'}`;
          return (
            <li key={instruction.id} style={{ padding: '0.25rem 0' }} data-instruction-id={instruction.id} data-completed={completed}>
              <Checkbox
                isChecked={completed}
                isDisabled={!inProgress}
                aria-busy={pending.has(instruction.id) || undefined}
                aria-describedby={reason ? `instructions-reason-${detail.step.id}` : undefined}
                onChange={(event) => void toggle(instruction, event.target.checked)}
                label={label}
                name={`instruction-${instruction.id}`}
              />
              <div style={{ ...look.meta, paddingLeft: '1.75rem' }}>
                {formatMinutes(instruction.durationMinutes)}
                {completed && instruction.completedBy && instruction.completed ? ` · done by ${instruction.completedBy.name}` : ''}
                {completed && completedAt ? ` · ${formatFullTime(completedAt)}` : ''}
              </div>
            </li>
          );
        })}
      </ul>
      {error && <ErrorState message={error} />}
    </div>
  );
}
