import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import Textfield from '@atlaskit/textfield';
import { useCallback, useEffect, useId, useRef, useState, type CSSProperties, type FormEvent } from 'react';
import { readProblem, type PlanInstanceRow, type Problem } from '../../shared/admin-api';
import { ProblemMessage, capitalize } from '../../shared/admin-dialogs';
import { labelOf, optionCache, useOptions, type Option } from '../../shared/admin-options';
import { AdminTable } from '../../shared/admin-table';
import { umig } from '../../shared/api';
import { readAllPages } from '../../shared/paging';
import { RUN_NAME_MAX } from '../../../src/domain/text-limits';
import { formatFullTime, tooLongMessage } from '../../shared/format';
import { look } from '../../shared/look';
import { StatusLozenge } from '../../shared/status-lozenge';
import { styles } from '../../shared/styles';
import * as source from './sources';
import { AdminModal } from '../../shared/admin-modal';

/**
 * The plan instances of one iteration, and "create plan instance": a master plan copied into
 * the iteration ('planInstances/create'). A second run of the same plan needs a run name; the
 * service says so (CONFLICT) and the run name field gets the focus. Each run can be deleted
 * (the service refuses once it has started, with its sentence), archived (read-only, hidden from
 * the pickers) or restored, each after a confirmation.
 */

export interface IterationRef {
  id: string;
  name: string;
  masterPlanId: string | null;
}

/**
 * planInstances/list types its times as Date (the Drizzle row), but they cross the bridge as
 * JSON, so what arrives is an ISO string.
 */
function isoOf(value: Date | string | null): string | null {
  if (value === null) return null;
  return typeof value === 'string' ? value : value.toISOString();
}

const menuPortal = { menuPortal: (base: CSSProperties) => ({ ...base, zIndex: 1000 }) };

export function PlanInstancesDialog({ iteration, onClose }: { iteration: IterationRef; onClose: () => void }) {
  const planId = useId();
  const runId = useId();
  const plans = useOptions(source.masterPlans);
  const [instances, setInstances] = useState<PlanInstanceRow[]>();
  const [loadProblem, setLoadProblem] = useState<Problem>();
  const [masterPlanId, setMasterPlanId] = useState<string | null>(iteration.masterPlanId);
  const [runName, setRunName] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const [planError, setPlanError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string>();
  const [action, setAction] = useState<{ kind: RunAction; row: PlanInstanceRow }>();
  const runNameRef = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    try {
      setInstances(await readAllPages((page) => umig('planInstances/list', { iterationId: iteration.id, includeArchived: true, ...page })));
      setLoadProblem(undefined);
    } catch (error) {
      setLoadProblem(readProblem(error));
    }
  }, [iteration.id]);

  useEffect(() => {
    void load();
  }, [load]);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (!masterPlanId) {
      setPlanError('Choose the master plan to copy into this iteration.');
      document.getElementById(planId)?.focus();
      return;
    }
    setPlanError(undefined);
    setProblem(undefined);
    setStatus(undefined);
    setBusy(true);
    try {
      const name = runName.trim();
      const created = await umig('planInstances/create', { iterationId: iteration.id, masterPlanId, ...(name ? { runName: name } : {}) });
      const { counts } = created;
      setStatus(
        `Created plan instance "${created.name}": ${counts.sequences} sequences, ${counts.phases} phases, ${counts.steps} steps, ${counts.instructions} instructions and ${counts.controls} controls.`,
      );
      setRunName('');
      optionCache.invalidate('iterations');
      await load();
    } catch (error) {
      const read = readProblem(error);
      setProblem(read);
      // A second run of the same plan needs a name: that is where to type it.
      if (read.code === 'CONFLICT') runNameRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  const planOptions: readonly Option[] = plans.options;
  return (
    <AdminModal onClose={onClose} width="large" testId="plan-instances-dialog">
      <ModalHeader>
        <ModalTitle>{`Plan instances of ${iteration.name}`}</ModalTitle>
      </ModalHeader>
      <ModalBody>
        {loadProblem ? (
          <ProblemMessage problem={loadProblem} actions={<Button onClick={() => void load()}>Try again</Button>} />
        ) : instances === undefined ? (
          <Spinner label="Loading the plan instances" />
        ) : instances.length === 0 ? (
          <p style={styles.subtle}>This iteration runs no plan yet.</p>
        ) : (
          <AdminTable<PlanInstanceRow>
            label={`Plan instances of ${iteration.name}`}
            rows={instances}
            rowKey={(row) => row.id}
            columns={[
              { header: 'Name', cell: (row) => row.name },
              { header: 'Master plan', cell: (row) => labelOf(planOptions, row.masterPlanId) },
              {
                header: 'Status',
                cell: (row) => (
                  <span style={{ display: 'inline-flex', gap: '0.25rem', flexWrap: 'wrap' }}>
                    <StatusLozenge status={row.status} isBold={false} />
                    {row.archivedAt !== null && <Lozenge appearance="default">Archived</Lozenge>}
                  </span>
                ),
              },
              { header: 'Started', cell: (row) => formatFullTime(isoOf(row.startTime)) },
              { header: 'Ended', cell: (row) => formatFullTime(isoOf(row.endTime)) },
              {
                header: 'Actions',
                cell: (row) => {
                  const name = row.name ?? 'Plan instance';
                  const kinds: RunAction[] = row.archivedAt === null ? ['archive', 'delete'] : ['restore', 'delete'];
                  return (
                    <span style={{ display: 'inline-flex', gap: '0.25rem' }}>
                      {kinds.map((kind) => (
                        <Button
                          key={kind}
                          spacing="compact"
                          appearance={kind === 'delete' ? 'danger' : 'default'}
                          aria-label={`${RUN_ACTIONS[kind].verb} ${name}`}
                          onClick={() => setAction({ kind, row })}
                        >
                          {RUN_ACTIONS[kind].verb}
                        </Button>
                      ))}
                    </span>
                  );
                },
              },
            ]}
          />
        )}
        {action && (
          <RunActionDialog
            kind={action.kind}
            row={action.row}
            onClose={() => setAction(undefined)}
            onReload={() => void load()}
            onDone={(sentence) => {
              setAction(undefined);
              setStatus(sentence);
              optionCache.invalidate('iterations');
              void load();
            }}
          />
        )}

        <h3 style={{ ...look.sectionTitle, marginTop: '1.5rem' }}>Create plan instance</h3>
        {problem && <ProblemMessage problem={problem} />}
        <p role="status" aria-live="polite" style={{ ...look.meta, minHeight: '1rem' }}>
          {status}
        </p>
        <form id={`${runId}-form`} onSubmit={(event) => void create(event)} noValidate aria-label="Create plan instance">
          <div style={styles.field}>
            <label htmlFor={planId} style={styles.label}>
              Master plan
            </label>
            <Select<Option>
              inputId={planId}
              options={planOptions}
              value={planOptions.find((option) => option.value === masterPlanId) ?? null}
              onChange={(option) => {
                setMasterPlanId(typeof option?.value === 'string' ? option.value : null);
                setPlanError(undefined);
              }}
              isLoading={plans.status === 'loading'}
              isInvalid={planError !== undefined}
              isRequired
              aria-describedby={planError ? `${planId}-error` : undefined}
              placeholder={plans.status === 'error' ? plans.message : 'Choose a master plan…'}
              menuPortalTarget={document.body}
              styles={menuPortal}
            />
            {planError && (
              <span id={`${planId}-error`} style={styles.fieldError}>
                {planError}
              </span>
            )}
          </div>
          <div style={styles.field}>
            <label htmlFor={runId} style={styles.label}>
              Run name (for a re-run)
            </label>
            <Textfield
              id={runId}
              ref={runNameRef}
              value={runName}
              isInvalid={runName.length > RUN_NAME_MAX}
              autoComplete="off"
              aria-describedby={`${runId}-hint`}
              onChange={(event) => setRunName((event.target as HTMLInputElement).value)}
            />
            {runName.length > RUN_NAME_MAX && (
              <span role="alert" style={styles.fieldError}>
                {tooLongMessage('run name', runName.length, RUN_NAME_MAX)}
              </span>
            )}
            <span id={`${runId}-hint`} style={{ ...styles.hint, fontSize: '0.75rem' }}>
              Leave empty for the plan’s first run in this iteration; a second run of the same plan needs a name, e.g. “Re-run after rollback”.
            </span>
          </div>
        </form>
      </ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={onClose}>
          Close
        </Button>
        <Button appearance="primary" type="submit" form={`${runId}-form`} isLoading={busy}>
          Create plan instance
        </Button>
      </ModalFooter>
    </AdminModal>
  );
}

type RunAction = 'delete' | 'archive' | 'restore';

const RUN_ACTIONS: Record<RunAction, { verb: string; key: 'planInstances/delete' | 'planInstances/archive' | 'planInstances/restore'; explain: string; done: string }> = {
  delete: {
    verb: 'Delete',
    key: 'planInstances/delete',
    explain:
      'will be deleted with its sequences, phases, steps, instructions, controls and comments. This cannot be undone. Only a run that has not started can be deleted.',
    done: 'Deleted plan instance',
  },
  archive: {
    verb: 'Archive',
    key: 'planInstances/archive',
    explain: 'will be archived: kept with its history, read-only, and hidden from the runsheet pickers. You can restore it later.',
    done: 'Archived plan instance',
  },
  restore: {
    verb: 'Restore',
    key: 'planInstances/restore',
    explain: 'will be restored: it can be executed again and the runsheet pickers offer it again.',
    done: 'Restored plan instance',
  },
};

/** "Delete plan instance?" with what it means; when the service refuses, its sentence, verbatim. */
function RunActionDialog({
  kind,
  row,
  onClose,
  onDone,
  onReload,
}: {
  kind: RunAction;
  row: PlanInstanceRow;
  onClose: () => void;
  onDone: (sentence: string) => void;
  onReload: () => void;
}) {
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const spec = RUN_ACTIONS[kind];
  const name = row.name ?? 'Plan instance';

  async function confirm() {
    setBusy(true);
    try {
      await umig(spec.key, { planInstanceId: row.id, expectedUpdatedAt: isoOf(row.updatedAt) });
      onDone(`${spec.done} "${name}".`);
    } catch (error) {
      setProblem(readProblem(error));
      setBusy(false);
    }
  }

  return (
    <AdminModal onClose={onClose} width="small" testId={`plan-instance-${kind}-dialog`}>
      <ModalHeader>
        <ModalTitle appearance={kind === 'delete' ? 'danger' : undefined}>{`${spec.verb} plan instance?`}</ModalTitle>
      </ModalHeader>
      <ModalBody>
        {problem ? (
          <ProblemMessage problem={problem} title={problem.code === 'CONFLICT' ? `${capitalize(spec.verb.toLowerCase())} refused` : undefined} />
        ) : (
          <p style={{ marginTop: 0 }}>
            Plan instance <strong>{name}</strong> {spec.explain}
          </p>
        )}
      </ModalBody>
      <ModalFooter>
        <Button
          appearance="subtle"
          onClick={() => {
            // A refusal may come from a run that changed meanwhile: show the list as it is now.
            if (problem) onReload();
            onClose();
          }}
          autoFocus
        >
          {problem ? 'Close' : 'Cancel'}
        </Button>
        {!problem && (
          <Button appearance={kind === 'delete' ? 'danger' : 'primary'} onClick={() => void confirm()} isLoading={busy}>
            {spec.verb}
          </Button>
        )}
      </ModalFooter>
    </AdminModal>
  );
}
