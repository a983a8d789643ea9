import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import ProgressBar from '@atlaskit/progress-bar';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { adminList, readProblem, type Problem } from '../../shared/admin-api';
import { ProblemMessage } from '../../shared/admin-dialogs';
import { AdminTable } from '../../shared/admin-table';
import { umig, type UmigData, type UmigPayload } from '../../shared/api';
import { look } from '../../shared/look';
import { uploadInParts } from '../../shared/upload-parts';
import { downloadText, extraStyles as styles, menuPortal, StatusText, timeText } from './admin-extras';
import { CreatesList, PromoteDialog, RollbackDialog } from './ImportDialogs';

/**
 * Imports of master plan steps (docs/import-format.md): pick a plan, download the templates,
 * upload a CSV pair or one JSON document, read the batch's report, then continue (chunked
 * batches), promote or roll back. The service's sentences are shown as they are (a CONFLICT
 * names the import that holds the plan).
 */

type ImportView = UmigData<'imports/upload'>;
type ImportList = UmigData<'imports/list'>;
type ImportSummary = ImportList['imports'][number];
type ImportProblemRow = ImportView['report'][number];
type ImportFormat = UmigPayload<'imports/upload'>['format'];
type Templates = UmigData<'imports/templates'>;

interface PlanOption {
  label: string;
  value: string;
}

/** The plan choice that means "create a new master plan with this import". */
const NEW_PLAN = '__new__';

type Action = 'upload' | 'continue' | 'promote' | 'rollback' | 'open';

const ACTION_DONE: Record<Action, (view: ImportView) => string> = {
  upload: (view) => `Import uploaded: ${view.status}${view.counts.errors > 0 ? `, ${view.counts.errors} problem(s)` : ''}.`,
  continue: (view) => `Import continued: ${view.status}.`,
  promote: (view) => `Import promoted: ${view.status}.`,
  rollback: (view) => `Import rolled back: ${view.status}.`,
  open: (view) => `Import ${view.batchId} opened: ${view.status}.`,
};

/** The format the chosen files mean: one .json file, or two .csv files. */
function formatOf(files: readonly File[]): { format: ImportFormat } | { error: string } {
  if (files.length === 0) return { error: 'Choose the files to import.' };
  const json = files.filter((file) => /\.json$/i.test(file.name));
  const csv = files.filter((file) => /\.csv$/i.test(file.name));
  if (json.length === 1 && files.length === 1) return { format: 'JSON' };
  if (csv.length === 2 && files.length === 2) return { format: 'CSV' };
  return { error: 'Choose one JSON file, or the two CSV files (steps and instructions) together.' };
}

export function Imports() {
  const planInputId = useId();
  const fileInputId = useId();
  const chunkInputId = useId();
  const newNameId = useId();
  const newOwnerId = useId();
  const labelMigrationInputId = useId();
  const [newPlanName, setNewPlanName] = useState('');
  const [newPlanOwner, setNewPlanOwner] = useState('');
  const [migrations, setMigrations] = useState<PlanOption[]>();
  const [labelMigrationId, setLabelMigrationId] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const [plans, setPlans] = useState<PlanOption[]>();
  const [plansProblem, setPlansProblem] = useState<Problem>();
  const [planId, setPlanId] = useState<string | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [chunkSize, setChunkSize] = useState('');
  const [createMissing, setCreateMissing] = useState(false);
  const [templates, setTemplates] = useState<Templates>();
  const [batch, setBatch] = useState<ImportView>();
  const [recent, setRecent] = useState<ImportList>();
  const [problem, setProblem] = useState<Problem>();
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState<Action | 'templates'>();

  useEffect(() => {
    let alive = true;
    adminList('masterPlans')
      .then((rows) => {
        if (alive) setPlans(rows.map((row) => ({ label: String(row.name), value: String(row.id) })));
      })
      .catch((error: unknown) => {
        if (alive) setPlansProblem(readProblem(error));
      });
    adminList('migrations')
      .then((rows) => {
        if (alive) setMigrations(rows.map((row) => ({ label: String(row.name), value: String(row.id) })));
      })
      .catch(() => {
        if (alive) setMigrations([]);
      });
    return () => {
      alive = false;
    };
  }, []);

  const loadRecent = useCallback(async (masterPlanId: string | null) => {
    try {
      setRecent(await umig('imports/list', masterPlanId ? { masterPlanId } : {}));
    } catch (error) {
      setProblem(readProblem(error));
    }
  }, []);

  useEffect(() => {
    void loadRecent(planId === NEW_PLAN ? null : planId);
  }, [planId, loadRecent]);

  async function run(action: Action, call: () => Promise<ImportView>) {
    setBusy(action);
    setProblem(undefined);
    setStatus('');
    try {
      const view = await call();
      setBatch(view);
      setStatus(ACTION_DONE[action](view));
      void loadRecent(planId === NEW_PLAN ? null : planId);
    } catch (error) {
      setProblem(readProblem(error));
    } finally {
      setBusy(undefined);
    }
  }

  async function download(which: 'stepsHeader' | 'instructionsHeader' | 'stepsExample' | 'instructionsExample' | 'json') {
    setProblem(undefined);
    try {
      let loaded = templates;
      if (!loaded) {
        setBusy('templates');
        loaded = await umig('imports/templates', {});
        setTemplates(loaded);
      }
      const { csv, json } = loaded;
      if (which === 'stepsHeader') downloadText(csv.steps.fileName, csv.steps.header, 'text/csv');
      if (which === 'instructionsHeader') downloadText(csv.instructions.fileName, csv.instructions.header, 'text/csv');
      if (which === 'stepsExample') downloadText(csv.steps.fileName, csv.steps.example, 'text/csv');
      if (which === 'instructionsExample') downloadText(csv.instructions.fileName, csv.instructions.example, 'text/csv');
      if (which === 'json') downloadText(json.fileName, json.example, 'application/json');
    } catch (error) {
      setProblem(readProblem(error));
    } finally {
      setBusy(undefined);
    }
  }

  function upload(event: FormEvent) {
    event.preventDefault();
    if (!planId) {
      setProblem({ code: 'VALIDATION', message: 'Choose the master plan to import into.', fields: {}, reloadable: false });
      return;
    }
    const format = formatOf(files);
    if ('error' in format) {
      setProblem({ code: 'VALIDATION', message: format.error, fields: {}, reloadable: false });
      return;
    }
    const chunk = chunkSize.trim() === '' ? undefined : Number(chunkSize);
    if (chunk !== undefined && (!Number.isInteger(chunk) || chunk < 1 || chunk > 5000)) {
      setProblem({ code: 'VALIDATION', message: 'Steps per chunk must be a whole number from 1 to 5000.', fields: {}, reloadable: false });
      return;
    }
    const isNew = planId === NEW_PLAN;
    if (isNew && (newPlanName.trim() === '' || newPlanOwner.trim() === '')) {
      setProblem({ code: 'VALIDATION', message: 'Give the new master plan a name and an owner team.', fields: {}, reloadable: false });
      return;
    }
    if (isNew && !createMissing) {
      setProblem({ code: 'VALIDATION', message: 'A new master plan starts empty: tick "Create what is missing".', fields: {}, reloadable: false });
      return;
    }
    const target = isNew ? { newPlan: { name: newPlanName.trim(), ownerTeam: newPlanOwner.trim() } } : { masterPlanId: planId };
    void run('upload', async () => {
      const contents = await Promise.all(files.map(async (file) => ({ name: file.name, content: await file.text() })));
      // In parts, so files of up to 20 MB fit the service's and Forge's per-call limits.
      return uploadInParts(
        {
          start: (payload) => umig('imports/uploads/start', payload),
          part: (payload) => umig('imports/uploads/part', payload),
          finish: (payload) => umig('imports/uploads/finish', payload),
        },
        {
          ...target,
          ...(labelMigrationId ? { labelMigrationId } : {}),
          format: format.format,
          files: contents,
          ...(chunk !== undefined ? { chunkSize: chunk } : {}),
          ...(createMissing ? { createMissing: true } : {}),
        },
        (sent, total) => setStatus(`Sending the files: ${Math.round((sent / Math.max(total, 1)) * 100)}%…`),
      );
    });
  }

  const lock = recent?.runningLocks.find((candidate) => candidate.masterPlanId === planId);
  const planName = (id: string | null) => plans?.find((plan) => plan.value === id)?.label ?? id ?? '—';
  const planOptions: PlanOption[] = [...(plans ?? []), { label: 'A new master plan…', value: NEW_PLAN }];

  return (
    <section aria-labelledby="imports-heading">
      <h2 id="imports-heading" style={styles.heading}>
        Imports
      </h2>
      <p style={styles.intro}>
        Load the steps of a master plan from a CSV pair (steps and instructions) or one JSON document. An upload only checks the files; promote a validated import to write
        it into the plan, and roll it back to restore the plan as it was.
      </p>

      <div style={styles.field}>
        <label htmlFor={planInputId} style={styles.label}>
          Master plan
        </label>
        <Select<PlanOption>
          inputId={planInputId}
          options={planOptions}
          value={planOptions.find((plan) => plan.value === planId) ?? null}
          onChange={(option) => setPlanId(option?.value ?? null)}
          isLoading={plans === undefined && !plansProblem}
          placeholder={plansProblem ? plansProblem.message : 'Choose a master plan…'}
          menuPortalTarget={document.body}
          styles={menuPortal}
        />
      </div>
      {planId === NEW_PLAN && (
        <div style={look.row} data-testid="import-new-plan">
          <div style={styles.field}>
            <label htmlFor={newNameId} style={styles.label}>
              New plan name
            </label>
            <input id={newNameId} value={newPlanName} maxLength={255} onChange={(event) => setNewPlanName(event.target.value)} style={{ ...look.textarea, minHeight: 0 }} />
          </div>
          <div style={styles.field}>
            <label htmlFor={newOwnerId} style={styles.label}>
              Owner team (created if missing)
            </label>
            <input id={newOwnerId} value={newPlanOwner} maxLength={64} onChange={(event) => setNewPlanOwner(event.target.value)} style={{ ...look.textarea, minHeight: 0 }} />
          </div>
        </div>
      )}
      {lock && (
        <p style={look.notice} data-testid="import-lock">
          An import is running on this plan (request {lock.requestId}, held until {timeText(lock.expiresAt)}).
        </p>
      )}

      <h3 style={styles.subheading}>Templates</h3>
      <div style={look.row}>
        <Button onClick={() => void download('json')} isDisabled={busy === 'templates'}>
          JSON example (plan.json)
        </Button>
        <Button onClick={() => void download('stepsExample')} isDisabled={busy === 'templates'}>
          CSV example: steps.csv
        </Button>
        <Button onClick={() => void download('instructionsExample')} isDisabled={busy === 'templates'}>
          CSV example: instructions.csv
        </Button>
        <Button appearance="subtle" onClick={() => void download('stepsHeader')} isDisabled={busy === 'templates'}>
          Empty steps.csv
        </Button>
        <Button appearance="subtle" onClick={() => void download('instructionsHeader')} isDisabled={busy === 'templates'}>
          Empty instructions.csv
        </Button>
      </div>

      <h3 style={styles.subheading}>Upload</h3>
      <form onSubmit={upload} aria-label="Upload an import" noValidate>
        <div style={styles.field}>
          <label htmlFor={fileInputId} style={styles.label}>
            Files (one .json, or the two .csv files)
          </label>
          <input
            id={fileInputId}
            ref={fileRef}
            type="file"
            multiple
            accept=".json,.csv,application/json,text/csv"
            onChange={(event) => setFiles(Array.from(event.target.files ?? []))}
          />
          {files.length > 0 && <span style={look.meta}>{files.map((file) => file.name).join(', ')}</span>}
        </div>
        <div style={styles.field}>
          <label htmlFor={chunkInputId} style={styles.label}>
            Steps per chunk (optional)
          </label>
          <input
            id={chunkInputId}
            type="number"
            min={1}
            max={5000}
            value={chunkSize}
            onChange={(event) => setChunkSize(event.target.value)}
            style={{ ...look.textarea, minHeight: 0, maxWidth: '10rem' }}
          />
        </div>
        <div style={styles.field}>
          <Checkbox
            label="Create what is missing (plan, sequences, phases, teams, step types, labels)"
            name="import-create-missing"
            isChecked={createMissing}
            onChange={(event) => setCreateMissing(event.target.checked)}
          />
          <span style={look.meta}>The check lists what would be created; nothing is created before you promote, and a rollback removes it again.</span>
        </div>
        <div style={styles.field}>
          <label htmlFor={labelMigrationInputId} style={styles.label}>
            Migration of the steps&apos; labels (optional; new labels are created there)
          </label>
          <Select<PlanOption>
            inputId={labelMigrationInputId}
            options={migrations ?? []}
            value={migrations?.find((migration) => migration.value === labelMigrationId) ?? null}
            onChange={(option) => setLabelMigrationId(option?.value ?? null)}
            isClearable
            isLoading={migrations === undefined}
            placeholder="Any migration (labels are matched by name)"
            menuPortalTarget={document.body}
            styles={menuPortal}
          />
        </div>
        <Button type="submit" appearance="primary" isLoading={busy === 'upload'} isDisabled={busy !== undefined && busy !== 'upload'}>
          Upload and check
        </Button>
      </form>

      <p role="status" aria-live="polite" data-testid="imports-status" style={{ ...look.meta, minHeight: '1rem', marginTop: '0.75rem' }}>
        {status}
      </p>
      {problem && <ProblemMessage problem={problem} />}

      {batch && <BatchPanel batch={batch} planName={batch.newPlan && !batch.masterPlanId ? `New plan "${batch.newPlan.name}"` : planName(batch.masterPlanId)} busy={busy} run={run} />}

      <h3 style={styles.subheading}>Recent imports</h3>
      {recent === undefined ? (
        <Spinner size="small" label="Loading the recent imports" />
      ) : recent.imports.length === 0 ? (
        <p style={styles.subtle}>No import yet{planId ? ' into this plan' : ''}.</p>
      ) : (
        <AdminTable<ImportSummary>
          label="Recent imports"
          rows={recent.imports}
          rowKey={(row) => row.batchId}
          columns={[
            { header: 'Uploaded', cell: (row) => timeText(row.createdAt), nowrap: true },
            { header: 'Master plan', cell: (row) => planName(row.masterPlanId) },
            { header: 'Files', cell: (row) => `${row.format}: ${row.fileNames.join(', ')}` },
            { header: 'Status', cell: (row) => <StatusText status={row.status} /> },
            { header: 'Steps', cell: (row) => row.counts.steps },
            { header: 'Instructions', cell: (row) => row.counts.instructions },
            { header: 'Problems', cell: (row) => row.counts.errors },
            { header: 'By', cell: (row) => row.createdBy ?? '—' },
            {
              header: 'Actions',
              end: true,
              cell: (row) => (
                <Button
                  aria-label={`Open import ${row.batchId}`}
                  onClick={() => void run('open', () => umig('imports/get', { batchId: row.batchId }))}
                  isDisabled={busy !== undefined}
                >
                  Open
                </Button>
              ),
            },
          ]}
        />
      )}
    </section>
  );
}

function BatchPanel({
  batch,
  planName,
  busy,
  run,
}: {
  batch: ImportView;
  planName: string;
  busy: string | undefined;
  run: (action: Action, call: () => Promise<ImportView>) => Promise<void>;
}) {
  const batchId = batch.batchId;
  const [confirming, setConfirming] = useState<'promote' | 'rollback'>();
  const changes = batch.changes ? Object.entries(batch.changes).filter(([, value]) => typeof value === 'number' && value > 0) : [];
  return (
    <section aria-label="Import batch" data-testid="import-batch" style={styles.panel}>
      <h3 style={{ ...look.sectionTitle }}>Import {batchId}</h3>
      <dl style={look.definitionList}>
        <dt style={look.term}>Status</dt>
        <dd style={look.definition}>
          <StatusText status={batch.status} testId="import-status" />
          {batch.queueStatus && <span style={{ ...look.meta, marginLeft: '0.5rem' }}>queue: {batch.queueStatus}</span>}
        </dd>
        <dt style={look.term}>Master plan</dt>
        <dd style={look.definition}>{planName}</dd>
        <dt style={look.term}>Files</dt>
        <dd style={look.definition}>
          {batch.format}: {batch.fileNames.join(', ')}
        </dd>
        <dt style={look.term}>Counts</dt>
        <dd style={look.definition} data-testid="import-counts">
          {batch.counts.steps} step(s), {batch.counts.instructions} instruction(s), {batch.counts.errors} problem(s)
        </dd>
        <dt style={look.term}>Uploaded</dt>
        <dd style={look.definition}>
          {timeText(batch.createdAt)} by {batch.createdBy ?? '—'}
        </dd>
        {batch.completedAt && (
          <>
            <dt style={look.term}>Completed</dt>
            <dd style={look.definition}>{timeText(batch.completedAt)}</dd>
          </>
        )}
        {batch.rolledBackAt && (
          <>
            <dt style={look.term}>Rolled back</dt>
            <dd style={look.definition}>
              {timeText(batch.rolledBackAt)} by {batch.rolledBackBy ?? '—'}
            </dd>
          </>
        )}
        {changes.length > 0 && (
          <>
            <dt style={look.term}>Changes</dt>
            <dd style={look.definition}>{changes.map(([name, value]) => `${name}: ${String(value)}`).join(', ')}</dd>
          </>
        )}
      </dl>

      {batch.progress.length > 0 && (
        <>
          <h4 style={styles.subheading}>Progress</h4>
          <ul style={{ ...look.list, display: 'grid', gap: '0.5rem', maxWidth: '32rem' }}>
            {batch.progress.map((entry) => {
              const ratio = entry.total > 0 ? Math.min(1, entry.processed / entry.total) : 1;
              return (
                <li key={entry.entity}>
                  <div style={{ ...look.row, justifyContent: 'space-between' }}>
                    <span>{entry.entity}</span>
                    <span style={look.meta}>
                      {entry.processed} / {entry.total}
                      {entry.failed > 0 ? `, ${entry.failed} failed` : ''}
                    </span>
                  </div>
                  <ProgressBar value={ratio} ariaLabel={`Progress of ${entry.entity}`} />
                </li>
              );
            })}
          </ul>
        </>
      )}

      {batch.stages.some((stage) => stage.errorMessage) && (
        <ul style={{ ...look.list, marginTop: '0.75rem' }}>
          {batch.stages
            .filter((stage) => stage.errorMessage)
            .map((stage) => (
              <li key={stage.stage} style={look.notice}>
                {stage.stage}: {stage.errorMessage}
              </li>
            ))}
        </ul>
      )}

      <div style={{ ...look.row, marginTop: '1rem' }}>
        <Button
          appearance={batch.next === 'continue' ? 'primary' : 'default'}
          isDisabled={batch.next !== 'continue' || busy !== undefined}
          isLoading={busy === 'continue'}
          onClick={() => void run('continue', () => umig('imports/continue', { batchId }))}
        >
          Continue
        </Button>
        <Button
          appearance={batch.next === 'promote' ? 'primary' : 'default'}
          isDisabled={batch.next !== 'promote' || busy !== undefined}
          isLoading={busy === 'promote'}
          onClick={() => setConfirming('promote')}
        >
          Promote
        </Button>
        <Button
          appearance={batch.next === 'rollback' ? 'warning' : 'default'}
          isDisabled={batch.next !== 'rollback' || busy !== undefined}
          isLoading={busy === 'rollback'}
          onClick={() => setConfirming('rollback')}
        >
          Rollback
        </Button>
        <Button appearance="subtle" isDisabled={busy !== undefined} onClick={() => void run('open', () => umig('imports/get', { batchId }))}>
          Refresh
        </Button>
      </div>

      {confirming === 'promote' && (
        <PromoteDialog
          batchId={batchId}
          onClose={() => setConfirming(undefined)}
          onConfirm={() => {
            setConfirming(undefined);
            void run('promote', () => umig('imports/promote', { batchId }));
          }}
        />
      )}
      {confirming === 'rollback' && (
        <RollbackDialog
          batch={batch}
          onClose={() => setConfirming(undefined)}
          onConfirm={() => {
            setConfirming(undefined);
            void run('rollback', () => umig('imports/rollback', { batchId }));
          }}
        />
      )}

      <h4 style={styles.subheading}>Validation report</h4>
      {batch.report.length === 0 ? (
        <p style={styles.subtle} data-testid="import-report-empty">
          No problem found.
        </p>
      ) : (
        <AdminTable<ImportProblemRow & { key: string }>
          label="Validation report"
          rows={batch.report.map((row, index) => ({ ...row, key: `${index}` }))}
          rowKey={(row) => row.key}
          columns={[
            { header: 'File', cell: (row) => row.file, nowrap: true },
            { header: 'Line', cell: (row) => row.line ?? '—' },
            { header: 'Column', cell: (row) => row.column ?? '—' },
            { header: 'Message', cell: (row) => row.message },
          ]}
        />
      )}
      <CreatesList batch={batch} />
    </section>
  );
}
