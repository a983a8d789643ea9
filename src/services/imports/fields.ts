/**
 * Reading one value of an uploaded record, whatever the format: each reader returns the value to
 * stage (null when absent or unreadable) and records a problem naming the file, line and column.
 * Identifiers (codes, names that are looked up) are trimmed; free text is kept as written.
 */
import { formatStepCode, parseStepCode } from '../../domain/execution/step-code';
import { DURATION_MAX_MINUTES, DURATION_RULE } from '../../domain/planning/durations';
import type { ImportProblem, ProblemRule } from './types';

/** Where a value came from, for the report. */
export interface Place {
  file: string;
  line: number;
  column: string;
}

const MAX_INT4 = 2_147_483_647;

export class ProblemList {
  readonly items: ImportProblem[] = [];

  add(place: { file: string; line: number | null; column: string | null }, rule: ProblemRule, message: string): void {
    this.items.push({ file: place.file, line: place.line, column: place.column, rule, message });
  }
}

/** Shows a bad value inside a sentence without letting a huge cell flood the report. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/** Free text (names, descriptions, instruction text): blank means absent, otherwise kept as written. */
export function readText(value: string | null | undefined, place: Place, problems: ProblemList, maxLength?: number): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  if (maxLength !== undefined && value.length > maxLength) {
    problems.add(place, 'TOO_LONG', `${place.column} is ${value.length} characters long; the limit is ${maxLength}.`);
    return value.slice(0, maxLength);
  }
  return value;
}

/** A name or code that will be looked up: trimmed, blank means absent. */
export function readKey(value: string | null | undefined, place: Place, problems: ProblemList, maxLength = 255): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (trimmed.length > maxLength) {
    problems.add(place, 'TOO_LONG', `${place.column} is ${trimmed.length} characters long; the limit is ${maxLength}.`);
    return trimmed.slice(0, maxLength);
  }
  return trimmed;
}

/** A whole number from 0 (minutes, order, ids). Text from CSV cells; numbers or text from JSON. */
export function readWholeNumber(value: unknown, place: Place, problems: ProblemList, what = 'a whole number from 0', max = MAX_INT4): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= max) return value;
  } else if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return null;
    if (/^\d{1,10}$/.test(trimmed) && Number(trimmed) <= max) return Number(trimmed);
  }
  problems.add(place, 'NOT_A_NUMBER', `${place.column} must be ${what}; found ${quote(value)}.`);
  return null;
}

/** '|'-separated names or codes (CSV), trimmed, blanks and repeats dropped. */
export function splitList(value: string | null | undefined): string[] {
  if (!value) return [];
  return [...new Set(value.split('|').map((item) => item.trim()).filter((item) => item !== ''))];
}

export interface ReadCode {
  code: string | null;
  typeCode: string | null;
  number: number | null;
}

/** A step code such as TRT-010; a malformed one is reported and kept raw so duplicates still show. */
export function readStepCode(value: string | null, place: Place, problems: ProblemList): ReadCode {
  if (value === null) return { code: null, typeCode: null, number: null };
  const parsed = parseStepCode(value);
  if (!parsed) {
    problems.add(
      place,
      'BAD_STEP_CODE',
      `${quote(value)} is not a step code; write the step type, a dash and the number on at least three digits, e.g. TRT-010.`,
    );
    return { code: value.trim().toUpperCase().slice(0, 255), typeCode: null, number: null };
  }
  return { code: formatStepCode(parsed.typeCode, parsed.number), typeCode: parsed.typeCode, number: parsed.number };
}

/**
 * A reference to a step: "TRT-010", or "Phase name / TRT-010" (also "Sequence / Phase / TRT-010")
 * when the code is used in several phases. Returns the normalised reference or null.
 */
export function readStepReference(value: string | null, place: Place, problems: ProblemList): string | null {
  if (value === null) return null;
  const slash = value.lastIndexOf('/');
  const codeText = slash >= 0 ? value.slice(slash + 1) : value;
  const phaseText = slash >= 0 ? value.slice(0, slash).trim() : '';
  const parsed = parseStepCode(codeText);
  if (!parsed) {
    problems.add(
      place,
      'BAD_STEP_CODE',
      `${quote(value)} does not name a step; write its code (e.g. TRT-010), or "Phase name / TRT-010" when the code is used in several phases.`,
    );
    return null;
  }
  const code = formatStepCode(parsed.typeCode, parsed.number);
  return phaseText === '' ? code : `${phaseText} / ${code}`;
}

/** A duration cell or field: see DURATION_MAX_MINUTES. */
export function readDuration(value: unknown, place: Place, problems: ProblemList): number | null {
  return readWholeNumber(value, place, problems, DURATION_RULE, DURATION_MAX_MINUTES);
}
