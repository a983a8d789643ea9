import type { HistoryEntry, StepDetail } from '../api';
import { formatFullTime, statusLabel } from '../format';
import { look } from '../look';

interface AuditDetails {
  before?: { status?: string; completed?: boolean } | null;
  after?: { status?: string; completed?: boolean } | null;
  overrideReason?: string;
}

/** One audit entry as a sentence: what happened, to what, and any override reason. */
function describe(entry: HistoryEntry, instructionNumbers: ReadonlyMap<string, number>): string {
  const details = (entry.details ?? {}) as AuditDetails;
  const instruction = entry.entityId ? instructionNumbers.get(entry.entityId) : undefined;
  const which = instruction !== undefined ? `instruction ${instruction}` : 'an instruction';
  switch (entry.action) {
    case 'STEP_STATUS_CHANGED': {
      const from = details.before?.status ? statusLabel(details.before.status) : '?';
      const to = details.after?.status ? statusLabel(details.after.status) : '?';
      return `Status ${from} → ${to}${details.overrideReason ? ` (override: ${details.overrideReason})` : ''}`;
    }
    case 'INSTRUCTION_COMPLETED':
      return `Ticked ${which}`;
    case 'INSTRUCTION_UNCOMPLETED':
      return `Unticked ${which}`;
    default:
      return statusLabel(entry.action ?? 'change');
  }
}

/** Who did what and when, newest first, as the service's audit log has it. */
export function History({ detail }: { detail: StepDetail }) {
  if (detail.history.length === 0) return <p style={look.meta}>Nothing has happened to this step yet.</p>;
  const instructionNumbers = new Map(detail.instructions.map((instruction, index) => [instruction.id, instruction.order ?? index + 1]));
  return (
    <ol style={look.list} aria-label="History">
      {detail.history.map((entry) => (
        <li key={entry.id} style={{ padding: '0.25rem 0', borderBottom: '1px solid var(--ds-border, #0B120E24)' }}>
          <span>{describe(entry, instructionNumbers)}</span>
          <div style={look.meta}>
            {entry.by ?? 'unknown'} · {formatFullTime(entry.at)}
          </div>
        </li>
      ))}
    </ol>
  );
}
