import Button from '@atlaskit/button/new';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { describeError } from '../../shared/bridge';
import { look } from '../../shared/look';
import { loadRunsheet } from '../../shared/runsheet-client';
import { checkIterationId } from '../../shared/runsheet-config';
import { StepView } from '../../shared/step-view/StepView';
import { styles } from '../../shared/styles';
import { AppFrame, ErrorState, LoadingState } from '../../shared/ui';
import { useForgeContext } from '../../shared/use-forge-context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The macro's saved settings: a step id, or an iteration to choose a step in. */
export function readStepViewConfig(raw: unknown): { stepId?: string; iterationId?: string } {
  if (typeof raw !== 'object' || raw === null) return {};
  const { stepId, iterationId } = raw as Record<string, unknown>;
  return {
    stepId: typeof stepId === 'string' && UUID.test(stepId.trim()) ? stepId.trim().toLowerCase() : undefined,
    iterationId: typeof iterationId === 'string' && UUID.test(iterationId.trim()) ? iterationId.trim().toLowerCase() : undefined,
  };
}

export function App() {
  const state = useForgeContext();
  return (
    <AppFrame title="Step view">
      {state.status === 'loading' && <LoadingState label="Loading the step…" />}
      {state.status === 'error' && <ErrorState message={state.message} />}
      {state.status === 'ready' && <StepMacro config={readStepViewConfig(state.context.extension.config)} />}
    </AppFrame>
  );
}

function StepMacro({ config }: { config: { stepId?: string; iterationId?: string } }) {
  const [chosen, setChosen] = useState<string | undefined>(config.stepId);
  // Once the reader has switched between the chooser and a step, what replaced the focused button
  // takes the focus (the step's heading, or the chooser's first field).
  const [switched, setSwitched] = useState(false);
  if (chosen) {
    return (
      <>
        {!config.stepId && (
          <p>
            <Button
              appearance="subtle"
              onClick={() => {
                setSwitched(true);
                setChosen(undefined);
              }}
            >
              Choose another step
            </Button>
          </p>
        )}
        <StepView stepId={chosen} focusOnLoad={switched} />
      </>
    );
  }
  return (
    <StepChooser
      iterationId={config.iterationId}
      autoFocus={switched}
      onChosen={(stepId) => {
        setSwitched(true);
        setChosen(stepId);
      }}
    />
  );
}

/** No step saved in the macro: find one by its code (TRT-010) in an iteration. */
function StepChooser({ iterationId: savedIteration, onChosen, autoFocus = false }: { iterationId?: string; onChosen: (stepId: string) => void; autoFocus?: boolean }) {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (autoFocus) formRef.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, [autoFocus]);
  const [iterationId, setIterationId] = useState(savedIteration ?? '');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function find(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const check = checkIterationId(iterationId);
    if (!check.ok) {
      setError(check.message);
      return;
    }
    const wanted = code.trim().toUpperCase();
    if (wanted === '') {
      setError('Enter the step code, e.g. TRT-010.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const runsheet = await loadRunsheet({ iterationId: check.iterationId, text: wanted });
      const steps = runsheet.planInstances.flatMap((plan) => plan.sequences.flatMap((sequence) => sequence.phases.flatMap((phase) => phase.steps)));
      const matches = steps.filter((step) => step.code?.toUpperCase() === wanted);
      if (matches.length === 0) setError(`No step ${wanted} in ${runsheet.iteration.name}.`);
      else onChosen(matches[0]!.id);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form ref={formRef} onSubmit={(event) => void find(event)} noValidate aria-label="Choose a step">
      <p style={look.meta}>This macro has no step saved. Find one by its code.</p>
      {!savedIteration && (
        <div style={styles.field}>
          <label htmlFor="chooser-iteration" style={styles.label}>
            Iteration id
          </label>
          <input
            id="chooser-iteration"
            style={styles.input}
            value={iterationId}
            onChange={(event) => setIterationId(event.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
      )}
      <div style={styles.field}>
        <label htmlFor="chooser-code" style={styles.label}>
          Step code
        </label>
        <input
          id="chooser-code"
          style={styles.input}
          value={code}
          placeholder="TRT-010"
          onChange={(event) => setCode(event.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      {error && <ErrorState message={error} />}
      <div style={{ ...styles.actions, justifyContent: 'flex-start', marginTop: '0.5rem' }}>
        <Button type="submit" appearance="primary" isLoading={busy}>
          Show step
        </Button>
      </div>
    </form>
  );
}
