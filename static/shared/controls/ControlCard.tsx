import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import { useId, useRef, useState } from 'react';
import { umig, type ControlStatusName, type ControlView, type UmigData, type ValidatorSlot, type Verdict } from '../api';
import { describeError, ServiceError } from '../bridge';
import { VERDICT_COMMENT_MAX } from '../../../src/domain/text-limits';
import { formatFullTime, statusLabel, tooLongMessage } from '../format';
import { look } from '../look';
import { StatusLozenge } from '../status-lozenge';
import { ErrorState, LiveText } from '../ui';

type VerdictResult = UmigData<'controls/recordVerdict'>;

const SLOT_NAMES: Record<ValidatorSlot, string> = { IT: 'IT validator', BIZ: 'Business validator' };
/** The slot inside a sentence. */
const SLOT_IN_TEXT: Record<ValidatorSlot, string> = { IT: 'IT validator', BIZ: 'business validator' };

/**
 * One control (quality gate): status, validators and, for the people the service lists in
 * `mySlots`, a PASS/FAIL verdict with a comment. The service decides who may sign; the card only
 * offers the slots it was given and shows the service's answer.
 */
export function ControlCard({ control, onRecorded }: { control: ControlView; onRecorded?: (result: VerdictResult) => void }) {
  const title = [control.code, control.name].filter(Boolean).join(' · ') || 'Control';
  return (
    <article style={look.card} aria-label={`Control ${control.code ?? control.name ?? ''}`.trim()} data-control-id={control.id}>
      <div style={{ ...look.row, justifyContent: 'space-between' }}>
        <div style={look.row}>
          <strong>{title}</strong>
          {control.critical && <Lozenge appearance="removed">Critical</Lozenge>}
          {control.type && <span style={look.meta}>{control.type}</span>}
        </div>
        <StatusLozenge status={control.status} />
      </div>
      {control.description && <p style={{ ...look.meta, margin: '0.25rem 0' }}>{control.description}</p>}
      <ul aria-label={`Signatures of ${control.code ?? control.name ?? 'the control'}`} style={{ ...look.list, display: 'grid', gap: '0.25rem', margin: '0.25rem 0' }}>
        <SlotLine slot="IT" assigned={control.itValidator} signature={control.it} />
        <SlotLine slot="BIZ" assigned={control.bizValidator} signature={control.biz} />
      </ul>
      {control.updatedAt && <p style={{ ...look.meta, margin: '0.25rem 0' }}>{`Updated ${formatFullTime(control.updatedAt)}`}</p>}
      {control.mySlots.length > 0 && <VerdictForm control={control} onRecorded={onRecorded} />}
    </article>
  );
}

type Slot = ControlView['it'];
type Assigned = ControlView['itValidator'];

/**
 * One validator slot: who is assigned, and once signed the verdict, who signed it, when and their
 * comment. A slot signed by the person who signed the other one (a pilot's four-eyes override)
 * carries an "Override" mark with the pilot's reason.
 */
function SlotLine({ slot, assigned, signature }: { slot: ValidatorSlot; assigned: Assigned; signature: Slot }) {
  return (
    <li data-slot={slot} data-verdict={signature.verdict ?? ''} data-override={signature.override ? 'true' : undefined} style={look.meta}>
      <div style={look.row}>
        <strong>{SLOT_NAMES[slot]}:</strong>
        <span>{assigned?.name ?? 'not assigned'}</span>
        {signature.verdict ? (
          <>
            <Lozenge appearance={signature.verdict === 'PASSED' ? 'success' : 'removed'}>{signature.verdict === 'PASSED' ? 'Passed' : 'Failed'}</Lozenge>
            <span data-testid="signed-by">{`signed by ${signature.by?.name ?? 'someone no longer listed'}${signature.at ? ` on ${formatFullTime(signature.at)}` : ''}`}</span>
            {signature.override && <Lozenge appearance="moved">Override</Lozenge>}
          </>
        ) : (
          <span>no verdict yet</span>
        )}
      </div>
      {signature.comment && <p style={{ margin: '0.125rem 0 0' }} data-testid="verdict-comment">{`“${signature.comment}”`}</p>}
      {signature.override && (
        <p style={{ margin: '0.125rem 0 0' }} data-testid="override-reason">
          {`Signed both slots (four eyes overridden): ${signature.override}`}
        </p>
      )}
    </li>
  );
}

/** The service says this signer already signed the other slot; a pilot may go on with a reason. */
function fourEyesAsk(error: unknown): string | null {
  if (!(error instanceof ServiceError) || error.code !== 'CONFLICT') return null;
  const details = error.details as { fourEyes?: unknown; overridable?: unknown } | undefined;
  return details?.fourEyes === true && details.overridable === true ? error.message : null;
}

function VerdictForm({ control, onRecorded }: { control: ControlView; onRecorded?: (result: VerdictResult) => void }) {
  const id = useId();
  const [slot, setSlot] = useState<ValidatorSlot>(control.mySlots[0]!);
  const [comment, setComment] = useState('');
  const commentTooLong = comment.length > VERDICT_COMMENT_MAX;
  const [busy, setBusy] = useState<Verdict | null>(null);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  /** Four eyes: the verdict the service refused because this person signed the other slot, and why. */
  const [override, setOverride] = useState<{ verdict: Verdict; message: string }>();
  const [overrideReason, setOverrideReason] = useState('');
  const passRef = useRef<HTMLButtonElement>(null);
  const failRef = useRef<HTMLButtonElement>(null);

  async function record(verdict: Verdict, reason?: string) {
    setBusy(verdict);
    setError(undefined);
    setDone(undefined);
    try {
      const result = await umig('controls/recordVerdict', {
        controlId: control.id,
        verdict,
        slot,
        comment: comment.trim() === '' ? undefined : comment.trim(),
        expectedStatus: control.status.name as ControlStatusName,
        ...(reason !== undefined ? { overrideReason: reason } : {}),
      });
      setComment('');
      // The override form (and its button that had the focus) goes: back to the verdict's button.
      if (reason !== undefined) (verdict === 'PASSED' ? passRef : failRef).current?.focus();
      setOverride(undefined);
      setOverrideReason('');
      setDone(
        result.changed
          ? `Recorded: ${verdict === 'PASSED' ? 'pass' : 'fail'} as ${SLOT_IN_TEXT[slot]}. The control is now ${statusLabel(result.control.status.name).toLowerCase()}.`
          : 'Nothing changed: that verdict was already recorded.',
      );
      onRecorded?.(result);
    } catch (failure) {
      const ask = reason === undefined ? fourEyesAsk(failure) : null;
      if (ask !== null) setOverride({ verdict, message: ask });
      else setError(describeError(failure));
    } finally {
      setBusy(null);
    }
  }

  const codeName = control.code ?? control.name ?? 'control';
  return (
    <div role="group" aria-label={`Verdict on ${codeName}`} style={{ marginTop: '0.5rem' }}>
      {control.mySlots.length > 1 && (
        <fieldset style={{ border: 0, padding: 0, margin: '0 0 0.5rem' }}>
          <legend style={look.meta}>Sign as</legend>
          <div style={look.row}>
            {control.mySlots.map((option) => (
              <label key={option} style={look.row}>
                <input type="radio" name={`${id}-slot`} value={option} checked={slot === option} onChange={() => setSlot(option)} />
                {SLOT_NAMES[option]}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <label htmlFor={`${id}-comment`} style={look.meta}>
        Comment{control.mySlots.length === 1 ? ` (as ${SLOT_IN_TEXT[control.mySlots[0]!]})` : ''}
      </label>
      <textarea
        id={`${id}-comment`}
        aria-label={`Verdict comment for ${codeName}`}
        style={{ ...look.textarea, minHeight: '2.5rem' }}
        value={comment}
        aria-invalid={commentTooLong || undefined}
        aria-describedby={commentTooLong ? `${id}-comment-too-long` : undefined}
        onChange={(event) => setComment(event.target.value)}
      />
      {commentTooLong && (
        <p id={`${id}-comment-too-long`} role="alert" style={look.meta}>
          {tooLongMessage('comment', comment.length, VERDICT_COMMENT_MAX)}
        </p>
      )}
      <div style={{ ...look.row, marginTop: '0.5rem' }}>
        {/* The pressed button stays enabled while it loads (aria-disabled), so the focus stays on it. */}
        <Button ref={passRef} appearance="primary" isLoading={busy === 'PASSED'} isDisabled={busy === 'FAILED' || commentTooLong} onClick={() => void record('PASSED')}>
          Pass {codeName}
        </Button>
        <Button ref={failRef} appearance="danger" isLoading={busy === 'FAILED'} isDisabled={busy === 'PASSED' || commentTooLong} onClick={() => void record('FAILED')}>
          Fail {codeName}
        </Button>
      </div>
      {override && (
        <form
          aria-label="Four eyes override"
          style={{ ...look.card, marginTop: '0.5rem' }}
          onSubmit={(event) => {
            event.preventDefault();
            void record(override.verdict, overrideReason.trim());
          }}
        >
          <p role="alert" style={{ marginTop: 0 }}>
            {override.message}
          </p>
          <label htmlFor={`${id}-override`} style={look.meta}>
            Reason for signing both slots (shown on the control, kept in the audit log)
          </label>
          <textarea
            id={`${id}-override`}
            style={look.textarea}
            value={overrideReason}
            onChange={(event) => setOverrideReason(event.target.value)}
            aria-invalid={overrideReason.length > 2000}
            autoFocus
            required
          />
          {overrideReason.length > 2000 && (
            <p role="alert" style={look.meta}>
              {`The reason is ${overrideReason.length.toLocaleString()} characters long; keep it under 2,000.`}
            </p>
          )}
          <div style={{ ...look.row, marginTop: '0.5rem' }}>
            <Button type="submit" appearance="warning" isLoading={busy !== null} isDisabled={busy === null && (overrideReason.trim() === '' || overrideReason.length > 2000)}>
              {`Override and ${override.verdict === 'PASSED' ? 'pass' : 'fail'} as ${SLOT_IN_TEXT[slot]}`}
            </Button>
            <Button
              appearance="subtle"
              onClick={() => {
                (override.verdict === 'PASSED' ? passRef : failRef).current?.focus();
                setOverride(undefined);
              }}
            >
              Cancel
            </Button>
          </div>
        </form>
      )}
      <LiveText text={done} style={{ ...look.meta, marginTop: '0.5rem' }} />
      {error && (
        <div style={{ marginTop: '0.5rem' }}>
          <ErrorState message={error} />
        </div>
      )}
    </div>
  );
}
