import Checkbox from '@atlaskit/checkbox';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import { token } from '@atlaskit/tokens';
import type { CSSProperties } from 'react';
import type { AnyRow } from './admin-api';
import type { FieldSpec } from './admin-descriptors';
import { textOf, useOptions, type Option } from './admin-options';
import { tooLongMessage } from './format';
import { look } from './look';
import { styles } from './styles';

/**
 * One form field of the generic admin form, by kind, and the conversions between what a row
 * holds, what the input shows and what the payload sends.
 */

export type FormValue = string | number | boolean | null;
export type FormValues = Record<string, FormValue>;

/** Left out of the payload: the service keeps the value (or applies its default). */
export const OMIT = Symbol('omit');
export type Converted = { ok: true; value: unknown } | { ok: false; message: string };

export function toFormValue(field: FieldSpec, raw: unknown): FormValue {
  switch (field.kind) {
    case 'boolean':
      return raw === true;
    case 'select':
      return typeof raw === 'string' || typeof raw === 'number' ? raw : null;
    default:
      return textOf(raw);
  }
}

export function rowValue(field: FieldSpec, row: AnyRow): unknown {
  return field.read ? field.read(row) : row[field.name];
}

export function initialValues(fields: readonly FieldSpec[], row: AnyRow | undefined): FormValues {
  const values: FormValues = {};
  for (const field of fields) values[field.name] = toFormValue(field, row ? rowValue(field, row) : field.defaultValue);
  return values;
}

/**
 * What the payload sends for a field. Empty means: null for a clearable field (clears it), ''
 * for a required text (so the service's own sentence says what is missing), left out otherwise.
 * Only what a form cannot send at all (a number that is not one, a required choice not made) is
 * said here.
 */
export function fromFormValue(field: FieldSpec, value: FormValue): Converted {
  const what = field.label.toLowerCase();
  switch (field.kind) {
    case 'boolean':
      return { ok: true, value: value === true };
    case 'select':
      if (value === null || value === '') {
        if (field.clearable) return { ok: true, value: null };
        return field.required ? { ok: false, message: `Choose the ${what}.` } : { ok: true, value: OMIT };
      }
      return { ok: true, value };
    case 'number': {
      const text = String(value ?? '').trim();
      if (text === '') {
        if (field.clearable) return { ok: true, value: null };
        return field.required ? { ok: false, message: `Enter the ${what}.` } : { ok: true, value: OMIT };
      }
      // Digits only: "1e9", "30.5" or "thirty" are refused here with a sentence, never sent as
      // something else (a browser number input would hand over "" for letters: "no duration").
      if (!/^\d{1,10}$/.test(text)) return { ok: false, message: `Enter the ${what} as a whole number in digits, e.g. 30.` };
      return { ok: true, value: Number(text) };
    }
    default: {
      const text = String(value ?? '');
      if (text.trim() === '') {
        if (field.clearable) return { ok: true, value: null };
        return field.required ? { ok: true, value: '' } : { ok: true, value: OMIT };
      }
      // Refused, never cut: the input has no maxLength, so a long paste stays whole and is named here.
      if (field.maxLength !== undefined && text.length > field.maxLength) {
        return { ok: false, message: tooLongMessage(field.label, text.length, field.maxLength) };
      }
      return { ok: true, value: text };
    }
  }
}

const menuPortal = { menuPortal: (base: CSSProperties) => ({ ...base, zIndex: 1000 }) };

const fieldStyles = {
  swatch: {
    display: 'inline-block',
    width: '1.25rem',
    height: '1.25rem',
    borderRadius: token('radius.small', '0.25rem'),
    border: `1px solid ${token('color.border', '#0B120E24')}`,
    flex: 'none',
  },
  readOnly: {
    padding: `${token('space.075', '0.375rem')} 0`,
    color: token('color.text', '#292A2E'),
    fontFamily: 'inherit',
  },
} satisfies Record<string, CSSProperties>;

export interface FieldInputProps {
  field: FieldSpec;
  /** Unique id of the input; the label, hint and error hang off it. */
  id: string;
  value: FormValue;
  onChange: (value: FormValue) => void;
  error?: string;
  /** Shown, not editable (codes and parents when editing). */
  readOnly?: boolean;
}

/** A labelled input with its hint or error underneath, announced with it (aria-describedby). */
export function FieldInput({ field, id, value, onChange, error, readOnly }: FieldInputProps) {
  const describedBy = error ? `${id}-error` : field.hint ? `${id}-hint` : undefined;
  const invalid = error !== undefined;
  const required = field.required && !readOnly;

  if (field.kind === 'boolean') {
    return (
      <div style={styles.field} data-field={field.name}>
        <Checkbox
          id={id}
          name={field.name}
          label={field.label}
          isChecked={value === true}
          isDisabled={readOnly}
          isInvalid={invalid}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.checked)}
        />
        <FieldNote id={id} hint={field.hint} error={error} />
      </div>
    );
  }

  return (
    <div style={styles.field} data-field={field.name}>
      <label htmlFor={id} style={styles.label}>
        {field.label}
        {required && (
          <span aria-hidden="true" style={{ color: token('color.text.danger', '#AE2E24') }}>
            {' '}
            *
          </span>
        )}
      </label>
      {readOnly ? (
        <ReadOnlyValue field={field} id={id} value={value} />
      ) : field.kind === 'select' ? (
        <SelectInput field={field} id={id} value={value} onChange={onChange} invalid={invalid} describedBy={describedBy} />
      ) : field.kind === 'textarea' ? (
        <textarea
          id={id}
          name={field.name}
          value={String(value ?? '')}
          placeholder={field.placeholder}
          aria-invalid={invalid || undefined}
          aria-required={required || undefined}
          aria-describedby={describedBy}
          rows={5}
          style={{ ...look.textarea, borderColor: invalid ? token('color.border.danger', '#E2483D') : undefined }}
          onChange={(event) => onChange(event.target.value)}
        />
      ) : (
        <div style={{ ...look.row, flexWrap: 'nowrap' }}>
          {field.kind === 'color' && (
            <span aria-hidden="true" style={{ ...fieldStyles.swatch, backgroundColor: /^#[0-9a-f]{6}$/i.test(String(value)) ? String(value) : 'transparent' }} />
          )}
          <Textfield
            id={id}
            name={field.name}
            type={field.kind === 'date' ? 'date' : field.kind === 'email' ? 'email' : 'text'}
            inputMode={field.kind === 'number' ? 'numeric' : undefined}
            value={String(value ?? '')}
            placeholder={field.placeholder ?? (field.kind === 'color' ? '#RRGGBB' : undefined)}
            isInvalid={invalid}
            isRequired={required}
            aria-describedby={describedBy}
            autoComplete="off"
            spellCheck={field.kind === 'text' ? undefined : false}
            onChange={(event) => onChange((event.target as HTMLInputElement).value)}
          />
        </div>
      )}
      <FieldNote id={id} hint={field.hint} error={error} />
    </div>
  );
}

function FieldNote({ id, hint, error }: { id: string; hint?: string; error?: string }) {
  if (error) {
    return (
      <span id={`${id}-error`} style={styles.fieldError} data-field-error>
        {error}
      </span>
    );
  }
  return hint ? (
    <span id={`${id}-hint`} style={{ ...styles.hint, fontSize: '0.75rem' }}>
      {hint}
    </span>
  ) : null;
}

function ReadOnlyValue({ field, id, value }: { field: FieldSpec; id: string; value: FormValue }) {
  const options = useOptions(field.kind === 'select' ? field.source : undefined);
  const all: readonly Option[] = field.options ?? options.options;
  const text = field.kind === 'select' ? (all.find((option) => option.value === value)?.label ?? String(value ?? '—')) : String(value ?? '') || '—';
  return (
    <output id={id} style={fieldStyles.readOnly} aria-describedby={`${id}-fixed`}>
      {text}
      <span id={`${id}-fixed`} style={look.visuallyHidden}>
        (cannot be changed)
      </span>
    </output>
  );
}

function SelectInput({
  field,
  id,
  value,
  onChange,
  invalid,
  describedBy,
}: {
  field: FieldSpec;
  id: string;
  value: FormValue;
  onChange: (value: FormValue) => void;
  invalid: boolean;
  describedBy: string | undefined;
}) {
  const loaded = useOptions(field.options ? undefined : field.source);
  const options: readonly Option[] = field.options ?? loaded.options;
  const selected = options.find((option) => option.value === value) ?? null;
  const placeholder =
    loaded.status === 'loading' ? 'Loading…' : loaded.status === 'error' ? loaded.message : options.length === 0 ? 'Nothing to choose from' : (field.placeholder ?? 'Choose…');
  return (
    <Select<Option>
      inputId={id}
      name={field.name}
      options={options}
      value={selected}
      onChange={(option) => onChange(option?.value ?? null)}
      isClearable={!field.required || field.clearable}
      isLoading={loaded.status === 'loading'}
      isInvalid={invalid}
      placeholder={placeholder}
      aria-describedby={describedBy}
      aria-invalid={invalid || undefined}
      isRequired={field.required}
      menuPortalTarget={document.body}
      styles={menuPortal}
    />
  );
}
