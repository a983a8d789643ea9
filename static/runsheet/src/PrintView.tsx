import Button from '@atlaskit/button/new';
import { token } from '@atlaskit/tokens';
import { useEffect, useRef, type CSSProperties } from 'react';
import type { Runsheet } from '../../shared/api';
import { formatMinutes, formatTime, statusLabel } from '../../shared/format';
import { look } from '../../shared/look';
import type { Lookups } from './RunsheetGrid';
import type { StepEntry } from './model';

const cellStyle: CSSProperties = { padding: '0.25rem 0.5rem', borderBottom: `1px solid ${token('color.border', '#0B120E24')}`, textAlign: 'left', verticalAlign: 'top' };

/**
 * Every step the filters show, as one plain table: the on-screen table draws only the rows in
 * view, so printing it gave about 24 of 990 rows. Opens the browser's print dialog once drawn;
 * "Back to the runsheet" (or the dialog closing) returns.
 */
export function PrintView({ runsheet, matching, lookups, onDone }: { runsheet: Runsheet; matching: readonly StepEntry[]; lookups: Lookups; onDone: () => void }) {
  const backRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    backRef.current?.focus();
    const timer = window.setTimeout(() => window.print(), 0);
    return () => window.clearTimeout(timer);
  }, []);
  const team = (id: number | null) => (id === null ? '—' : (lookups.teamName.get(id) ?? String(id)));
  let lastPhase: string | null = null;
  return (
    <section aria-label="Print view" data-testid="print-view">
      <div className="umig-no-print" style={{ ...look.row, marginBottom: '0.75rem' }}>
        <Button ref={backRef} onClick={onDone}>
          Back to the runsheet
        </Button>
        <Button onClick={() => window.print()}>Print again</Button>
      </div>
      <h2 style={{ fontSize: '1.125rem', margin: '0 0 0.5rem' }}>{`${runsheet.iteration.name}: ${matching.length} steps`}</h2>
      <table style={{ borderCollapse: 'collapse', width: '100%', fontSize: '0.75rem' }}>
        <thead>
          <tr>
            {['Code', 'Step', 'Owner team', 'Status', 'Duration', 'Planned', 'Actual', 'Instructions'].map((title) => (
              <th key={title} scope="col" style={cellStyle}>
                {title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matching.flatMap(({ step, phase, sequence }) => {
            const planned = lookups.planned.get(step.id);
            const status = lookups.statusById.get(step.statusId)?.name;
            const rows = [];
            if (phase.id !== lastPhase) {
              lastPhase = phase.id;
              rows.push(
                <tr key={`phase-${phase.id}`}>
                  <th colSpan={8} scope="colgroup" style={{ ...cellStyle, paddingTop: '0.5rem' }}>
                    {`${sequence.name ?? 'Sequence'} › ${phase.name ?? 'Phase'}`}
                  </th>
                </tr>,
              );
            }
            rows.push(
              <tr key={step.id} data-step-id={step.id}>
                <td style={cellStyle}>{step.code ?? '—'}</td>
                <td style={cellStyle}>{step.name ?? '—'}</td>
                <td style={cellStyle}>{team(step.ownerTeamId)}</td>
                <td style={cellStyle}>{status ? statusLabel(status) : '—'}{step.statusReason ? ` (${step.statusReason})` : ''}</td>
                <td style={cellStyle}>{formatMinutes(step.durationMinutes)}</td>
                <td style={cellStyle}>{planned ? `${planned.start} – ${planned.end}` : '—'}</td>
                <td style={cellStyle}>{step.startTime ? `${formatTime(step.startTime)} – ${step.endTime ? formatTime(step.endTime) : '…'}` : '—'}</td>
                <td style={cellStyle}>{step.instructions.total === 0 ? '—' : `${step.instructions.done}/${step.instructions.total}`}</td>
              </tr>,
            );
            return rows;
          })}
        </tbody>
      </table>
    </section>
  );
}
