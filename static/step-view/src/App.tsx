import { AppFrame, EmptyState, ErrorState, LoadingState } from '../../shared/ui';
import { useForgeContext } from '../../shared/use-forge-context';

export function App() {
  const state = useForgeContext();
  return (
    <AppFrame title="Step view">
      {state.status === 'loading' && <LoadingState label="Loading the step…" />}
      {state.status === 'error' && <ErrorState message={state.message} />}
      {state.status === 'ready' && (
        <EmptyState title="No step to show yet">
          One runsheet step, with its instructions, status and comments, appears here.
        </EmptyState>
      )}
    </AppFrame>
  );
}
