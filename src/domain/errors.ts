/**
 * Typed domain errors. The code list is the contract with the UI (which may pick its own wording
 * per code); the message is always a sentence a user can act on, never a stack trace or SQL.
 */

/**
 * The one list of error codes, shared by the services, the UMIG service's HTTP routes and the apps
 * (static/shared/bridge.ts imports it). `rule` codes are thrown by the services as DomainErrors and
 * answered with HTTP 200; `transport` codes are produced around a call by the HTTP layer (or, for
 * UNAVAILABLE, also by the apps' client when the service cannot be reached) and carry their status.
 */
export const ERROR_CODES = {
  VALIDATION: 'rule',
  NOT_FOUND: 'rule',
  FORBIDDEN: 'rule',
  CONFLICT: 'rule',
  UNKNOWN_USER: 'rule',
  UNKNOWN: 'rule',
  /** 401: the Forge Invocation Token was missing or refused; nothing ran. */
  UNAUTHENTICATED: 'transport',
  /** 413 */
  PAYLOAD_TOO_LARGE: 'transport',
  /** 429, with Retry-After */
  RATE_LIMITED: 'transport',
  /** 503 (not run: the database or the signing keys are unreachable, or the service is stopping), 504 (timed out), or no answer at all. */
  UNAVAILABLE: 'transport',
} as const satisfies Record<string, 'rule' | 'transport'>;

/** Every code an envelope may carry. */
export type ErrorCode = keyof typeof ERROR_CODES;
/** The codes a service may throw (a DomainError). */
export type DomainErrorCode = { [K in ErrorCode]: (typeof ERROR_CODES)[K] extends 'rule' ? K : never }[ErrorCode];

export const DOMAIN_ERROR_CODES = (Object.keys(ERROR_CODES) as ErrorCode[]).filter(
  (code): code is DomainErrorCode => ERROR_CODES[code] === 'rule',
);

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
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** A code a service may throw. */
export function isDomainErrorCode(value: unknown): value is DomainErrorCode {
  return isErrorCode(value) && ERROR_CODES[value] === 'rule';
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

/** What crosses the wire to the UI: the `error` of every failed envelope, from any route. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** The answer of every call and every HTTP route of the UMIG service. */
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ErrorPayload };

/** A failed envelope. */
export function failure(code: ErrorCode, message: string, details?: unknown): { ok: false; error: ErrorPayload } {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
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
