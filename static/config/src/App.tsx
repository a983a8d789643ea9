import Button from '@atlaskit/button/new';
import Select from '@atlaskit/select';
import { token } from '@atlaskit/tokens';
import { useEffect, useState, type CSSProperties, type FormEvent } from 'react';
import { adminGet, readProblem } from '../../shared/admin-api';
import { labelOf, useOptions, type Option, type OptionSource, type OptionValue } from '../../shared/admin-options';
import { loadBridge } from '../../shared/forge';
import { look } from '../../shared/look';
import { checkIterationId, readRunsheetConfig, type RunsheetMacroConfig } from '../../shared/runsheet-config';
import { styles } from '../../shared/styles';
import { AppFrame, ErrorState, LiveText, LoadingState } from '../../shared/ui';
import { useForgeContext } from '../../shared/use-forge-context';
import * as source from './sources';

/**
 * The runsheet macro's config dialog (manifest: umig-runsheet config.resource). The page editor
 * picks the migration and iteration, and may narrow the runsheet to a plan instance and one of
 * its sequences and preset the team and label filters. Saved with view.submit({ config }).
 */
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

interface Choice {
  migrationId: string | null;
  iterationId: string | null;
  planInstanceId: string | null;
  sequenceId: string | null;
  teamId: number | null;
  labelId: number | null;
}

const menuPortal = { menuPortal: (base: CSSProperties) => ({ ...base, zIndex: 1000 }) };
/** Two optional settings side by side: the dialog stays short enough for Confluence's medium size. */
const pair: CSSProperties = { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(14rem, 1fr))', columnGap: token('space.200', '1rem') };
const asString = (value: OptionValue | undefined) => (typeof value === 'string' ? value : null);
const asNumber = (value: OptionValue | undefined) => (typeof value === 'number' ? value : null);

function RunsheetSettings({ saved }: { saved: RunsheetMacroConfig | undefined }) {
  const [choice, setChoice] = useState<Choice>({
    migrationId: saved?.migrationId ?? null,
    iterationId: saved?.iterationId ?? null,
    planInstanceId: saved?.planInstanceId ?? null,
    sequenceId: saved?.sequenceId ?? null,
    teamId: saved?.teamId ?? null,
    labelId: saved?.labelId ?? null,
  });
  // A configuration saved before the migration was part of it: find the iteration's migration.
  const [finding, setFinding] = useState(saved !== undefined && saved.migrationId === undefined);
  const [notice, setNotice] = useState<string>();
  const [fieldError, setFieldError] = useState<string>();
  const [saveError, setSaveError] = useState<string>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!saved || saved.migrationId) return;
    let current = true;
    adminGet('iterations', saved.iterationId).then(
      (iteration) => {
        if (!current) return;
        setChoice((previous) => ({ ...previous, migrationId: iteration.migrationId }));
        setFinding(false);
      },
      (error: unknown) => {
        if (!current) return;
        setNotice(`The iteration this runsheet showed could not be read: ${readProblem(error).message} Choose the iteration again.`);
        setChoice((previous) => ({ ...previous, iterationId: null, planInstanceId: null, sequenceId: null }));
        setFinding(false);
      },
    );
    return () => {
      current = false;
    };
  }, [saved]);

  const { migrationId, iterationId, planInstanceId } = choice;
  const sources = {
    migration: source.migrations,
    iteration: migrationId ? source.iterationsOf(migrationId) : undefined,
    planInstance: iterationId ? source.planInstancesOf(iterationId) : undefined,
    sequence: planInstanceId ? source.sequencesOf(planInstanceId) : undefined,
    team: source.teams,
    label: migrationId ? source.labelsOf(migrationId) : undefined,
  };

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (saving) return;
    const check = checkIterationId(choice.iterationId ?? '');
    if (!choice.iterationId || !check.ok) {
      setFieldError('Choose the iteration this runsheet shows.');
      document.getElementById('config-iteration')?.focus();
      return;
    }
    setFieldError(undefined);
    setSaveError(undefined);
    setSaving(true);
    const config: RunsheetMacroConfig = {
      iterationId: check.iterationId,
      ...(choice.migrationId ? { migrationId: choice.migrationId } : {}),
      ...(choice.planInstanceId ? { planInstanceId: choice.planInstanceId } : {}),
      ...(choice.planInstanceId && choice.sequenceId ? { sequenceId: choice.sequenceId } : {}),
      ...(choice.teamId !== null ? { teamId: choice.teamId } : {}),
      ...(choice.labelId !== null ? { labelId: choice.labelId } : {}),
    };
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

  if (finding) return <LoadingState label="Loading the saved settings…" />;

  return (
    <form onSubmit={(event) => void save(event)} noValidate aria-label="Runsheet settings">
      {saved && <CurrentSettings saved={saved} migrationId={choice.migrationId} />}
      <LiveText text={notice} style={{ ...look.notice, marginTop: 0 }} />
      {saveError && <ErrorState message={saveError} />}
      <p style={styles.subtle}>The runsheet on this page follows the iteration you choose; the other settings are optional.</p>

      <ChoiceSelect
        id="config-migration"
        label="Migration"
        required
        source={sources.migration}
        value={choice.migrationId}
        onChange={(value) => {
          setChoice((previous) => ({ ...previous, migrationId: asString(value), iterationId: null, planInstanceId: null, sequenceId: null, labelId: null }));
          setFieldError(undefined);
        }}
        autoFocus={!saved}
      />
      <ChoiceSelect
        id="config-iteration"
        label="Iteration"
        required
        source={sources.iteration}
        waitingFor="a migration"
        value={choice.iterationId}
        error={fieldError}
        onChange={(value) => {
          setChoice((previous) => ({ ...previous, iterationId: asString(value), planInstanceId: null, sequenceId: null }));
          setFieldError(undefined);
        }}
      />
      <div style={pair}>
        <ChoiceSelect
          id="config-plan-instance"
          label="Plan instance"
          source={sources.planInstance}
          waitingFor="an iteration"
          placeholder="All plan instances"
          hint="Show only this plan of the iteration."
          value={choice.planInstanceId}
          onChange={(value) => setChoice((previous) => ({ ...previous, planInstanceId: asString(value), sequenceId: null }))}
        />
        <ChoiceSelect
          id="config-sequence"
          label="Sequence"
          source={sources.sequence}
          waitingFor="a plan instance"
          placeholder="All sequences"
          hint="Show only this sequence of the plan."
          value={choice.sequenceId}
          onChange={(value) => setChoice((previous) => ({ ...previous, sequenceId: asString(value) }))}
        />
      </div>
      <div style={pair}>
        <ChoiceSelect
          id="config-team"
          label="Team filter"
          source={sources.team}
          placeholder="All teams"
          hint="Readers start with this team’s steps."
          value={choice.teamId}
          onChange={(value) => setChoice((previous) => ({ ...previous, teamId: asNumber(value) }))}
        />
        <ChoiceSelect
          id="config-label"
          label="Label filter"
          source={sources.label}
          waitingFor="a migration"
          placeholder="All labels"
          hint="Readers start with this label’s steps."
          value={choice.labelId}
          onChange={(value) => setChoice((previous) => ({ ...previous, labelId: asNumber(value) }))}
        />
      </div>

      <div style={styles.actions}>
        <Button appearance="subtle" onClick={cancel}>
          Cancel
        </Button>
        <Button appearance="primary" type="submit" isLoading={saving}>
          Save
        </Button>
      </div>
    </form>
  );
}

interface ChoiceSelectProps {
  id: string;
  label: string;
  source: OptionSource | undefined;
  value: OptionValue | null;
  onChange: (value: OptionValue | undefined) => void;
  required?: boolean;
  /** What must be chosen first ("a migration"), when `source` is not there yet. */
  waitingFor?: string;
  placeholder?: string;
  hint?: string;
  error?: string;
  autoFocus?: boolean;
}

function ChoiceSelect({ id, label, source: from, value, onChange, required, waitingFor, placeholder, hint, error, autoFocus }: ChoiceSelectProps) {
  const loaded = useOptions(from);
  const options: readonly Option[] = loaded.options;
  const selected = options.find((option) => option.value === value) ?? null;
  const missing = value !== null && loaded.status === 'ready' && selected === null;
  const note = error ?? (loaded.status === 'error' ? loaded.message : missing ? `The saved ${label.toLowerCase()} no longer exists; choose another.` : undefined);
  const describedBy = note ? `${id}-note` : hint ? `${id}-hint` : undefined;
  const shownPlaceholder = !from
    ? `Choose ${waitingFor ?? 'the previous setting'} first`
    : loaded.status === 'loading'
      ? 'Loading…'
      : options.length === 0
        ? `No ${label.toLowerCase()} to choose from`
        : (placeholder ?? `Choose the ${label.toLowerCase()}…`);
  return (
    <div style={styles.field}>
      <label htmlFor={id} style={styles.label}>
        {label}
        {required && (
          <span aria-hidden="true" style={{ color: token('color.text.danger', '#AE2E24') }}>
            {' '}
            *
          </span>
        )}
      </label>
      <Select<Option>
        inputId={id}
        options={options}
        value={selected}
        onChange={(option) => onChange(option?.value)}
        isDisabled={!from}
        isLoading={loaded.status === 'loading'}
        isClearable={!required}
        isInvalid={note !== undefined && (error !== undefined || loaded.status === 'error')}
        placeholder={shownPlaceholder}
        aria-describedby={describedBy}
        isRequired={required}
        autoFocus={autoFocus}
        menuPortalTarget={document.body}
        styles={menuPortal}
      />
      {note ? (
        <span id={`${id}-note`} role={error || loaded.status === 'error' ? 'alert' : undefined} style={error || loaded.status === 'error' ? styles.fieldError : styles.hint}>
          {note}
        </span>
      ) : (
        hint && (
          <span id={`${id}-hint`} style={{ ...styles.hint, fontSize: '0.75rem' }}>
            {hint}
          </span>
        )
      )}
    </div>
  );
}

/** What the macro shows now, in names: the first thing an editor reopening the dialog sees. */
function CurrentSettings({ saved, migrationId }: { saved: RunsheetMacroConfig; migrationId: string | null }) {
  const savedMigration = saved.migrationId ?? migrationId;
  const migrations = useOptions(source.migrations);
  const iterations = useOptions(savedMigration ? source.iterationsOf(savedMigration) : undefined);
  const plans = useOptions(source.planInstancesOf(saved.iterationId));
  const sequences = useOptions(saved.planInstanceId ? source.sequencesOf(saved.planInstanceId) : undefined);
  const teams = useOptions(saved.teamId !== undefined ? source.teams : undefined);
  const labels = useOptions(saved.labelId !== undefined && savedMigration ? source.labelsOf(savedMigration) : undefined);
  const name = (options: readonly Option[], value: OptionValue | null | undefined, otherwise: string) =>
    value === null || value === undefined ? otherwise : labelOf(options, value);
  const rows: Array<[string, string]> = [
    ['Runsheet of', `${name(migrations.options, savedMigration, '—')} › ${name(iterations.options, saved.iterationId, '—')}`],
    ['Scope', `${name(plans.options, saved.planInstanceId, 'All plan instances')}, ${name(sequences.options, saved.sequenceId, 'all sequences')}`],
    ['Starting filters', `${name(teams.options, saved.teamId, 'All teams')}, ${name(labels.options, saved.labelId, 'all labels')}`],
  ];
  return (
    <section aria-labelledby="current-settings" style={{ ...look.info, marginBottom: token('space.200', '1rem') }} data-testid="current-settings">
      <h3 id="current-settings" style={{ ...look.sectionTitle, color: 'inherit' }}>
        Current settings
      </h3>
      <dl style={look.definitionList}>
        {rows.map(([term, value]) => (
          <div key={term} style={{ display: 'contents' }}>
            <dt style={{ ...look.term, color: 'inherit' }}>{term}</dt>
            <dd style={look.definition}>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
