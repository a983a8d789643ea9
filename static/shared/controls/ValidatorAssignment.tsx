import Button from '@atlaskit/button/new';
import { useEffect, useId, useState } from 'react';
import { adminList } from '../admin-api';
import { umig, type PhaseControls } from '../api';
import { describeError } from '../bridge';
import { look } from '../look';
import { ErrorState, LiveText } from '../ui';

interface Person {
  id: number;
  label: string;
}

/** Active users, loaded once per page: anyone active may validate (no team needed, see decisions). */
let peoplePromise: Promise<Person[]> | undefined;
function loadPeople(): Promise<Person[]> {
  peoplePromise ??= adminList('users').then((rows) =>
    rows
      .filter((row) => row.active !== false)
      .map((row) => ({ id: row.id, label: `${row.firstName} ${row.lastName} (${row.code})` })),
  );
  peoplePromise.catch(() => {
    peoplePromise = undefined;
  });
  return peoplePromise;
}

/** '' = no validator (the slot is not required); for the whole phase, KEEP leaves each control's own. */
const NONE = '';
const KEEP = 'keep';

function PersonSelect({ id, label, value, people, onChange, keepOption }: { id: string; label: string; value: string; people: Person[]; onChange: (value: string) => void; keepOption?: boolean }) {
  return (
    <select id={id} aria-label={label} value={value} onChange={(event) => onChange(event.target.value)} style={{ ...look.textarea, minHeight: 0, width: 'auto', maxWidth: '16rem' }}>
      {keepOption && <option value={KEEP}>Keep each control's</option>}
      <option value={NONE}>No validator</option>
      {people.map((person) => (
        <option key={person.id} value={String(person.id)}>
          {person.label}
        </option>
      ))}
    </select>
  );
}

const toId = (value: string): number | null => (value === NONE ? null : Number(value));

/**
 * Pilots and administrators assign the IT and business validators of a phase's controls: one
 * control at a time, or every control of the phase at once. The service refuses one person in
 * both slots and users who are not active, with a sentence shown here.
 */
export function ValidatorAssignment({ phase, onAssigned }: { phase: PhaseControls; onAssigned: () => void }) {
  const id = useId();
  const [people, setPeople] = useState<Person[]>();
  const [loadError, setLoadError] = useState<string>();
  const [picks, setPicks] = useState<Record<string, { it: string; biz: string }>>({});
  const [all, setAll] = useState({ it: KEEP, biz: KEEP });
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const phaseName = phase.name ?? 'this phase';

  useEffect(() => {
    let live = true;
    loadPeople().then(
      (list) => live && setPeople(list),
      (failure: unknown) => live && setLoadError(describeError(failure)),
    );
    return () => {
      live = false;
    };
  }, []);

  if (loadError) return <ErrorState message={loadError} />;
  if (!people) return <p style={look.meta}>Loading the people who can validate…</p>;

  const pickOf = (control: PhaseControls['controls'][number]) =>
    picks[control.id] ?? { it: control.itValidator ? String(control.itValidator.id) : NONE, biz: control.bizValidator ? String(control.bizValidator.id) : NONE };

  async function run(key: string, action: () => Promise<string>) {
    setBusy(key);
    setError(undefined);
    setDone(undefined);
    try {
      setDone(await action());
      setPicks({});
      onAssigned();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div role="group" aria-label={`Assign validators of ${phaseName}`} style={{ ...look.card, marginBottom: '0.75rem' }}>
      <table style={{ borderCollapse: 'collapse', width: '100%' }}>
        <caption style={{ ...look.meta, textAlign: 'left', marginBottom: '0.25rem' }}>Validators of the controls of {phaseName}</caption>
        <thead>
          <tr style={look.meta}>
            <th scope="col" style={{ textAlign: 'left' }}>Control</th>
            <th scope="col" style={{ textAlign: 'left' }}>IT validator</th>
            <th scope="col" style={{ textAlign: 'left' }}>Business validator</th>
            <th scope="col">
              <span style={look.visuallyHidden}>Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {phase.controls.map((control) => {
            const code = control.code ?? control.name ?? 'control';
            const pick = pickOf(control);
            const set = (next: Partial<typeof pick>) => setPicks((current) => ({ ...current, [control.id]: { ...pick, ...next } }));
            return (
              <tr key={control.id} data-assign-control={control.id}>
                <th scope="row" style={{ textAlign: 'left', fontWeight: 400 }}>
                  {code}
                </th>
                <td>
                  <PersonSelect id={`${id}-${control.id}-it`} label={`IT validator of ${code}`} value={pick.it} people={people} onChange={(it) => set({ it })} />
                </td>
                <td>
                  <PersonSelect id={`${id}-${control.id}-biz`} label={`Business validator of ${code}`} value={pick.biz} people={people} onChange={(biz) => set({ biz })} />
                </td>
                <td>
                  <Button
                    isLoading={busy === control.id}
                    isDisabled={busy !== null && busy !== control.id}
                    onClick={() =>
                      void run(control.id, async () => {
                        const result = await umig('controls/assignValidators', { controlId: control.id, itValidatorId: toId(pick.it), bizValidatorId: toId(pick.biz) });
                        return result.changed ? `Validators of ${code} saved.` : `Nothing changed: ${code} already had these validators.`;
                      })
                    }
                  >
                    {`Save ${code}`}
                  </Button>
                </td>
              </tr>
            );
          })}
          <tr data-assign-control="all">
            <th scope="row" style={{ textAlign: 'left' }}>
              All controls
            </th>
            <td>
              <PersonSelect id={`${id}-all-it`} label={`IT validator of every control of ${phaseName}`} value={all.it} people={people} keepOption onChange={(it) => setAll({ ...all, it })} />
            </td>
            <td>
              <PersonSelect id={`${id}-all-biz`} label={`Business validator of every control of ${phaseName}`} value={all.biz} people={people} keepOption onChange={(biz) => setAll({ ...all, biz })} />
            </td>
            <td>
              <Button
                appearance="primary"
                isLoading={busy === 'all'}
                isDisabled={(busy !== null && busy !== 'all') || (all.it === KEEP && all.biz === KEEP)}
                onClick={() =>
                  void run('all', async () => {
                    const result = await umig('controls/assignPhaseValidators', {
                      phaseId: phase.id,
                      ...(all.it !== KEEP ? { itValidatorId: toId(all.it) } : {}),
                      ...(all.biz !== KEEP ? { bizValidatorId: toId(all.biz) } : {}),
                    });
                    setAll({ it: KEEP, biz: KEEP });
                    return `Validators assigned: ${result.changedCount} of ${result.controls.length} controls of ${phaseName} changed.`;
                  })
                }
              >
                Assign to all controls of this phase
              </Button>
            </td>
          </tr>
        </tbody>
      </table>
      <LiveText text={done} style={{ ...look.meta, marginTop: '0.5rem' }} />
      {error && (
        <div style={{ marginTop: '0.5rem' }}>
          <ErrorState message={error} />
        </div>
      )}
    </div>
  );
}
