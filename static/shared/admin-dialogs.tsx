import Button from '@atlaskit/button/new';
import { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import SectionMessage from '@atlaskit/section-message';
import { useId, useMemo, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { adminCreate, adminDelete, adminGet, adminUpdate, readProblem, versionOf, type AnyRow, type Problem } from './admin-api';
import { fieldsFor, rowIdOf, type EntityDescriptor } from './admin-descriptors';
import { FieldInput, fromFormValue, initialValues, OMIT, rowValue, toFormValue, type FormValue, type FormValues } from './admin-fields';
import { AdminModal } from './admin-modal';
import { LiveText } from './ui';

/**
 * The create/edit form and the delete confirmation of the generic admin page. Both are Atlaskit
 * modals: focus moves into them and stays there, Esc closes, focus returns to the button that
 * opened them. What the service says is shown as it is: per field when its details name the
 * field, and always in a sentence at the top.
 */

/** The service's sentence in an Atlaskit section message, announced when it appears. */
export function ProblemMessage({ problem, actions, title }: { problem: Problem; actions?: ReactNode; title?: string }) {
  return (
    <div role="alert" data-error-code={problem.code} style={{ marginBottom: '1rem' }}>
      <SectionMessage appearance={problem.code === 'CONFLICT' ? 'warning' : 'error'} title={title}>
        <p style={{ margin: 0 }} data-testid="problem-message">
          {problem.message}
        </p>
        {actions && <div style={{ marginTop: '0.5rem', display: 'flex', gap: '0.5rem' }}>{actions}</div>}
      </SectionMessage>
    </div>
  );
}

type Entity = EntityDescriptor;

export interface EntityFormDialogProps {
  descriptor: Entity;
  /** The row to edit, as loaded; absent: create. */
  row?: AnyRow;
  onClose: () => void;
  onSaved: (saved: AnyRow, mode: 'create' | 'edit') => void;
}

export function EntityFormDialog({ descriptor, row, onClose, onSaved }: EntityFormDialogProps) {
  const mode = row ? 'edit' : 'create';
  const fields = fieldsFor(descriptor, mode);
  const formId = useId();
  const [current, setCurrent] = useState<AnyRow | undefined>(row);
  const [values, setValues] = useState<FormValues>(() => initialValues(fields, row));
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState<'saving' | 'reloading'>();
  const alertRef = useRef<HTMLDivElement>(null);

  const inputId = (name: string) => `${formId}-${name}`;
  const errors = { ...(problem?.fields ?? {}), ...clientErrors };
  const title = mode === 'create' ? `Create ${descriptor.singular}` : `Edit ${descriptor.singular}`;

  function focusFirstError(names: string[]) {
    // After React has rendered the messages.
    window.setTimeout(() => {
      const first = fields.find((field) => names.includes(field.name));
      const target = first ? document.getElementById(inputId(first.name)) : alertRef.current;
      target?.focus();
    }, 0);
  }

  function setValue(name: string, value: FormValue) {
    setValues((previous) => ({ ...previous, [name]: value }));
    setClientErrors((previous) => {
      if (!(name in previous)) return previous;
      const next = { ...previous };
      delete next[name];
      return next;
    });
  }

  /** The payload, or the messages of what cannot be sent. */
  function buildPayload(): { payload: Record<string, unknown>; errors: Record<string, string>; changed: number } {
    const payload: Record<string, unknown> = {};
    const problems: Record<string, string> = {};
    let changed = 0;
    for (const field of fields) {
      if (mode === 'edit' && field.fixedAfterCreate) continue;
      const converted = fromFormValue(field, values[field.name] ?? null);
      if (!converted.ok) {
        problems[field.name] = converted.message;
        continue;
      }
      if (mode === 'create') {
        if (converted.value !== OMIT && converted.value !== null) payload[field.name] = converted.value;
        continue;
      }
      const before = fromFormValue(field, toFormValue(field, rowValue(field, current!)));
      const was = before.ok ? before.value : undefined;
      if (converted.value === OMIT || JSON.stringify(converted.value) === JSON.stringify(was === OMIT ? null : was)) continue;
      payload[field.name] = converted.value;
      changed += 1;
    }
    return { payload, errors: problems, changed };
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const built = buildPayload();
    setClientErrors(built.errors);
    if (Object.keys(built.errors).length > 0) {
      setProblem(undefined);
      focusFirstError(Object.keys(built.errors));
      return;
    }
    if (mode === 'edit' && built.changed === 0) {
      onClose();
      return;
    }
    setBusy('saving');
    setNotice(undefined);
    try {
      const saved =
        mode === 'create'
          ? await adminCreate(descriptor.entity, { ...(descriptor.fixed ?? {}), ...built.payload } as never)
          : await adminUpdate(descriptor.entity, { id: rowIdOf(current!), ...versionOf(current!, descriptor.concurrency), ...built.payload } as never);
      onSaved(saved, mode);
    } catch (error) {
      const read = readProblem(error, fields.map((field) => field.name));
      setProblem(read);
      setBusy(undefined);
      focusFirstError(Object.keys(read.fields));
    }
  }

  async function reload() {
    if (!current) return;
    setBusy('reloading');
    try {
      const fresh = (await adminGet(descriptor.entity, rowIdOf(current) as never)) as AnyRow;
      setCurrent(fresh);
      setValues(initialValues(fields, fresh));
      setProblem(undefined);
      setClientErrors({});
      setNotice(`Loaded the latest version of ${descriptor.singular} "${descriptor.nameOf(fresh)}". Make your change again.`);
    } catch (error) {
      setProblem(readProblem(error));
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <AdminModal onClose={onClose} width="medium" shouldScrollInViewport={false} testId="entity-form-dialog">
      <ModalHeader>
        <ModalTitle>{title}</ModalTitle>
      </ModalHeader>
      <ModalBody>
        <div ref={alertRef} tabIndex={-1}>
          {problem && (
            <ProblemMessage
              problem={problem}
              actions={
                problem.reloadable && mode === 'edit' ? (
                  <Button onClick={() => void reload()} isLoading={busy === 'reloading'}>
                    Reload
                  </Button>
                ) : undefined
              }
            />
          )}
          <LiveText text={notice} style={{ marginTop: 0 }} />
        </div>
        <form id={formId} onSubmit={(event) => void submit(event)} noValidate aria-label={title}>
          {fields.map((field) => (
            <FieldInput
              key={field.name}
              field={field}
              id={inputId(field.name)}
              value={values[field.name] ?? null}
              onChange={(value) => setValue(field.name, value)}
              error={errors[field.name]}
              readOnly={mode === 'edit' && field.fixedAfterCreate}
            />
          ))}
        </form>
      </ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={onClose}>
          Cancel
        </Button>
        <Button appearance="primary" type="submit" form={formId} isLoading={busy === 'saving'}>
          {mode === 'create' ? 'Create' : 'Save'}
        </Button>
      </ModalFooter>
    </AdminModal>
  );
}

export interface DeleteDialogProps {
  descriptor: Entity;
  row: AnyRow;
  onClose: () => void;
  onDeleted: () => void;
  /** Reload the table (after a CONFLICT: the row changed, or still has users). */
  onReload: () => void;
  /** Where the focus goes once the row (and the button that opened this dialog) is deleted. */
  focusAfterDelete?: RefObject<HTMLElement | null>;
}

/** "Delete team "DBA"?" — and when the service refuses, its sentence, verbatim. */
export function DeleteDialog({ descriptor, row, onClose, onDeleted, onReload, focusAfterDelete }: DeleteDialogProps) {
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const name = descriptor.nameOf(row);
  // On close the focus goes back to the button that opened the dialog, unless the row it was on
  // is gone: then to `focusAfterDelete` (the table's heading), never to the page's body.
  const opener = useRef(document.activeElement instanceof HTMLElement ? document.activeElement : null);
  const deleted = useRef(false);
  const returnFocus = useMemo<RefObject<HTMLElement>>(
    () => ({
      get current() {
        return (deleted.current ? focusAfterDelete?.current : null) ?? opener.current;
      },
    }),
    [focusAfterDelete],
  );

  async function confirm() {
    setBusy(true);
    try {
      await adminDelete(descriptor.entity, { id: rowIdOf(row), ...versionOf(row, descriptor.concurrency) } as never);
      deleted.current = true;
      onDeleted();
    } catch (error) {
      setProblem(readProblem(error));
      setBusy(false);
    }
  }

  return (
    <AdminModal onClose={onClose} width="small" testId="delete-dialog" shouldReturnFocus={returnFocus}>
      <ModalHeader>
        <ModalTitle appearance="danger">{`Delete ${descriptor.singular}?`}</ModalTitle>
      </ModalHeader>
      <ModalBody>
        {problem ? (
          <ProblemMessage
            problem={problem}
            title={problem.code === 'CONFLICT' ? `${capitalize(descriptor.singular)} not deleted` : undefined}
            actions={
              problem.reloadable ? (
                <Button
                  onClick={() => {
                    onReload();
                    onClose();
                  }}
                >
                  Reload
                </Button>
              ) : undefined
            }
          />
        ) : (
          <p style={{ marginTop: 0 }}>
            {capitalize(descriptor.singular)} <strong>{name}</strong> will be deleted. This cannot be undone.
          </p>
        )}
      </ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={onClose} autoFocus>
          {problem ? 'Close' : 'Cancel'}
        </Button>
        {!problem && (
          <Button appearance="danger" onClick={() => void confirm()} isLoading={busy}>
            Delete
          </Button>
        )}
      </ModalFooter>
    </AdminModal>
  );
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
