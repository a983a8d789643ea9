import Button from '@atlaskit/button/new';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import { useCallback, useEffect, useState } from 'react';
import { isForbidden, readProblem } from '../../shared/admin-api';
import { umig } from '../../shared/api';
import { look } from '../../shared/look';
import { AppFrame, ErrorState, LoadingState } from '../../shared/ui';
import { useForgeContext } from '../../shared/use-forge-context';
import { Administration } from './Administration';
import { FirstAdministrator } from './FirstAdministrator';

/** Confluence settings > UMIG administration (confluence:globalSettings). */
export function App() {
  const state = useForgeContext();
  return (
    <AppFrame title="UMIG administration" page>
      {state.status === 'loading' && <LoadingState label="Loading administration…" />}
      {state.status === 'error' && <ErrorState message={state.message} />}
      {state.status === 'ready' && <AdminGate />}
    </AppFrame>
  );
}

type Access = { status: 'checking' } | { status: 'allowed' } | { status: 'claim' } | { status: 'refused'; message: string } | { status: 'error'; message: string };

export const ADMIN_ONLY_NOTICE = 'Only UMIG administrators can use this page';

/**
 * The page asks the service who the caller is ('session/me') and shows a notice instead of the
 * page when their role may not manage UMIG's data. That only shapes the page: the service still
 * refuses every administrator-only call, so the first such call (reading the system
 * configuration) is made before the page opens, and its FORBIDDEN (or UNKNOWN_USER, for a
 * Confluence account UMIG does not know) puts the same notice in place of the whole page.
 */
function AdminGate() {
  const [access, setAccess] = useState<Access>({ status: 'checking' });

  const check = useCallback(async () => {
    setAccess({ status: 'checking' });
    try {
      const session = await umig('session/me', {});
      if (!session.can.manageReferenceData) {
        setAccess({ status: 'refused', message: `Only administrators can manage UMIG; you are signed in as ${session.name} (${session.code}), role ${session.role}.` });
        return;
      }
      await umig('admin/systemConfiguration/list', {});
      setAccess({ status: 'allowed' });
    } catch (error) {
      const problem = readProblem(error);
      // A site without any UMIG administrator: the site administrator on this page may claim the rights.
      if (problem.code === 'UNKNOWN_USER') {
        const access = await umig('session/access', {}).catch(() => undefined);
        if (access?.claim === 'AVAILABLE') {
          setAccess({ status: 'claim' });
          return;
        }
      }
      setAccess(isForbidden(error) ? { status: 'refused', message: problem.message } : { status: 'error', message: problem.message });
    }
  }, []);

  useEffect(() => {
    void check();
  }, [check]);

  if (access.status === 'checking') {
    return (
      <div style={look.row}>
        <Spinner size="medium" label="Checking your access" />
        <span>Checking your access…</span>
      </div>
    );
  }
  if (access.status === 'claim') return <FirstAdministrator onClaimed={() => void check()} />;
  if (access.status === 'refused') {
    return (
      <div data-testid="admin-refused" style={{ maxWidth: '40rem' }}>
        <SectionMessage appearance="warning" title={ADMIN_ONLY_NOTICE}>
          <p style={{ margin: 0 }}>{access.message}</p>
          <p style={{ margin: '0.5rem 0 0' }}>If you need to manage UMIG, ask a UMIG administrator to give you administrator rights.</p>
        </SectionMessage>
      </div>
    );
  }
  if (access.status === 'error') {
    return (
      <div style={{ display: 'grid', gap: '0.75rem', justifyItems: 'start' }}>
        <ErrorState message={access.message} />
        <Button onClick={() => void check()}>Try again</Button>
      </div>
    );
  }
  return <Administration />;
}
