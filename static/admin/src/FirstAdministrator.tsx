import Button from '@atlaskit/button/new';
import SectionMessage from '@atlaskit/section-message';
import { useState } from 'react';
import { readProblem } from '../../shared/admin-api';
import { umig } from '../../shared/api';
import { currentConfluenceProfile } from '../../shared/confluence-users';

/**
 * The one-time claim on a new site: nobody holds UMIG administrator rights yet, and the caller is
 * on this page, which Confluence shows to site administrators only. The service checks both again
 * (the token's module, no active administrator) under a lock; this panel only offers the button.
 */
export function FirstAdministrator({ onClaimed }: { onClaimed: () => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();

  const claim = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const hints = await currentConfluenceProfile().catch(() => ({}));
      await umig('session/claimAdministration', hints);
      onClaimed();
    } catch (error) {
      setProblem(readProblem(error).message);
      setBusy(false);
    }
  };

  return (
    <div data-testid="first-administrator" style={{ maxWidth: '40rem', display: 'grid', gap: '0.75rem' }}>
      <SectionMessage appearance="information" title="UMIG has no administrator yet">
        <p style={{ margin: 0 }}>
          As a Confluence site administrator you can become UMIG’s first administrator. You will then add people, teams and migrations, and approve the
          people who open UMIG for the first time.
        </p>
        <p style={{ margin: '0.5rem 0 0' }}>
          This offer closes as soon as UMIG has an administrator. An operator can also grant the rights on the UMIG service host with{' '}
          <code>npm run admin -- grant &lt;accountId&gt;</code>.
        </p>
      </SectionMessage>
      {problem && (
        <div role="alert">
          <SectionMessage appearance="error" title="Could not make you the administrator">
            <p style={{ margin: 0 }}>{problem}</p>
          </SectionMessage>
        </div>
      )}
      <div>
        <Button appearance="primary" isLoading={busy} onClick={() => void claim()}>
          Become the first UMIG administrator
        </Button>
      </div>
    </div>
  );
}
