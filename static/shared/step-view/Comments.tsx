import Button from '@atlaskit/button/new';
import { useId, useState } from 'react';
import { umig, type CommentView, type StepDetail } from '../api';
import { describeError } from '../bridge';
import { COMMENT_MAX } from '../../../src/domain/text-limits';
import { formatFullTime, tooLongMessage } from '../format';
import { look } from '../look';
import { ErrorState } from '../ui';

/** Comments on the step: anyone the service lets comment adds; edit and delete follow `canEdit`. */
export function Comments({ detail, onChanged }: { detail: StepDetail; onChanged: () => void }) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function add() {
    setBusy(true);
    setError(undefined);
    try {
      await umig('comments/add', { stepId: detail.step.id, body: draft });
      setDraft('');
      onChanged();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      {detail.comments.length === 0 ? (
        <p style={look.meta}>No comments yet.</p>
      ) : (
        <ul style={look.list} aria-label="Comments">
          {detail.comments.map((comment) => (
            <CommentItem key={comment.id} comment={comment} onChanged={onChanged} />
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
            <Button type="submit" appearance="primary" isDisabled={busy || draft.trim() === '' || draft.length > COMMENT_MAX} isLoading={busy}>
              Add comment
            </Button>
          </div>
        </form>
      )}
      {error && <ErrorState message={error} />}
    </div>
  );
}

function CommentItem({ comment, onChanged }: { comment: CommentView; onChanged: () => void }) {
  const id = useId();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [draft, setDraft] = useState(comment.body ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
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
            if (draft.trim() !== '' && draft.length <= COMMENT_MAX) void run(() => umig('comments/edit', { commentId: comment.id, body: draft }));
          }}
        >
          <label htmlFor={`${id}-edit`} style={look.visuallyHidden}>
            Edit comment
          </label>
          <textarea
            id={`${id}-edit`}
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
            <Button type="submit" appearance="primary" isDisabled={busy || draft.trim() === '' || draft.length > COMMENT_MAX}>
              Save
            </Button>
            <Button appearance="subtle" onClick={() => setEditing(false)}>
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
              <span style={look.meta}>Delete this comment?</span>
              <Button
                appearance="danger"
                spacing="compact"
                isDisabled={busy}
                onClick={() => void run(() => umig('comments/delete', { commentId: comment.id }))}
              >
                Delete comment
              </Button>
              <Button appearance="subtle" spacing="compact" onClick={() => setConfirming(false)}>
                Keep
              </Button>
            </>
          ) : (
            <>
              <Button appearance="subtle" spacing="compact" onClick={() => setEditing(true)}>
                Edit
              </Button>
              <Button appearance="subtle" spacing="compact" onClick={() => setConfirming(true)}>
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
