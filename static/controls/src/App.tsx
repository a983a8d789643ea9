import { AppFrame, EmptyState, ErrorState, LoadingState } from '../../shared/ui';
import { useForgeContext } from '../../shared/use-forge-context';

export function App() {
  const state = useForgeContext();
  return (
    <AppFrame title="Control validation">
      {state.status === 'loading' && <LoadingState label="Loading the controls…" />}
      {state.status === 'error' && <ErrorState message={state.message} />}
      {state.status === 'ready' && (
        <EmptyState title="No controls to validate">
          The quality gates of a phase appear here for IT and business validators to sign off.
        </EmptyState>
      )}
    </AppFrame>
  );
}
