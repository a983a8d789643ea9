import Button from '@atlaskit/button/new';
import { useEffect, useId, useRef, useState } from 'react';
import { umig, type StepTransitions, type TransitionOption } from '../api';
import { describeError, ServiceError } from '../bridge';
import { look } from '../look';
import { ErrorState } from '../ui';

/** What the form under the buttons asks for: an override reason, a reason for the move, or a confirmation. */
interface OverrideAsk {
  to: TransitionOption;
  message: string;
  kind: 'override' | 'reason' | 'confirmation';
}

function isOverridable(error: unknown): error is ServiceError {
  if (!(error instanceof ServiceError) || error.code !== 'CONFLICT') return false;
  const details = error.details as { overridable?: unknown } | undefined;
  return details?.overridable === true;
}

/** The service asks for a reason or a confirmation (the step changed since the buttons were drawn). */
function askOf(error: unknown): 'reason' | 'confirmation' | null {
  if (!(error instanceof ServiceError)) return null;
  const ask = (error.details as { ask?: unknown } | undefined)?.ask;
  return ask === 'reason' || ask === 'confirmation' ? ask : null;
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
  // Cancelling takes the step out of the run: the form also asks to confirm that, not only why.
  const [cancelConfirmed, setCancelConfirmed] = useState(false);
  const groupRef = useRef<HTMLDivElement>(null);
  const askRef = useRef<HTMLParagraphElement>(null);

  // The question that opens under the buttons takes the focus: the reason box (autoFocus, with the
  // question as its description) or, for a confirmation, the question itself.
  useEffect(() => {
    if (override?.kind === 'confirmation') askRef.current?.focus();
  }, [override]);

  /** Back to the button that asked (the form under the buttons closes). */
  function closeAsk() {
    const label = override ? `Move to ${override.to.label}` : undefined;
    setOverride(undefined);
    const button = [...(groupRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])].find((candidate) => candidate.textContent === label);
    (button ?? groupRef.current)?.focus();
  }

  if (transitions.transitions.length === 0) return null;

  async function move(to: TransitionOption, extra: { overrideReason?: string; reason?: string; confirmOpenInstructions?: boolean } = {}) {
    setBusy(to.status);
    setError(undefined);
    try {
      const result = await umig('steps/changeStatus', {
        stepId: transitions.stepId,
        toStatus: to.status,
        expectedStatus: transitions.status,
        ...extra,
      });
      // The form's button that was pressed goes away with the form: hold the focus on the group
      // until the step view, once it has read the step again, puts it on the next move.
      if (override && groupRef.current?.contains(document.activeElement) && !groupRef.current.firstElementChild?.contains(document.activeElement)) {
        groupRef.current.focus();
      }
      setOverride(undefined);
      setReason('');
      const code = transitions.code ?? 'The step';
      onChanged(
        result.changed
          ? `${code} is now ${to.label.toLowerCase()}${result.overridden ? ' (override recorded)' : ''}.`
          : `${code} was already ${to.label.toLowerCase()}.`,
      );
    } catch (failure) {
      const ask = askOf(failure);
      if (extra.overrideReason === undefined && isOverridable(failure)) {
        setOverride({ to, message: failure.message, kind: 'override' });
      } else if (ask !== null && extra.reason === undefined && extra.confirmOpenInstructions === undefined) {
        setOverride({ to, message: (failure as Error).message, kind: ask });
      } else {
        setError(describeError(failure));
      }
    } finally {
      setBusy(null);
    }
  }

  const cancelling = override?.to.status === 'CANCELLED' && override.kind === 'reason';

  return (
    <div role="group" aria-label="Change status" ref={groupRef} tabIndex={-1}>
      <div style={look.row}>
        {transitions.transitions.map((option) => {
          const hardBlocked = option.blocked !== null && !option.blocked.overridable;
          return (
            <Button
              key={option.status}
              appearance={option.status === 'COMPLETED' ? 'primary' : option.status === 'FAILED' ? 'danger' : 'default'}
              // The pressed button stays enabled (loading, aria-disabled) so it keeps the focus.
              isDisabled={(busy !== null && busy !== option.status) || hardBlocked}
              isLoading={busy === option.status}
              onClick={() => {
                // Blocked, Failed and Cancelled ask first. Whether instructions are still open is the
                // service's call at the moment of the move: ticks made since these buttons were drawn
                // would make a question asked from here stale, so completing asks only when refused.
                setCancelConfirmed(false);
                if (option.needs && option.status !== 'COMPLETED') setOverride({ to: option, message: option.needs.message, kind: option.needs.ask });
                else void move(option);
              }}
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
          aria-label={override.kind === 'override' ? 'Override' : override.kind === 'reason' ? 'Reason' : 'Confirm'}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && busy === null) {
              event.preventDefault();
              closeAsk();
            }
          }}
          onSubmit={(event) => {
            event.preventDefault();
            if (override.kind === 'override') void move(override.to, { overrideReason: reason.trim() });
            else if (override.kind === 'reason') void move(override.to, { reason: reason.trim() });
            else void move(override.to, { confirmOpenInstructions: true });
          }}
        >
          <p ref={askRef} id={`${id}-ask`} tabIndex={-1} style={{ marginTop: 0 }}>
            {override.message}
          </p>
          {override.kind !== 'confirmation' && (
            <>
              <label htmlFor={`${id}-reason`} style={look.meta}>
                {override.kind === 'override' ? 'Reason for the override (kept in the audit log)' : 'Reason (shown in the runsheet, kept in the audit log)'}
              </label>
              <textarea
                id={`${id}-reason`}
                style={look.textarea}
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                aria-invalid={reason.length > 2000}
                aria-describedby={`${id}-ask`}
                autoFocus
                required
              />
              {reason.length > 2000 && (
                <p role="alert" style={look.meta}>
                  {`The reason is ${reason.length.toLocaleString()} characters long; keep it under 2,000.`}
                </p>
              )}
            </>
          )}
          {cancelling && (
            <label style={{ ...look.row, marginTop: '0.5rem' }}>
              <input type="checkbox" checked={cancelConfirmed} onChange={(event) => setCancelConfirmed(event.target.checked)} />
              {`Yes, cancel ${transitions.code ?? 'this step'}: it leaves the run, and only a pilot can bring it back.`}
            </label>
          )}
          <div style={{ ...look.row, marginTop: '0.5rem' }}>
            <Button
              type="submit"
              appearance={override.to.status === 'CANCELLED' || override.to.status === 'FAILED' ? 'danger' : 'warning'}
              isDisabled={
                (busy !== null && busy !== override.to.status) ||
                (override.kind !== 'confirmation' && (reason.trim() === '' || reason.length > 2000)) ||
                (cancelling && !cancelConfirmed)
              }
              isLoading={busy === override.to.status}
            >
              {override.kind === 'override'
                ? `Override and move to ${override.to.label}`
                : override.kind === 'confirmation'
                  ? `Yes, move to ${override.to.label} anyway`
                  : cancelling
                    ? `Cancel ${transitions.code ?? 'the step'}`
                    : `Move to ${override.to.label}`}
            </Button>
            <Button appearance="subtle" onClick={closeAsk}>
              {cancelling ? 'Keep the step' : 'Cancel'}
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
