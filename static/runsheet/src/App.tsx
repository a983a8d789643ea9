import type { FullContext } from '@forge/bridge';
import { readRunsheetConfig } from '../../shared/runsheet-config';
import { styles } from '../../shared/styles';
import { AppFrame, EmptyState, ErrorState, LoadingState } from '../../shared/ui';
import { useForgeContext } from '../../shared/use-forge-context';

export function App() {
  const state = useForgeContext();
  return (
    <AppFrame title="Iteration runsheet">
      {state.status === 'loading' && <LoadingState label="Loading the runsheet…" />}
      {state.status === 'error' && <ErrorState message={state.message} />}
      {state.status === 'ready' && <Runsheet context={state.context} />}
    </AppFrame>
  );
}

function Runsheet({ context }: { context: FullContext }) {
  // The macro's settings, saved by the config dialog (static/config).
  const config = readRunsheetConfig(context.extension.config);
  if (!config) {
    return (
      <EmptyState title="No iteration chosen yet">
        Edit this macro and choose the iteration whose runsheet it shows.
      </EmptyState>
    );
  }
  return (
    <>
      <p style={styles.subtle}>
        Iteration <code>{config.iterationId}</code>
      </p>
      <EmptyState title="Nothing to run yet">
        The sequences, phases and steps of this iteration appear here once its plan is ready.
      </EmptyState>
    </>
  );
}
