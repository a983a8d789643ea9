import Button from '@atlaskit/button/new';
import { useEffect, useId, useRef, useState } from 'react';
import { umig, type CommentView, type StepDetail } from '../api';
import { describeError } from '../bridge';
import { COMMENT_MAX } from '../../../src/domain/text-limits';
import { formatFullTime, tooLongMessage } from '../format';
import { look } from '../look';
import { ErrorState, LiveText } from '../ui';

/** Comments on the step: anyone the service lets comment adds; edit and delete follow `canEdit`. */
export function Comments({ detail, onChanged }: { detail: StepDetail; onChanged: () => void }) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const newRef = useRef<HTMLTextAreaElement>(null);
  const listRef = useRef<HTMLDivElement>(null);

  async function add() {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      await umig('comments/add', { stepId: detail.step.id, body: draft });
      setDraft('');
      setDone('Comment added.');
      // The button is disabled once the box is empty: the focus goes back to the box, for the next one.
      newRef.current?.focus();
      onChanged();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  /** A deleted comment takes its buttons with it: the focus goes to the box for a new one, or the list. */
  function deleted() {
    setDone('Comment deleted.');
    (newRef.current ?? listRef.current)?.focus();
    onChanged();
  }

  return (
    <div ref={listRef} tabIndex={-1}>
      <LiveText text={done} />
      {detail.comments.length === 0 ? (
        <p style={look.meta}>No comments yet.</p>
      ) : (
        <ul style={look.list} aria-label="Comments">
          {detail.comments.map((comment) => (
            <CommentItem key={comment.id} comment={comment} onChanged={onChanged} onDeleted={deleted} />
          ))}
        </ul>
      )}
      {detail.permissions.canComment && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (draft.trim() !== '' && draft.length <= COMMENT_MAX) void add();
          }}
        >
          <label htmlFor={`${id}-new`} style={look.meta}>
            Add a comment
          </label>
          <textarea
            ref={newRef}
            id={`${id}-new`}
            style={look.textarea}
            value={draft}
            aria-invalid={draft.length > COMMENT_MAX || undefined}
            aria-describedby={draft.length > COMMENT_MAX ? `${id}-new-too-long` : undefined}
            onChange={(event) => setDraft(event.target.value)}
          />
          {draft.length > COMMENT_MAX && (
            <p id={`${id}-new-too-long`} role="alert" style={look.meta}>
              {tooLongMessage('comment', draft.length, COMMENT_MAX)}
            </p>
          )}
          <div style={{ ...look.row, marginTop: '0.5rem' }}>
            <Button type="submit" appearance="primary" isDisabled={!busy && (draft.trim() === '' || draft.length > COMMENT_MAX)} isLoading={busy}>
              Add comment
            </Button>
          </div>
        </form>
      )}
      {error && <ErrorState message={error} />}
    </div>
  );
}

function CommentItem({ comment, onChanged, onDeleted }: { comment: CommentView; onChanged: () => void; onDeleted: () => void }) {
  const id = useId();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [draft, setDraft] = useState(comment.body ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const editRef = useRef<HTMLButtonElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);
  const keepRef = useRef<HTMLButtonElement>(null);
  // Where the focus goes once the buttons it was on are swapped: 'edit' or 'delete' (back to the
  // button that opened the form or the question), 'keep' (the question's safe answer).
  const focusNext = useRef<'edit' | 'delete' | 'keep' | null>(null);
  useEffect(() => {
    const target = focusNext.current;
    if (target === null) return;
    focusNext.current = null;
    (target === 'edit' ? editRef : target === 'delete' ? deleteRef : keepRef).current?.focus();
  }, [editing, confirming]);

  async function run(action: () => Promise<unknown>, after: 'edit' | 'deleted') {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await action();
      if (after === 'deleted') {
        onDeleted();
        return;
      }
      focusNext.current = 'edit';
      setEditing(false);
      onChanged();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  const edited = comment.updatedAt && comment.updatedAt !== comment.createdAt;
  return (
    <li style={look.card} aria-label={`Comment by ${comment.author?.name ?? 'unknown'}`}>
      <div style={look.meta}>
        {comment.author?.name ?? 'Unknown user'} · {formatFullTime(comment.createdAt)}
        {edited ? ' · edited' : ''}
      </div>
      {editing ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (draft.trim() !== '' && draft.length <= COMMENT_MAX) void run(() => umig('comments/edit', { commentId: comment.id, body: draft }), 'edit');
          }}
        >
          <label htmlFor={`${id}-edit`} style={look.visuallyHidden}>
            Edit comment
          </label>
          <textarea
            id={`${id}-edit`}
            autoFocus
            style={look.textarea}
            value={draft}
            aria-invalid={draft.length > COMMENT_MAX || undefined}
            aria-describedby={draft.length > COMMENT_MAX ? `${id}-edit-too-long` : undefined}
            onChange={(event) => setDraft(event.target.value)}
          />
          {draft.length > COMMENT_MAX && (
            <p id={`${id}-edit-too-long`} role="alert" style={look.meta}>
              {tooLongMessage('comment', draft.length, COMMENT_MAX)}
            </p>
          )}
          <div style={{ ...look.row, marginTop: '0.25rem' }}>
            <Button type="submit" appearance="primary" isDisabled={!busy && (draft.trim() === '' || draft.length > COMMENT_MAX)} isLoading={busy}>
              Save
            </Button>
            <Button
              appearance="subtle"
              onClick={() => {
                focusNext.current = 'edit';
                setEditing(false);
              }}
            >
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <p style={{ margin: '0.25rem 0', whiteSpace: 'pre-wrap' }}>{comment.body}</p>
      )}
      {comment.canEdit && !editing && (
        <div style={look.row}>
          {confirming ? (
            <>
              <span id={`${id}-delete-ask`} style={look.meta}>
                Delete this comment?
              </span>
              <Button
                appearance="danger"
                spacing="compact"
                isLoading={busy}
                onClick={() => void run(() => umig('comments/delete', { commentId: comment.id }), 'deleted')}
              >
                Delete comment
              </Button>
              <Button
                ref={keepRef}
                aria-describedby={`${id}-delete-ask`}
                appearance="subtle"
                spacing="compact"
                onClick={() => {
                  focusNext.current = 'delete';
                  setConfirming(false);
                }}
              >
                Keep
              </Button>
            </>
          ) : (
            <>
              <Button ref={editRef} appearance="subtle" spacing="compact" onClick={() => setEditing(true)}>
                Edit
              </Button>
              <Button
                ref={deleteRef}
                appearance="subtle"
                spacing="compact"
                onClick={() => {
                  focusNext.current = 'keep';
                  setConfirming(true);
                }}
              >
                Delete
              </Button>
            </>
          )}
        </div>
      )}
      {error && <ErrorState message={error} />}
    </li>
  );
}
