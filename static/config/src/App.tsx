import { useState, type FormEvent } from 'react';
import { loadBridge } from '../../shared/forge';
import { checkIterationId, readRunsheetConfig, type RunsheetMacroConfig } from '../../shared/runsheet-config';
import { styles } from '../../shared/styles';
import { AppFrame, ErrorState, LoadingState } from '../../shared/ui';
import { useForgeContext } from '../../shared/use-forge-context';

/** The runsheet macro's config dialog (manifest: umig-runsheet config.resource). */
export function App() {
  const state = useForgeContext();
  return (
    <AppFrame title="Runsheet settings">
      {state.status === 'loading' && <LoadingState label="Loading the settings…" />}
      {state.status === 'error' && <ErrorState message={state.message} />}
      {state.status === 'ready' && <RunsheetSettings saved={readRunsheetConfig(state.context.extension.config)} />}
    </AppFrame>
  );
}

function RunsheetSettings({ saved }: { saved: RunsheetMacroConfig | undefined }) {
  const [iterationId, setIterationId] = useState(saved?.iterationId ?? '');
  const [fieldError, setFieldError] = useState<string>();
  const [saveError, setSaveError] = useState<string>();
  const [saving, setSaving] = useState(false);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const check = checkIterationId(iterationId);
    if (!check.ok) {
      setFieldError(check.message);
      return;
    }
    setFieldError(undefined);
    setSaveError(undefined);
    setSaving(true);
    const config: RunsheetMacroConfig = { iterationId: check.iterationId };
    try {
      // Forge stores the config on the macro and closes this dialog.
      await (await loadBridge()).view.submit({ config });
    } catch (error) {
      console.error('UMIG: view.submit failed', error);
      setSaveError('The settings could not be saved. Try again.');
      setSaving(false);
    }
  }

  function cancel() {
    loadBridge()
      .then((forge) => forge.view.close())
      .catch((error: unknown) => console.error('UMIG: view.close failed', error));
  }

  return (
    <form onSubmit={(event) => void save(event)} noValidate>
      {saveError && <ErrorState message={saveError} />}
      <div style={styles.field}>
        <label htmlFor="iteration-id" style={styles.label}>
          Iteration id
        </label>
        <input
          id="iteration-id"
          name="iterationId"
          style={styles.input}
          value={iterationId}
          onChange={(event) => setIterationId(event.target.value)}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? 'iteration-id-error' : 'iteration-id-hint'}
          autoComplete="off"
          spellCheck={false}
          autoFocus
        />
        {fieldError ? (
          <span id="iteration-id-error" style={styles.fieldError}>
            {fieldError}
          </span>
        ) : (
          <span id="iteration-id-hint" style={styles.hint}>
            The runsheet on this page follows this iteration.
          </span>
        )}
      </div>
      <div style={styles.actions}>
        <button type="button" style={styles.subtleButton} onClick={cancel}>
          Cancel
        </button>
        <button type="submit" style={styles.primaryButton} disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
