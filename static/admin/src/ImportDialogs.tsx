import Button from '@atlaskit/button/new';
import { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import Spinner from '@atlaskit/spinner';
import { useEffect, useState } from 'react';
import { readProblem, type Problem } from '../../shared/admin-api';
import { ProblemMessage } from '../../shared/admin-dialogs';
import { AdminModal } from '../../shared/admin-modal';
import { AdminTable } from '../../shared/admin-table';
import { umig, type UmigData } from '../../shared/api';
import { look } from '../../shared/look';
import { extraStyles as styles } from './admin-extras';

/**
 * What "create missing" makes, the promotion preview and the rollback confirmation of the
 * Imports section. The preview is the service's (imports/preview runs the promotion on the staged
 * batch and undoes it); the page only shows it.
 */

type ImportView = UmigData<'imports/upload'>;
type Creates = NonNullable<ImportView['creates']>;
type Preview = UmigData<'imports/preview'>;
type PreviewStep = Preview['steps'][number];

const CHANGE_WORDS: Record<PreviewStep['change'], string> = { CREATED: 'Created', UPDATED: 'Updated', UNCHANGED: 'Unchanged' };

/** One line per row to create, in the order the promotion creates them. */
export function creationLines(creates: Creates): string[] {
  return [
    ...(creates.plan ? [`Master plan ${creates.plan.name} (owner team ${creates.plan.ownerTeam})`] : []),
    ...creates.stepTypes.map((code) => `Step type ${code}`),
    ...creates.teams.map((name) => `Team ${name}`),
    ...creates.sequences.map((sequence) => `Sequence ${sequence.name} (order ${sequence.order})`),
    ...creates.phases.map((phase) => `Phase ${phase.sequence} / ${phase.name} (order ${phase.order})`),
    ...(creates.labels ?? []).map((name) => `Label ${name}`),
  ];
}

/** The batch's list of what the promotion creates (or created), under its validation report. */
export function CreatesList({ batch }: { batch: ImportView }) {
  if (!batch.createMissing || !batch.creates) return null;
  const lines = creationLines(batch.creates);
  const promoted = batch.status === 'PROMOTED' || batch.status === 'ROLLED_BACK';
  const title = promoted ? 'Created by this import' : 'Will be created when promoted';
  return (
    <section aria-label={title} data-testid="import-creates">
      <h4 style={styles.subheading}>{title}</h4>
      {lines.length === 0 ? (
        <p style={styles.subtle}>Nothing is missing: everything the files name exists.</p>
      ) : (
        <ul style={look.list}>
          {lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** "Promote this import?": the service's preview (counts, steps, what is created), then confirm. */
export function PromoteDialog({ batchId, onClose, onConfirm }: { batchId: string; onClose: () => void; onConfirm: () => void }) {
  const [preview, setPreview] = useState<Preview>();
  const [problem, setProblem] = useState<Problem>();
  useEffect(() => {
    let alive = true;
    umig('imports/preview', { batchId })
      .then((answer) => {
        if (alive) setPreview(answer);
      })
      .catch((error: unknown) => {
        if (alive) setProblem(readProblem(error));
      });
    return () => {
      alive = false;
    };
  }, [batchId]);
  const ready = preview !== undefined && preview.problems === 0;
  const creations = preview ? creationLines(preview.creates) : [];
  return (
    <AdminModal onClose={onClose} width="large" testId="import-promote-dialog">
      <ModalHeader>
        <ModalTitle>Promote this import?</ModalTitle>
      </ModalHeader>
      <ModalBody>
        {problem ? (
          <ProblemMessage problem={problem} title="No preview" />
        ) : preview === undefined ? (
          <Spinner size="medium" label="Working out what the promotion changes" />
        ) : preview.problems > 0 ? (
          <p style={look.notice}>
            The plan changed since this import was checked: {preview.problems} problem(s) now. Promoting would be refused; upload the files again.
          </p>
        ) : (
          <>
            <p style={{ marginTop: 0 }} data-testid="import-preview-counts">
              {preview.counts.created} step(s) created, {preview.counts.updated} updated, {preview.counts.unchanged} unchanged.
            </p>
            {creations.length > 0 && (
              <>
                <h4 style={styles.subheading}>Created first</h4>
                <ul style={look.list} aria-label="Created first">
                  {creations.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              </>
            )}
            <AdminTable<PreviewStep & { key: string }>
              label="Steps the promotion writes"
              rows={preview.steps.map((step, index) => ({ ...step, key: `${index}` }))}
              rowKey={(row) => row.key}
              columns={[
                { header: 'Phase', cell: (row) => row.phase ?? '—' },
                { header: 'Code', cell: (row) => row.code ?? '—', nowrap: true },
                { header: 'Name', cell: (row) => row.name ?? '—' },
                { header: 'Change', cell: (row) => CHANGE_WORDS[row.change] },
              ]}
            />
            {preview.truncated && <p style={styles.subtle}>The list shows the first {preview.steps.length} steps; the counts cover all of them.</p>}
          </>
        )}
      </ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={onClose} autoFocus>
          Cancel
        </Button>
        <Button appearance="primary" onClick={onConfirm} isDisabled={!ready}>
          Promote now
        </Button>
      </ModalFooter>
    </AdminModal>
  );
}

/** "Roll back this import?": what a rollback restores and removes, then confirm. */
export function RollbackDialog({ batch, onClose, onConfirm }: { batch: ImportView; onClose: () => void; onConfirm: () => void }) {
  const created = batch.creates ? creationLines(batch.creates) : [];
  return (
    <AdminModal onClose={onClose} width="medium" testId="import-rollback-dialog">
      <ModalHeader>
        <ModalTitle appearance="warning">Roll back this import?</ModalTitle>
      </ModalHeader>
      <ModalBody>
        <p style={{ marginTop: 0 }}>
          The master plan goes back to exactly how it was before this import was promoted: steps it created are deleted, steps it changed get their old values back.
        </p>
        {created.length > 0 && (
          <>
            <p>These, created by the import, are removed too:</p>
            <ul style={look.list}>
              {created.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </>
        )}
      </ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={onClose} autoFocus>
          Cancel
        </Button>
        <Button appearance="warning" onClick={onConfirm}>
          Roll back now
        </Button>
      </ModalFooter>
    </AdminModal>
  );
}
