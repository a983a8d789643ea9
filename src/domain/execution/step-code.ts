/**
 * The step code people say out loud during a cutover ("TRT-010 is done"): the step type code,
 * a dash, and the step number padded to three digits.
 */

import { domainError } from '../errors';

export interface StepCode {
  /** `step_types_stt.stt_code`, e.g. TRT. */
  typeCode: string;
  /** `steps_master_stm.stm_number`. */
  number: number;
}

/** `stt_code` is varchar(3); letters and digits only, so the dash stays an unambiguous separator. */
const TYPE_CODE = /^[A-Z0-9]{1,3}$/;
const STEP_CODE = /^([A-Z0-9]{1,3})-(\d{3,10})$/;
const MAX_STEP_NUMBER = 2_147_483_647; // int4

/** True when the type code can be shown in (and parsed back from) a step code. */
export function isStepTypeCode(value: string): boolean {
  return TYPE_CODE.test(value);
}

/** True when the number fits `stm_number` (int4) and reads back unchanged. */
export function isStepNumber(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_STEP_NUMBER;
}

/**
 * Formats the code shown everywhere. Throws VALIDATION on values that could not be parsed back,
 * because a code that does not round-trip would make search and imports disagree with the screen.
 */
export function formatStepCode(typeCode: string, number: number): string {
  if (!isStepTypeCode(typeCode)) {
    throw domainError('VALIDATION', `"${typeCode}" is not a step type code; use up to three capital letters or digits.`);
  }
  if (!isStepNumber(number)) {
    throw domainError('VALIDATION', `${number} is not a step number; use a whole number from 0.`);
  }
  return `${typeCode}-${String(number).padStart(3, '0')}`;
}

/**
 * Reads a code typed by a user or found in an import. Surrounding spaces and lower case are
 * forgiven; anything else must be exactly what formatStepCode produces (so "TRT-10" and
 * "TRT-0010" are refused), which keeps one code per step. Null when malformed.
 */
export function parseStepCode(text: string): StepCode | null {
  const match = STEP_CODE.exec(text.trim().toUpperCase());
  if (!match) return null;
  const typeCode = match[1]!;
  const digits = match[2]!;
  const number = Number(digits);
  if (!isStepNumber(number) || String(number).padStart(3, '0') !== digits) return null;
  return { typeCode, number };
}
