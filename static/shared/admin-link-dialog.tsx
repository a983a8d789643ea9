import Button from '@atlaskit/button/new';
import { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import { useCallback, useEffect, useId, useState, type CSSProperties, type FormEvent } from 'react';
import { linkAdd, linkList, linkRemove, readProblem, type Problem, type RowId } from './admin-api';
import type { LinkSpec } from './admin-descriptors';
import { capitalize, ProblemMessage } from './admin-dialogs';
import { AdminModal } from './admin-modal';
import { textOf, useOptions, type Option, type OptionValue } from './admin-options';
import { AdminTable } from './admin-table';
import { look } from './look';
import { styles } from './styles';

/**
 * The links of one row (a team's members, a step's labels…): the linked rows with a Remove
 * button each, and a select to add one more. Adding twice or removing what is gone are no-ops on
 * the service, so a double click is harmless.
 */

export interface LinkPanelProps {
  spec: LinkSpec;
  ownerId: RowId;
  /** The table's accessible name. */
  label: string;
  /** A heading above the panel, when a dialog holds several. */
  heading?: string;
  /** A link was added or removed: views that show links (a step's labels…) are stale. */
  onChanged?: () => void;
}

type Linked = { value: OptionValue; label: string; extra: OptionValue | null };

const menuPortal = { menuPortal: (base: CSSProperties) => ({ ...base, zIndex: 1000 }) };

export function LinkPanel({ spec, ownerId, label, heading, onChanged }: LinkPanelProps) {
  const selectId = useId();
  const extraId = useId();
  const choices = useOptions(spec.other.source);
  const extraChoices = useOptions(spec.extra?.source);
  const [linked, setLinked] = useState<Array<{ value: OptionValue; extra: OptionValue | null }>>();
  const [loadProblem, setLoadProblem] = useState<Problem>();
  const [problem, setProblem] = useState<Problem>();
  const [picked, setPicked] = useState<Option | null>(null);
  const [pickedExtra, setPickedExtra] = useState<Option | null>(null);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<OptionValue | null>(null);
  const [status, setStatus] = useState<string>();

  const load = useCallback(async () => {
    try {
      const rows = (await linkList(spec.link, { [spec.ownerProp]: ownerId } as never)) as Array<Record<string, unknown>>;
      const extraProp = spec.extra?.prop;
      setLinked(rows.map((row) => ({ value: row[spec.otherProp] as OptionValue, extra: extraProp ? ((row[extraProp] as OptionValue | null | undefined) ?? null) : null })));
      setLoadProblem(undefined);
    } catch (error) {
      setLoadProblem(readProblem(error));
    }
  }, [spec.link, spec.ownerProp, spec.otherProp, spec.extra?.prop, ownerId]);

  useEffect(() => {
    void load();
  }, [load]);

  const labelFor = (value: OptionValue) => choices.options.find((option) => option.value === value)?.label ?? textOf(value);
  const rows: Linked[] = (linked ?? []).map(({ value, extra }) => ({ value, extra, label: labelFor(value) })).sort((a, b) => a.label.localeCompare(b.label));
  const linkedValues = new Set((linked ?? []).map((row) => row.value));
  const available = choices.options.filter((option) => !linkedValues.has(option.value));
  const extraLabel = (value: OptionValue | null) => (value === null ? '—' : (extraChoices.options.find((option) => option.value === value)?.label ?? textOf(value)));

  async function change(kind: 'add' | 'remove', value: OptionValue, name: string) {
    setBusy(true);
    if (kind === 'remove') setRemoving(value);
    setProblem(undefined);
    try {
      const keys = { [spec.ownerProp]: ownerId, [spec.otherProp]: value };
      const extra = kind === 'add' && spec.extra ? { [spec.extra.prop]: pickedExtra?.value ?? null } : {};
      await (kind === 'add' ? linkAdd(spec.link, { ...keys, ...extra } as never) : linkRemove(spec.link, keys as never));
      await load();
      onChanged?.();
      if (kind === 'add') {
        setPicked(null);
        setPickedExtra(null);
      }
      setStatus(kind === 'add' ? `Added ${name}.` : `Removed ${name}.`);
      // The removed row's button is gone, and Add is disabled until the next choice: the focus
      // goes to the picker, for the next one.
      document.getElementById(selectId)?.focus();
    } catch (error) {
      setProblem(readProblem(error));
    } finally {
      setBusy(false);
      setRemoving(null);
    }
  }

  function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!picked || busy) return;
    void change('add', picked.value, picked.label);
  }

  return (
    <section aria-label={label} style={heading ? look.section : undefined}>
      {heading && <h3 style={look.sectionTitle}>{heading}</h3>}
      {problem && <ProblemMessage problem={problem} />}
      <p role="status" aria-live="polite" style={{ ...look.meta, minHeight: '1rem', margin: '0 0 0.5rem' }}>
        {status}
      </p>
      <form onSubmit={add} style={{ ...look.row, alignItems: 'flex-end', marginBottom: '1rem', flexWrap: 'nowrap' }}>
        <div style={{ ...styles.field, marginBottom: 0, flex: '1 1 auto' }}>
          <label htmlFor={selectId} style={styles.label}>
            {`Add a ${spec.other.singular}`}
          </label>
          <Select<Option>
            inputId={selectId}
            options={available}
            value={picked}
            onChange={(option) => setPicked(option)}
            isLoading={choices.status === 'loading'}
            placeholder={choices.status === 'error' ? choices.message : `Choose a ${spec.other.singular}…`}
            isClearable
            isRequired
            menuPortalTarget={document.body}
            styles={menuPortal}
          />
        </div>
        {spec.extra && (
          <div style={{ ...styles.field, marginBottom: 0, flex: '0 1 14rem' }}>
            <label htmlFor={extraId} style={styles.label}>
              {spec.extra.label}
            </label>
            <Select<Option>
              inputId={extraId}
              options={extraChoices.options}
              value={pickedExtra}
              onChange={(option) => setPickedExtra(option)}
              isLoading={extraChoices.status === 'loading'}
              placeholder={extraChoices.status === 'error' ? extraChoices.message : 'None'}
              isClearable
              menuPortalTarget={document.body}
              styles={menuPortal}
            />
          </div>
        )}
        <Button type="submit" appearance="primary" isDisabled={!picked} isLoading={busy}>
          Add
        </Button>
      </form>
      {loadProblem ? (
        <ProblemMessage problem={loadProblem} actions={<Button onClick={() => void load()}>Try again</Button>} />
      ) : linked === undefined ? (
        <Spinner label={`Loading the ${spec.other.plural}`} />
      ) : rows.length === 0 ? (
        <p style={styles.subtle}>{`No ${spec.other.plural} yet.`}</p>
      ) : (
        <AdminTable<Linked>
          label={label}
          rows={rows}
          rowKey={(row) => row.value}
          columns={[
            { header: capitalize(spec.other.singular), cell: (row) => row.label },
            ...(spec.extra ? [{ header: spec.extra.label, cell: (row: Linked) => extraLabel(row.extra) }] : []),
            {
              header: 'Actions',
              end: true,
              cell: (row) => (
                <Button
                  spacing="compact"
                  appearance="subtle"
                  aria-label={`Remove ${row.label}`}
                  isDisabled={busy && removing !== row.value}
                  isLoading={removing === row.value}
                  onClick={() => void change('remove', row.value, row.label)}
                >
                  Remove
                </Button>
              ),
            },
          ]}
        />
      )}
    </section>
  );
}

export interface LinkDialogProps {
  /** One link kind (a team's members), or all of a row's links in one dialog (a step's). */
  specs: readonly LinkSpec[];
  ownerId: RowId;
  ownerName: string;
  onClose: () => void;
  onChanged?: () => void;
}

export function LinkDialog({ specs, ownerId, ownerName, onClose, onChanged }: LinkDialogProps) {
  const single = specs.length === 1 ? specs[0] : undefined;
  const title = single ? single.title(ownerName) : `Links of ${ownerName}`;
  return (
    <AdminModal onClose={onClose} width="medium" testId="link-dialog">
      <ModalHeader>
        <ModalTitle>{title}</ModalTitle>
      </ModalHeader>
      <ModalBody>
        {specs.map((spec) => (
          <LinkPanel
            key={`${spec.link}-${spec.ownerProp}`}
            spec={spec}
            ownerId={ownerId}
            label={spec.title(ownerName)}
            heading={single ? undefined : spec.action}
            onChanged={onChanged}
          />
        ))}
      </ModalBody>
      <ModalFooter>
        <Button onClick={onClose}>Done</Button>
      </ModalFooter>
    </AdminModal>
  );
}
