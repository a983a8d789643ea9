import Button from '@atlaskit/button/new';
import Spinner from '@atlaskit/spinner';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { StepDetail } from '../api';
import { ControlCard } from '../controls/ControlCard';
import { formatFullTime, formatMinutes, statusLabel } from '../format';
import { look } from '../look';
import { StatusLozenge } from '../status-lozenge';
import { ErrorState, LiveText, LoadingState } from '../ui';
import { Comments } from './Comments';
import { History } from './History';
import { Instructions } from './Instructions';
import { StatusControl } from './StatusControl';
import { useStep } from './use-step';

export interface StepViewProps {
  stepId: string;
  /** Called after anything on the step changed here (status, tick, comment, verdict). */
  onChanged?: (stepId: string) => void;
  /** Shown as a close button when the view sits in a side panel. */
  onClose?: () => void;
  /** Focus the step's heading once it is loaded (it replaced what had the focus); always when in a side panel. */
  focusOnLoad?: boolean;
  /** Planned start/end offsets from the runsheet, when the caller knows them. */
  planned?: { start: string; end: string };
}

/**
 * One runsheet step: details, the instructions checklist, the status moves the service offers,
 * comments, the phase's controls and the step's history. Used by the step-view macro and, in a
 * side panel, by the runsheet.
 */
export function StepView({ stepId, onChanged, onClose, planned, focusOnLoad = false }: StepViewProps) {
  const { state, reload, reloadError } = useStep(stepId);
  const [announcement, setAnnouncement] = useState<string>();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const articleRef = useRef<HTMLElement>(null);
  const focusAfterMove = useRef(false);

  // Several ticks in a row cause one read of the step, not one each.
  const reloadTimer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(reloadTimer.current), []);
  const changed = useCallback(
    (debounceMs = 0) => {
      onChanged?.(stepId);
      window.clearTimeout(reloadTimer.current);
      reloadTimer.current = window.setTimeout(() => void reload(), debounceMs);
    },
    [onChanged, reload, stepId],
  );

  const ready = state.status === 'ready';
  useEffect(() => {
    if (ready && (onClose || focusOnLoad)) headingRef.current?.focus();
  }, [ready, onClose, focusOnLoad, stepId]);

  // After a status move the buttons are drawn again from the new transitions, and the pressed one
  // may be gone: once the step is read again the focus goes to the first move now offered (where
  // the pressed one was), or to the step's heading when there is none.
  useEffect(() => {
    if (!focusAfterMove.current || state.status !== 'ready' || state.reloading) return;
    focusAfterMove.current = false;
    const next = articleRef.current?.querySelector<HTMLElement>('[role="group"][aria-label="Change status"] button:not([disabled])');
    (next ?? headingRef.current)?.focus();
  }, [state]);

  if (state.status === 'loading') return <LoadingState label="Loading the step…" />;
  if (state.status === 'error') {
    return (
      <div>
        {onClose && <CloseButton onClose={onClose} />}
        <ErrorState message={state.message} />
      </div>
    );
  }
  const { detail, transitions } = state;
  const step = detail.step;
  const title = [step.code, step.name].filter(Boolean).join(' ') || 'Step';

  return (
    <article ref={articleRef} aria-label={`Step ${step.code ?? step.name ?? ''}`.trim()} data-step-id={step.id} data-step-status={step.status.name}>
      <header style={{ ...look.row, justifyContent: 'space-between', marginBottom: '0.75rem' }}>
        <div style={look.row}>
          <h3 ref={headingRef} tabIndex={-1} style={{ margin: 0, fontSize: '1.125rem' }}>
            {title}
          </h3>
          <StatusLozenge status={step.status} />
          {state.reloading && <Spinner size="small" label="Refreshing" />}
        </div>
        {onClose && <CloseButton onClose={onClose} />}
      </header>
      {step.statusReason && (
        <p style={{ ...look.meta, margin: '0 0 0.75rem' }} data-testid="status-reason">
          {`Why ${statusLabel(step.status.name).toLowerCase()}: ${step.statusReason}`}
        </p>
      )}
      <LiveText text={announcement} style={look.info} />
      {reloadError && <ErrorState message={reloadError} />}

      {transitions.transitions.length > 0 && (
        <Section title="Status">
          <StatusControl
            transitions={transitions}
            onChanged={(message) => {
              setAnnouncement(message);
              focusAfterMove.current = true;
              changed();
            }}
          />
        </Section>
      )}

      <Section title="Details">
        <Details detail={detail} planned={planned} />
      </Section>

      <Section title={`Instructions (${step.instructions.done}/${step.instructions.total})`}>
        <Instructions detail={detail} onChanged={() => changed(600)} />
      </Section>

      <Section title="Comments">
        <Comments detail={detail} onChanged={() => changed()} />
      </Section>

      <Section title="Controls of the phase">
        {detail.controls.length === 0 ? (
          <p style={look.meta}>This phase has no controls.</p>
        ) : (
          detail.controls.map((control) => <ControlCard key={control.id} control={control} onRecorded={() => changed()} />)
        )}
      </Section>

      <Section title="History">
        <History detail={detail} />
      </Section>
    </article>
  );
}

function CloseButton({ onClose }: { onClose: () => void }) {
  return (
    <Button appearance="subtle" onClick={onClose}>
      Close step
    </Button>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section style={look.section} aria-label={title.replace(/ \(.*\)$/, '')}>
      <h4 style={look.sectionTitle}>{title}</h4>
      {children}
    </section>
  );
}

function Details({ detail, planned }: { detail: StepDetail; planned?: { start: string; end: string } }) {
  const step = detail.step;
  const rows: Array<[string, ReactNode]> = [
    ['Description', step.description ? <span style={{ whiteSpace: 'pre-wrap' }}>{step.description}</span> : '—'],
    ['Type', step.type ? `${step.type.name} (${step.type.code})` : '—'],
    ['Owner team', step.ownerTeam?.name ?? '—'],
    ['Impacted teams', step.impactedTeams.length > 0 ? step.impactedTeams.map((team) => team.name).join(', ') : 'None'],
    ['Environment role', step.environmentRole?.name ?? '—'],
    [
      'Applications',
      detail.applications.length > 0
        ? detail.applications.map((app) => `${app.code}${app.environment.code ? ` on ${app.environment.code}` : ''}`).join(', ')
        : 'None',
    ],
    ['Labels', step.labels.length > 0 ? step.labels.map((label) => label.name).join(', ') : 'None'],
    ['Duration', formatMinutes(step.durationMinutes)],
  ];
  if (planned) rows.push(['Planned', `${planned.start} → ${planned.end}`]);
  rows.push(
    ['Started', formatFullTime(step.startTime)],
    ['Ended', formatFullTime(step.endTime)],
    ['Predecessor', step.predecessorCode ?? (step.predecessorId ? 'a step outside this runsheet' : 'None')],
    ['Where', [detail.planInstance.name, detail.sequence.name, detail.phase.name].filter(Boolean).join(' › ')],
  );
  if (detail.phase.blocked) {
    rows.push(['Phase gate', `Blocked by ${detail.phase.blockedBy.join(', ')} of the previous phase`]);
  }
  return (
    <dl style={look.definitionList}>
      {rows.map(([term, value]) => (
        <div key={term} style={{ display: 'contents' }}>
          <dt style={look.term}>{term}</dt>
          <dd style={look.definition}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
