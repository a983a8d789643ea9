import { AsyncSelect } from '@atlaskit/select';
import { useRef, type CSSProperties } from 'react';
import { searchConfluencePeople, type ConfluencePerson } from '../../shared/confluence-users';

/**
 * A Confluence user picker: type part of a name, choose the person. Confluence does the search
 * (requestConfluence, as the administrator), so nobody needs to know an account id.
 */

export interface PersonOption {
  value: string;
  label: string;
  person: ConfluencePerson;
}

const menuPortal = { menuPortal: (base: CSSProperties) => ({ ...base, zIndex: 1000 }) };
const SEARCH_DELAY_MS = 250;

export interface ConfluenceUserPickerProps {
  inputId: string;
  value: PersonOption | null;
  onChange: (option: PersonOption | null) => void;
  /** Called with a sentence when Confluence cannot be searched. */
  onProblem: (message: string | undefined) => void;
}

export function ConfluenceUserPicker({ inputId, value, onChange, onProblem }: ConfluenceUserPickerProps) {
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const loadOptions = (query: string) =>
    new Promise<PersonOption[]>((resolve) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        searchConfluencePeople(query).then(
          (people) => {
            onProblem(undefined);
            resolve(people.map((person) => ({ value: person.accountId, label: person.email ? `${person.displayName} (${person.email})` : person.displayName, person })));
          },
          (error: unknown) => {
            console.warn('UMIG: Confluence user search failed', error);
            onProblem('Confluence did not answer the user search. Try again in a moment.');
            resolve([]);
          },
        );
      }, SEARCH_DELAY_MS);
    });
  return (
    <AsyncSelect<PersonOption>
      inputId={inputId}
      loadOptions={loadOptions}
      value={value}
      onChange={(option) => onChange(option ?? null)}
      placeholder="Type a name…"
      noOptionsMessage={({ inputValue }) => (inputValue.trim().length < 2 ? 'Type at least two letters of a name' : `Nobody in Confluence matches “${inputValue}”`)}
      loadingMessage={() => 'Searching Confluence…'}
      isClearable
      isRequired
      cacheOptions
      menuPortalTarget={document.body}
      styles={menuPortal}
    />
  );
}
