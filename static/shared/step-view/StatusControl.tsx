import Button from '@atlaskit/button/new';
import { useId, useState } from 'react';
import { umig, type StepTransitions, type TransitionOption } from '../api';
import { describeError, ServiceError } from '../bridge';
import { look } from '../look';
import { ErrorState } from '../ui';

interface OverrideAsk {
  to: TransitionOption;
  message: string;
}

function isOverridable(error: unknown): error is ServiceError {
  if (!(error instanceof ServiceError) || error.code !== 'CONFLICT') return false;
  const details = error.details as { overridable?: unknown } | undefined;
  return details?.overridable === true;
}

/**
 * The moves 'steps/allowedTransitions' offers this user, and nothing else: no list, no control.
 * Each move sends the status the user saw (expectedStatus), so a step someone else moved meanwhile
 * is refused with the service's sentence. A blocked start the service says a pilot may override
 * (CONFLICT with details.overridable) shows that sentence and asks for the reason.
 */
export function StatusControl({ transitions, onChanged }: { transitions: StepTransitions; onChanged: (message: string) => void }) {
  const id = useId();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [override, setOverride] = useState<OverrideAsk>();
  const [reason, setReason] = useState('');

  if (transitions.transitions.length === 0) return null;

  async function move(to: TransitionOption, overrideReason?: string) {
    setBusy(to.status);
    setError(undefined);
    try {
      const result = await umig('steps/changeStatus', {
        stepId: transitions.stepId,
        toStatus: to.status,
        expectedStatus: transitions.status,
        ...(overrideReason !== undefined ? { overrideReason } : {}),
      });
      setOverride(undefined);
      setReason('');
      const code = transitions.code ?? 'The step';
      onChanged(
        result.changed
          ? `${code} is now ${to.label.toLowerCase()}${result.overridden ? ' (override recorded)' : ''}.`
          : `${code} was already ${to.label.toLowerCase()}.`,
      );
    } catch (failure) {
      if (overrideReason === undefined && isOverridable(failure)) {
        setOverride({ to, message: failure.message });
      } else {
        setError(describeError(failure));
      }
    } finally {
      setBusy(null);
    }
  }

  return (
    <div role="group" aria-label="Change status">
      <div style={look.row}>
        {transitions.transitions.map((option) => {
          const hardBlocked = option.blocked !== null && !option.blocked.overridable;
          return (
            <Button
              key={option.status}
              appearance={option.status === 'COMPLETED' ? 'primary' : option.status === 'FAILED' ? 'danger' : 'default'}
              isDisabled={busy !== null || hardBlocked}
              isLoading={busy === option.status}
              onClick={() => void move(option)}
            >
              {`Move to ${option.label}`}
            </Button>
          );
        })}
      </div>
      {transitions.transitions
        .filter((option) => option.blocked !== null)
        .map((option) => (
          <p key={option.status} style={{ ...look.notice, marginTop: '0.5rem' }}>
            {option.label}: {option.blocked!.message}
          </p>
        ))}
      {override && (
        <form
          style={{ ...look.card, marginTop: '0.5rem' }}
          aria-label="Override"
          onSubmit={(event) => {
            event.preventDefault();
            void move(override.to, reason.trim());
          }}
        >
          <p role="alert" style={{ marginTop: 0 }}>
            {override.message}
          </p>
          <label htmlFor={`${id}-reason`} style={look.meta}>
            Reason for the override (kept in the audit log)
          </label>
          <textarea
            id={`${id}-reason`}
            style={look.textarea}
            value={reason}
            maxLength={2000}
            onChange={(event) => setReason(event.target.value)}
            required
          />
          <div style={{ ...look.row, marginTop: '0.5rem' }}>
            <Button type="submit" appearance="warning" isDisabled={busy !== null || reason.trim() === ''} isLoading={busy === override.to.status}>
              {`Override and move to ${override.to.label}`}
            </Button>
            <Button appearance="subtle" onClick={() => setOverride(undefined)}>
              Cancel
            </Button>
          </div>
        </form>
      )}
      {error && (
        <div style={{ marginTop: '0.5rem' }}>
          <ErrorState message={error} />
        </div>
      )}
    </div>
  );
}
