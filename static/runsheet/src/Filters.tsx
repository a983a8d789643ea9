import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import { token } from '@atlaskit/tokens';
import type { CSSProperties } from 'react';
import type { Runsheet } from '../../shared/api';
import { statusLabel } from '../../shared/format';
import { isFiltered, isTroubleFilter, NO_FILTERS, withTroubleFilter, type Filters } from './model';

interface Option<T> {
  label: string;
  value: T;
}

const field: CSSProperties = { display: 'flex', flexDirection: 'column', gap: token('space.050', '0.25rem'), minWidth: '11rem' };
const labelStyle: CSSProperties = { fontWeight: 600, color: token('color.text.subtle', '#505258'), fontSize: '0.75rem' };

export interface FiltersBarProps {
  runsheet: Runsheet;
  filters: Filters;
  onChange: (next: Filters) => void;
  mineAvailable: boolean;
  mineHint?: string;
}

/** The filter bar: every change applies at once to the rows already loaded (no call to the service). */
export function FiltersBar({ runsheet, filters, onChange, mineAvailable, mineHint }: FiltersBarProps) {
  const teamOptions: Option<number>[] = runsheet.teams.map((team) => ({ label: team.name, value: team.id }));
  const labelOptions: Option<number>[] = runsheet.labels.map((label) => ({ label: label.name, value: label.id }));
  const statusOptions: Option<string>[] = runsheet.stepStatuses.map((status) => ({ label: statusLabel(status.name), value: status.name }));

  return (
    <div role="search" aria-label="Filter steps" style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: token('space.150', '0.75rem'), marginBottom: token('space.150', '0.75rem') }}>
      <div style={{ ...field, minWidth: '14rem', flex: '1 1 14rem' }}>
        <label htmlFor="filter-text" style={labelStyle}>
          Search
        </label>
        <Textfield
          id="filter-text"
          aria-label="Search steps"
          placeholder="Code or name"
          value={filters.text}
          isCompact
          onChange={(event) => onChange({ ...filters, text: (event.target as HTMLInputElement).value })}
        />
      </div>
      <div style={field}>
        <label htmlFor="filter-team" style={labelStyle}>
          Team
        </label>
        <Select<Option<number>>
          inputId="filter-team"
          aria-label="Team"
          spacing="compact"
          isClearable
          placeholder="All teams"
          options={teamOptions}
          value={teamOptions.find((option) => option.value === filters.teamId) ?? null}
          onChange={(option) => onChange({ ...filters, teamId: option?.value ?? null })}
        />
      </div>
      <div style={{ ...field, minWidth: '14rem' }}>
        <label htmlFor="filter-status" style={labelStyle}>
          Status
        </label>
        <Select<Option<string>, true>
          inputId="filter-status"
          aria-label="Status"
          spacing="compact"
          isMulti
          isClearable
          placeholder="All statuses"
          options={statusOptions}
          value={statusOptions.filter((option) => filters.statuses.includes(option.value))}
          onChange={(options) => onChange({ ...filters, statuses: options.map((option) => option.value) })}
        />
      </div>
      {labelOptions.length > 0 && (
        <div style={field}>
          <label htmlFor="filter-label" style={labelStyle}>
            Label
          </label>
          <Select<Option<number>>
            inputId="filter-label"
            aria-label="Label"
            spacing="compact"
            isClearable
            placeholder="All labels"
            options={labelOptions}
            value={labelOptions.find((option) => option.value === filters.labelId) ?? null}
            onChange={(option) => onChange({ ...filters, labelId: option?.value ?? null })}
          />
        </div>
      )}
      <div style={{ ...field, minWidth: 'auto' }} title="Steps someone marked Blocked or Failed, with their reason in the Status column">
        <Checkbox
          label="Blocked or failed"
          name="filter-trouble"
          isChecked={isTroubleFilter(filters)}
          onChange={(event) => onChange(withTroubleFilter(filters, event.target.checked))}
        />
      </div>
      <div style={{ ...field, minWidth: 'auto' }} title={mineHint}>
        <Checkbox
          label="My steps"
          name="filter-mine"
          isChecked={filters.mine}
          isDisabled={!mineAvailable}
          onChange={(event) => onChange({ ...filters, mine: event.target.checked })}
        />
      </div>
      {isFiltered(filters) && (
        <Button appearance="subtle" onClick={() => onChange(NO_FILTERS)}>
          Clear filters
        </Button>
      )}
    </div>
  );
}
