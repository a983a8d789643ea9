import type { FullContext } from '@forge/bridge';
import { styles } from '../../shared/styles';
import { AppFrame, EmptyState, ErrorState, LoadingState } from '../../shared/ui';
import { useForgeContext } from '../../shared/use-forge-context';

/** Confluence settings > UMIG administration (confluence:globalSettings). */
export function App() {
  const state = useForgeContext();
  return (
    <AppFrame title="UMIG administration">
      {state.status === 'loading' && <LoadingState label="Loading administration…" />}
      {state.status === 'error' && <ErrorState message={state.message} />}
      {state.status === 'ready' && <Administration context={state.context} />}
    </AppFrame>
  );
}

function Administration({ context }: { context: FullContext }) {
  return (
    <>
      <p style={styles.subtle}>Site {context.siteUrl}</p>
      <EmptyState title="Reference data">
        Migrations, teams, users, roles and statuses are managed here.
      </EmptyState>
    </>
  );
}
