import Button from '@atlaskit/button/new';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import { useCallback, useEffect, useId, useState } from 'react';
import { readProblem, type Problem } from '../../shared/admin-api';
import { ProblemMessage } from '../../shared/admin-dialogs';
import { AdminTable } from '../../shared/admin-table';
import { umig, type UmigData, type UmigPayload } from '../../shared/api';
import { look } from '../../shared/look';
import { extraStyles as styles, menuPortal, StatusText, timeText } from './admin-extras';
import { TemplatePreviewDialog } from './TemplatePreview';

/**
 * The email outbox ('notifications/outbox/list'): the newest emails, optionally of one status,
 * with the last delivery error of each. A FAILED email can be put back in the queue
 * ('notifications/outbox/retry'). The email template preview opens from here.
 */

type OutboxRow = UmigData<'notifications/outbox/list'>[number];
type OutboxStatus = NonNullable<NonNullable<UmigPayload<'notifications/outbox/list'>>['status']>;

interface StatusOption {
  label: string;
  value: OutboxStatus | 'ALL';
}

const STATUS_OPTIONS: readonly StatusOption[] = [
  { label: 'All statuses', value: 'ALL' },
  { label: 'Pending', value: 'PENDING' },
  { label: 'Sending', value: 'SENDING' },
  { label: 'Sent', value: 'SENT' },
  { label: 'Failed', value: 'FAILED' },
] satisfies ReadonlyArray<{ label: string; value: OutboxStatus | 'ALL' }>;

export function Outbox() {
  const filterId = useId();
  const [filter, setFilter] = useState<StatusOption['value']>('ALL');
  const [rows, setRows] = useState<OutboxRow[]>();
  const [problem, setProblem] = useState<Problem>();
  const [status, setStatus] = useState('');
  const [retrying, setRetrying] = useState<string>();
  const [previewing, setPreviewing] = useState(false);

  const load = useCallback(async (which: StatusOption['value']) => {
    try {
      setRows(await umig('notifications/outbox/list', which === 'ALL' ? {} : { status: which }));
      setProblem(undefined);
    } catch (error) {
      setProblem(readProblem(error));
    }
  }, []);

  useEffect(() => {
    setRows(undefined);
    void load(filter);
  }, [filter, load]);

  async function retry(row: OutboxRow) {
    setRetrying(row.id);
    setProblem(undefined);
    setStatus('');
    try {
      const result = await umig('notifications/outbox/retry', { id: row.id });
      setStatus(`Email "${row.subject}" is ${result.status} again.`);
      await load(filter);
    } catch (error) {
      setProblem(readProblem(error));
    } finally {
      setRetrying(undefined);
    }
  }

  return (
    <section aria-labelledby="outbox-heading">
      <h2 id="outbox-heading" style={styles.heading}>
        Email outbox
      </h2>
      <p style={styles.intro}>Emails UMIG queued, newest first. A failed email can be retried once the mail settings or the address are fixed.</p>
      <div style={{ ...look.row, alignItems: 'flex-end', marginBottom: '0.75rem' }}>
        <div style={{ ...styles.field, marginBottom: 0, minWidth: '14rem' }}>
          <label htmlFor={filterId} style={styles.label}>
            Status
          </label>
          <Select<StatusOption>
            inputId={filterId}
            options={STATUS_OPTIONS}
            value={STATUS_OPTIONS.find((option) => option.value === filter) ?? null}
            onChange={(option) => setFilter(option?.value ?? 'ALL')}
            menuPortalTarget={document.body}
            styles={menuPortal}
          />
        </div>
        <Button onClick={() => void load(filter)}>Refresh</Button>
        <Button onClick={() => setPreviewing(true)}>Preview an email template</Button>
      </div>
      <p role="status" aria-live="polite" data-testid="outbox-status" style={{ ...look.meta, minHeight: '1rem' }}>
        {status}
      </p>
      {problem && <ProblemMessage problem={problem} />}
      {rows === undefined ? (
        !problem && <Spinner size="medium" label="Loading the outbox" />
      ) : rows.length === 0 ? (
        <p style={styles.subtle}>No email{filter === 'ALL' ? '' : ` with status ${filter}`}.</p>
      ) : (
        <AdminTable<OutboxRow>
          label="Email outbox"
          rows={rows}
          rowKey={(row) => row.id}
          columns={[
            { header: 'Event', cell: (row) => row.eventType, nowrap: true },
            { header: 'Recipients', cell: (row) => row.recipients.join(', ') },
            { header: 'Subject', cell: (row) => row.subject },
            { header: 'Status', cell: (row) => <StatusText status={row.status} /> },
            { header: 'Attempts', cell: (row) => row.attempts },
            { header: 'Last error', cell: (row) => row.lastError ?? '—' },
            { header: 'Sent at', cell: (row) => timeText(row.sentAt), nowrap: true },
            {
              header: 'Actions',
              end: true,
              cell: (row) =>
                row.status === 'FAILED' ? (
                  <Button aria-label={`Retry email ${row.subject}`} isLoading={retrying === row.id} isDisabled={retrying !== undefined} onClick={() => void retry(row)}>
                    Retry
                  </Button>
                ) : null,
            },
          ]}
        />
      )}
      {previewing && <TemplatePreviewDialog onClose={() => setPreviewing(false)} />}
    </section>
  );
}
