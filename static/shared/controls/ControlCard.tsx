import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import { useId, useState } from 'react';
import { umig, type ControlStatusName, type ControlView, type UmigData, type ValidatorSlot, type Verdict } from '../api';
import { describeError } from '../bridge';
import { formatFullTime, statusLabel } from '../format';
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
      <p style={{ ...look.meta, margin: '0.25rem 0' }}>
        IT validator: {control.itValidator?.name ?? 'not assigned'} · Business validator: {control.bizValidator?.name ?? 'not assigned'}
        {control.updatedAt ? ` · updated ${formatFullTime(control.updatedAt)}` : ''}
      </p>
      {control.mySlots.length > 0 && <VerdictForm control={control} onRecorded={onRecorded} />}
    </article>
  );
}

function VerdictForm({ control, onRecorded }: { control: ControlView; onRecorded?: (result: VerdictResult) => void }) {
  const id = useId();
  const [slot, setSlot] = useState<ValidatorSlot>(control.mySlots[0]!);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<Verdict | null>(null);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();

  async function record(verdict: Verdict) {
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
      });
      setComment('');
      setDone(
        result.changed
          ? `Recorded: ${verdict === 'PASSED' ? 'pass' : 'fail'} as ${SLOT_IN_TEXT[slot]}. The control is now ${statusLabel(result.control.status.name).toLowerCase()}.`
          : 'Nothing changed: that verdict was already recorded.',
      );
      onRecorded?.(result);
    } catch (failure) {
      setError(describeError(failure));
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
        maxLength={4000}
        onChange={(event) => setComment(event.target.value)}
      />
      <div style={{ ...look.row, marginTop: '0.5rem' }}>
        {/* The pressed button stays enabled while it loads (aria-disabled), so the focus stays on it. */}
        <Button appearance="primary" isLoading={busy === 'PASSED'} isDisabled={busy === 'FAILED'} onClick={() => void record('PASSED')}>
          Pass {codeName}
        </Button>
        <Button appearance="danger" isLoading={busy === 'FAILED'} isDisabled={busy === 'PASSED'} onClick={() => void record('FAILED')}>
          Fail {codeName}
        </Button>
      </div>
      <LiveText text={done} style={{ ...look.meta, marginTop: '0.5rem' }} />
      {error && (
        <div style={{ marginTop: '0.5rem' }}>
          <ErrorState message={error} />
        </div>
      )}
    </div>
  );
}
