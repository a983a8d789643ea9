import { useCallback, useEffect, useId, useState } from 'react';
import { adminList } from '../../shared/admin-api';
import { umig, type PhaseControls } from '../../shared/api';
import { describeError } from '../../shared/bridge';
import { ValidatorAssignment } from '../../shared/controls/ValidatorAssignment';
import { look } from '../../shared/look';
import { EmptyState, ErrorState, LoadingState } from '../../shared/ui';

/**
 * Administration › Control validators: pick an iteration, then assign the IT and business
 * validators of its controls, per control or for every control of a phase (the same table the
 * controls macro shows pilots).
 */
export function ControlValidators() {
  const id = useId();
  const [iterations, setIterations] = useState<Array<{ id: string; name: string }>>();
  const [iterationId, setIterationId] = useState('');
  const [phases, setPhases] = useState<PhaseControls[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    adminList('iterations').then(
      (rows) => setIterations(rows.map((row) => ({ id: String(row.id), name: String(row.name) }))),
      (failure: unknown) => setError(describeError(failure)),
    );
  }, []);

  const load = useCallback(async (chosen: string) => {
    if (!chosen) return;
    try {
      const answer = await umig('iterations/controls', { iterationId: chosen });
      setPhases(answer.phases.filter((phase) => phase.controls.length > 0));
      setError(undefined);
    } catch (failure) {
      setError(describeError(failure));
    }
  }, []);

  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} style={look.sectionTitle}>
        Control validators
      </h2>
      <p style={look.meta}>Who signs each control as IT and as business validator. One person cannot hold both slots of a control (four eyes).</p>
      {error && <ErrorState message={error} />}
      {!iterations ? (
        !error && <LoadingState label="Loading the iterations…" />
      ) : (
        <div style={{ ...look.row, margin: '0.5rem 0 1rem' }}>
          <label htmlFor={`${id}-iteration`} style={look.term}>
            Iteration
          </label>
          <select
            id={`${id}-iteration`}
            value={iterationId}
            style={{ ...look.textarea, minHeight: 0, width: 'auto' }}
            onChange={(event) => {
              setIterationId(event.target.value);
              setPhases(undefined);
              void load(event.target.value);
            }}
          >
            <option value="">Choose an iteration</option>
            {iterations.map((iteration) => (
              <option key={iteration.id} value={iteration.id}>
                {iteration.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {iterationId && !phases && !error && <LoadingState label="Loading the controls…" />}
      {phases && phases.length === 0 && <EmptyState title="No controls">This iteration has no controls to validate.</EmptyState>}
      {phases?.map((phase) => (
        <div key={phase.id} data-phase-id={phase.id}>
          <h3 style={{ ...look.sectionTitle, fontSize: '0.9375rem' }}>{[phase.sequence.name, phase.name].filter(Boolean).join(' › ')}</h3>
          <ValidatorAssignment phase={phase} onAssigned={() => void load(iterationId)} />
        </div>
      ))}
    </section>
  );
}
