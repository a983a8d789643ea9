/**
 * Typed domain errors. The code list is the contract with the UI (which may pick its own wording
 * per code); the message is always a sentence a user can act on, never a stack trace or SQL.
 */

export const DOMAIN_ERROR_CODES = ['VALIDATION', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'UNKNOWN_USER', 'UNKNOWN'] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];
/** Short alias used by the resolvers and the UI. */
export type ErrorCode = DomainErrorCode;

/** Extra machine-readable facts for the UI (e.g. which controls block a phase). Plain JSON only. */
export type DomainErrorDetails = Readonly<Record<string, unknown>>;

/**
 * An expected failure with a user-readable message. It extends Error so services can throw it
 * through a transaction (which rolls back) and the edge can still tell it from a programming error.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly code: DomainErrorCode;
  readonly details: DomainErrorDetails | undefined;

  constructor(code: DomainErrorCode, message: string, details?: DomainErrorDetails) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** The one way to make a domain error, so every call site reads `domainError('CONFLICT', '…')`. */
export function domainError(code: DomainErrorCode, message: string, details?: DomainErrorDetails): DomainError {
  return new DomainError(code, message, details);
}

/** Narrows untrusted strings (e.g. a code coming back over the bridge). */
export function isDomainErrorCode(value: unknown): value is DomainErrorCode {
  return typeof value === 'string' && (DOMAIN_ERROR_CODES as readonly string[]).includes(value);
}

/**
 * Recognises a domain error by shape as well as by class, because jest module registries and
 * bundling can load this module twice and break `instanceof`.
 */
export function isDomainError(value: unknown): value is DomainError {
  if (value instanceof DomainError) return true;
  if (!(value instanceof Error) || value.name !== 'DomainError') return false;
  return isDomainErrorCode((value as { code?: unknown }).code);
}

/** What crosses the wire to the UI. */
export interface ErrorPayload {
  code: DomainErrorCode;
  message: string;
  details?: DomainErrorDetails;
}

/** Shown for anything that is not a domain error: internal text must never reach a user. */
export const UNKNOWN_ERROR_MESSAGE =
  'Something went wrong on our side. Try again, and tell your administrator if it keeps happening.';

/**
 * Turns anything thrown into a payload that is safe to show: domain errors keep their sentence,
 * everything else collapses to UNKNOWN so stack traces and SQL stay on the server.
 */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (isDomainError(error)) {
    return error.details === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, details: error.details };
  }
  return { code: 'UNKNOWN', message: UNKNOWN_ERROR_MESSAGE };
}

/**
 * Outcome of a rule that can refuse. Rules return rather than throw, so a caller can show the
 * refusal (or batch many, as an import does) without try/catch.
 */
export type Decision<T extends object = object> = ({ ok: true } & T) | { ok: false; error: DomainError };

/** Shorthand for a refusal. */
export function refuse(code: DomainErrorCode, message: string, details?: DomainErrorDetails): { ok: false; error: DomainError } {
  return { ok: false, error: domainError(code, message, details) };
}
