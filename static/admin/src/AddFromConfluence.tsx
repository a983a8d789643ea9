import Button from '@atlaskit/button/new';
import Select from '@atlaskit/select';
import SectionMessage from '@atlaskit/section-message';
import { useId, useState, type CSSProperties, type FormEvent } from 'react';
import { readProblem } from '../../shared/admin-api';
import { optionCache, useOptions, type Option } from '../../shared/admin-options';
import { umig } from '../../shared/api';
import { look } from '../../shared/look';
import { styles } from '../../shared/styles';
import { LiveText } from '../../shared/ui';
import { ConfluenceUserPicker, type PersonOption } from './ConfluenceUserPicker';
import * as source from './sources';

/**
 * "Add people from Confluence" above the users and teams lists: pick a person by name, choose a
 * role and, optionally, a team. Someone already in UMIG is only added to the team.
 */

const menuPortal = { menuPortal: (base: CSSProperties) => ({ ...base, zIndex: 1000 }) };
const field: CSSProperties = { display: 'grid', gap: '0.25rem', minWidth: '14rem', flex: '1 1 14rem' };

export function AddFromConfluence({ onAdded }: { onAdded: () => void }) {
  const personId = useId();
  const roleId = useId();
  const teamId = useId();
  const teams = useOptions(source.teams);
  const [person, setPerson] = useState<PersonOption | null>(null);
  const [role, setRole] = useState<Option | null>(source.ROLE_OPTIONS.find((option) => option.value === 'NORMAL') ?? null);
  const [team, setTeam] = useState<Option | null>(null);
  const [searchProblem, setSearchProblem] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!person) {
      setProblem('Choose a person first: type part of their name.');
      return;
    }
    setBusy(true);
    setProblem(undefined);
    setDone(undefined);
    try {
      const added = await umig('people/addFromConfluence', {
        accountId: person.person.accountId,
        displayName: person.person.displayName,
        ...(person.person.email ? { email: person.person.email } : {}),
        roleCode: (role?.value as 'ADMIN' | 'PILOT' | 'NORMAL' | undefined) ?? 'NORMAL',
        ...(team ? { teamId: Number(team.value) } : {}),
      });
      const where = team ? ` in team ${team.label}` : '';
      setDone(
        added.created
          ? `${added.name} (${added.code}) can now use UMIG${where}.`
          : added.joinedTeam
            ? `${added.name} (${added.code}) was already in UMIG and is now${where}.`
            : `${added.name} (${added.code}) was already in UMIG${team ? ` and${where}` : ''}; nothing changed.`,
      );
      setPerson(null);
      optionCache.invalidate('users');
      onAdded();
    } catch (error) {
      setProblem(readProblem(error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${personId}-heading`} data-testid="add-from-confluence" style={{ ...styles.panel, marginBottom: '1rem' }}>
      <h2 id={`${personId}-heading`} style={styles.subheading}>
        Add people from Confluence
      </h2>
      <form onSubmit={(event) => void submit(event)} style={{ display: 'flex', flexWrap: 'wrap', gap: '0.75rem', alignItems: 'end' }}>
        <div style={field}>
          <label htmlFor={personId}>Person</label>
          <ConfluenceUserPicker inputId={personId} value={person} onChange={setPerson} onProblem={setSearchProblem} />
        </div>
        <div style={{ ...field, flex: '0 1 12rem', minWidth: '10rem' }}>
          <label htmlFor={roleId}>Role</label>
          <Select<Option> inputId={roleId} options={source.ROLE_OPTIONS} value={role} onChange={(option) => setRole(option)} isRequired menuPortalTarget={document.body} styles={menuPortal} />
        </div>
        <div style={{ ...field, flex: '0 1 14rem', minWidth: '10rem' }}>
          <label htmlFor={teamId}>Team (optional)</label>
          <Select<Option>
            inputId={teamId}
            options={teams.options}
            value={team}
            onChange={(option) => setTeam(option)}
            isLoading={teams.status === 'loading'}
            placeholder={teams.status === 'error' ? teams.message : 'No team'}
            isClearable
            menuPortalTarget={document.body}
            styles={menuPortal}
          />
        </div>
        <Button type="submit" appearance="primary" isLoading={busy}>
          Add to UMIG
        </Button>
      </form>
      {searchProblem && (
        <p role="alert" style={{ ...look.row, margin: '0.5rem 0 0' }}>
          {searchProblem}
        </p>
      )}
      {problem && (
        <div role="alert" style={{ marginTop: '0.5rem' }}>
          <SectionMessage appearance="error">
            <p style={{ margin: 0 }}>{problem}</p>
          </SectionMessage>
        </div>
      )}
      <LiveText text={done} style={{ margin: '0.5rem 0 0' }} testId="add-from-confluence-done" />
    </section>
  );
}
