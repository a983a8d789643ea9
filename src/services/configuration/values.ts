import { type Decision, refuse } from '../../domain/errors';
import { compileSafePattern, type SafePattern } from '../../domain/patterns';

/**
 * Typed values of system_configuration_scf: scf_value is text, scf_data_type says how to read it
 * and scf_validation_pattern what it must look like. Pure: no database here.
 */

export const CONFIG_DATA_TYPES = ['STRING', 'NUMBER', 'BOOLEAN', 'JSON'] as const;
export type ConfigDataType = (typeof CONFIG_DATA_TYPES)[number];

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** What a setting reads as: STRING, NUMBER and BOOLEAN are the JSON scalars, so JsonValue covers all four types. */
export type ConfigValue = JsonValue;

/** What each data type reads as. */
export interface ConfigValueOf {
  STRING: string;
  NUMBER: number;
  BOOLEAN: boolean;
  JSON: JsonValue;
}

export function isConfigDataType(value: unknown): value is ConfigDataType {
  return typeof value === 'string' && (CONFIG_DATA_TYPES as readonly string[]).includes(value);
}

/** Long enough for any JSON setting UMIG uses; keeps an admin's pattern from running on megabytes. */
export const MAX_CONFIG_VALUE_LENGTH = 10_000;
/** Plain decimal notation only: no hex, no Infinity, no empty string (which Number() reads as 0). */
const NUMBER_TEXT = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

export interface ValidConfigValue {
  /** The text to store in scf_value (canonical: '5', 'true', compact JSON). */
  text: string;
  /** The typed value a reader gets. */
  value: ConfigValue;
}

const quoted = (text: string) => (text.length > 60 ? `"${text.slice(0, 57)}…"` : `"${text}"`);

function readTyped(dataType: ConfigDataType, raw: unknown, name: string): Decision<ValidConfigValue> {
  switch (dataType) {
    case 'STRING':
      if (typeof raw !== 'string') return refuse('VALIDATION', `${name} must be text.`);
      return { ok: true, text: raw, value: raw };
    case 'NUMBER': {
      if (typeof raw === 'number') {
        if (!Number.isFinite(raw)) return refuse('VALIDATION', `${name} must be a finite number.`);
        return { ok: true, text: String(raw), value: raw };
      }
      if (typeof raw !== 'string' || !NUMBER_TEXT.test(raw.trim())) {
        return refuse('VALIDATION', `${name} must be a number, like 5 or 2.5; ${typeof raw === 'string' ? quoted(raw) : 'this value'} is not.`);
      }
      const value = Number(raw.trim());
      if (!Number.isFinite(value)) return refuse('VALIDATION', `${name} is too large a number.`);
      return { ok: true, text: String(value), value };
    }
    case 'BOOLEAN': {
      if (typeof raw === 'boolean') return { ok: true, text: String(raw), value: raw };
      const text = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      if (text !== 'true' && text !== 'false') {
        return refuse('VALIDATION', `${name} must be true or false${typeof raw === 'string' ? `; ${quoted(raw)} is neither` : ''}.`);
      }
      return { ok: true, text, value: text === 'true' };
    }
    case 'JSON': {
      if (raw === undefined) return refuse('VALIDATION', `${name} must be JSON.`);
      if (typeof raw !== 'string') {
        // Already a value (from the admin UI): store its JSON text.
        return { ok: true, text: JSON.stringify(raw), value: raw as JsonValue };
      }
      try {
        const value = JSON.parse(raw) as JsonValue;
        return { ok: true, text: JSON.stringify(value), value };
      } catch {
        return refuse('VALIDATION', `${name} must be valid JSON; ${quoted(raw)} is not.`);
      }
    }
  }
}

/**
 * Compiles a stored pattern, or undefined when it is not a regular expression. Like the admin
 * screen, a pattern is searched for in the value, not implicitly anchored: write ^…$ to match the
 * whole value (every pattern UMIG seeds does).
 */
export function compileConfigPattern(pattern: string): SafePattern | undefined {
  // RE2 (linear time): a stored pattern can never hold the event loop (src/domain/patterns.ts).
  const compiled = compileSafePattern(pattern);
  return compiled.ok ? compiled.pattern : undefined;
}

/**
 * Checks a value against a setting's data type and validation pattern, and gives the text to store
 * and the typed value to read. The pattern is tested on the value as written (a string) or on its
 * canonical text (a number, boolean or JSON value given as such). `key` only names the setting in
 * the sentences.
 */
export function validateConfigValue(dataType: string | null | undefined, pattern: string | null | undefined, value: unknown, key?: string): Decision<ValidConfigValue> {
  const name = key ? `The setting "${key}"` : 'The value';
  const type = dataType ?? 'STRING';
  if (!isConfigDataType(type)) return refuse('VALIDATION', `${name} has the unknown data type "${type}"; use STRING, NUMBER, BOOLEAN or JSON.`);
  if (value === null || value === undefined) return refuse('VALIDATION', `${name} needs a value.`);
  if (typeof value === 'string' && value.length > MAX_CONFIG_VALUE_LENGTH) {
    return refuse('VALIDATION', `${name} is longer than ${MAX_CONFIG_VALUE_LENGTH} characters.`);
  }
  const typed = readTyped(type, value, name);
  if (!typed.ok) return typed;
  if (typed.text.length > MAX_CONFIG_VALUE_LENGTH) return refuse('VALIDATION', `${name} is longer than ${MAX_CONFIG_VALUE_LENGTH} characters.`);
  if (pattern) {
    const regex = compileConfigPattern(pattern);
    if (!regex) return refuse('VALIDATION', `${name} has a validation pattern UMIG cannot run (not a regular expression, or one that needs back-references or look-around); an administrator must correct it.`);
    const tested = typeof value === 'string' ? value : typed.text;
    if (!regex.test(tested)) {
      return refuse('VALIDATION', `${name} does not accept ${quoted(tested)}: it must match ${pattern}.`, { pattern });
    }
  }
  return typed;
}
