import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import Spinner from '@atlaskit/spinner';
import { useCallback, useEffect, useRef, useState } from 'react';
import { umig, type PhaseControls } from '../../shared/api';
import { describeError } from '../../shared/bridge';
import { ControlCard } from '../../shared/controls/ControlCard';
import { ValidatorAssignment } from '../../shared/controls/ValidatorAssignment';
import { look } from '../../shared/look';
import { StatusLozenge } from '../../shared/status-lozenge';
import { AppFrame, EmptyState, ErrorState, LoadingState } from '../../shared/ui';
import { useForgeContext } from '../../shared/use-forge-context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ControlsConfig {
  iterationId?: string;
  phaseId?: string;
}

/** The macro's saved settings: an iteration, optionally narrowed to one phase. */
export function readControlsConfig(raw: unknown): ControlsConfig {
  if (typeof raw !== 'object' || raw === null) return {};
  const pick = (value: unknown) => (typeof value === 'string' && UUID.test(value.trim()) ? value.trim().toLowerCase() : undefined);
  const config = raw as Record<string, unknown>;
  return { iterationId: pick(config.iterationId), phaseId: pick(config.phaseId) };
}

export function App() {
  const state = useForgeContext();
  return (
    <AppFrame title="Control validation">
      {state.status === 'loading' && <LoadingState label="Loading the controls…" />}
      {state.status === 'error' && <ErrorState message={state.message} />}
      {state.status === 'ready' && <ControlsMacro config={readControlsConfig(state.context.extension.config as unknown)} />}
    </AppFrame>
  );
}

type Loaded = { title: string; phases: PhaseControls[] };
type State = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; data: Loaded; reloading: boolean };

function ControlsMacro({ config }: { config: ControlsConfig }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  // Pilots and administrators also assign validators here; the service checks every call anyway.
  const [canAssign, setCanAssign] = useState(false);
  useEffect(() => {
    let live = true;
    umig('session/me', {}).then(
      (session) => live && setCanAssign(session.can.manageControls),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  const [reloadError, setReloadError] = useState<string>();
  const generation = useRef(0);
  const { iterationId, phaseId } = config;

  const load = useCallback(
    async (mode: 'initial' | 'reload') => {
      const mine = ++generation.current;
      if (mode === 'reload') setState((current) => (current.status === 'ready' ? { ...current, reloading: true } : current));
      try {
        let data: Loaded;
        if (phaseId) {
          const phase = await umig('phases/controls', { phaseId });
          data = { title: [phase.sequence.name, phase.name].filter(Boolean).join(' › '), phases: [phase] };
        } else {
          const iteration = await umig('iterations/controls', { iterationId: iterationId! });
          data = { title: iteration.iteration.name, phases: iteration.phases };
        }
        if (mine !== generation.current) return;
        setReloadError(undefined);
        setState({ status: 'ready', data, reloading: false });
      } catch (error) {
        if (mine !== generation.current) return;
        const message = describeError(error);
        if (mode === 'reload') {
          setReloadError(message);
          setState((current) => (current.status === 'ready' ? { ...current, reloading: false } : { status: 'error', message }));
        } else {
          setState({ status: 'error', message });
        }
      }
    },
    [iterationId, phaseId],
  );

  const configured = Boolean(iterationId || phaseId);
  useEffect(() => {
    if (configured) void load('initial');
  }, [configured, load]);

  if (!configured) {
    return (
      <EmptyState title="No iteration chosen yet">
        Edit this macro and give the iteration (and, if you like, the phase) whose controls it shows.
      </EmptyState>
    );
  }
  if (state.status === 'loading') return <LoadingState label="Loading the controls…" />;
  if (state.status === 'error') {
    return (
      <div style={{ display: 'grid', gap: '0.75rem', justifyItems: 'start' }}>
        <ErrorState message={state.message} />
        <Button onClick={() => void load('initial')}>Try again</Button>
      </div>
    );
  }

  const { data } = state;
  const withControls = data.phases.filter((phase) => phase.controls.length > 0);
  return (
    <div>
      <div style={{ ...look.row, justifyContent: 'space-between', marginBottom: '0.75rem' }}>
        <strong>{data.title}</strong>
        <div style={look.row}>
          {state.reloading && <Spinner size="small" label="Refreshing" />}
          <Button appearance="subtle" onClick={() => void load('reload')}>
            Refresh
          </Button>
        </div>
      </div>
      {reloadError && <ErrorState message={reloadError} />}
      {withControls.length === 0 ? (
        <EmptyState title="No controls here">This {phaseId ? 'phase' : 'iteration'} has no quality gates to validate.</EmptyState>
      ) : (
        data.phases.map((phase) => <PhaseSection key={phase.id} phase={phase} canAssign={canAssign} onRecorded={() => void load('reload')} />)
      )}
    </div>
  );
}

function PhaseSection({ phase, canAssign, onRecorded }: { phase: PhaseControls; canAssign: boolean; onRecorded: () => void }) {
  const name = phase.name ?? `Phase ${phase.order ?? ''}`;
  const { summary } = phase;
  const [assigning, setAssigning] = useState(false);
  return (
    <section aria-label={`Phase ${name}`} data-phase-id={phase.id} data-phase-blocked={phase.blocked} style={look.section}>
      <div style={{ ...look.row, marginBottom: '0.5rem' }}>
        <h3 style={{ ...look.sectionTitle, margin: 0, fontSize: '1rem' }}>{name}</h3>
        <span style={look.meta}>{phase.sequence.name}</span>
        <StatusLozenge status={phase.status} isBold={false} />
        {phase.blocked ? (
          <Lozenge appearance="removed" isBold>
            Blocked
          </Lozenge>
        ) : (
          <Lozenge appearance="success">Open</Lozenge>
        )}
      </div>
      <p style={{ ...look.meta, margin: '0 0 0.5rem' }} data-testid="phase-gate">
        {phase.blocked
          ? `Blocked: critical control${phase.blockedBy.length > 1 ? 's' : ''} ${phase.blockedBy.join(', ')} of the previous phase ${phase.blockedBy.length > 1 ? 'have' : 'has'} not passed.`
          : 'Not blocked by the previous phase.'}{' '}
        {summary.total > 0 &&
          `Controls: ${summary.passed} of ${summary.total} passed${summary.failed > 0 ? `, ${summary.failed} failed` : ''}${
            summary.criticalNotPassed.length > 0 ? `; critical still open: ${summary.criticalNotPassed.join(', ')}` : ''
          }.`}
      </p>
      {canAssign && phase.controls.length > 0 && (
        <div style={{ marginBottom: '0.5rem' }}>
          <Button appearance="subtle" aria-expanded={assigning} onClick={() => setAssigning(!assigning)}>
            {assigning ? 'Hide validator assignment' : 'Assign validators'}
          </Button>
        </div>
      )}
      {canAssign && assigning && <ValidatorAssignment phase={phase} onAssigned={onRecorded} />}
      {phase.controls.length === 0 ? (
        <p style={look.meta}>No controls in this phase.</p>
      ) : (
        phase.controls.map((control) => <ControlCard key={control.id} control={control} onRecorded={onRecorded} />)
      )}
    </section>
  );
}
