import { type DomainError, UNKNOWN_ERROR_MESSAGE, domainError, isDomainError } from '../domain/errors';

export interface PgErrorLike {
  code?: string;
  message?: string;
  constraint?: string;
  table?: string;
  detail?: string;
  column?: string;
}

/** Drizzle wraps driver errors (DrizzleQueryError.cause); find the PostgreSQL error inside. */
export function findPgError(error: unknown): PgErrorLike | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const candidate = current as PgErrorLike & { cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate;
    current = candidate.cause;
  }
  return undefined;
}

/**
 * PostgreSQL error classes and driver failures that say "the database could not be reached or
 * gave up the connection", not "this request is wrong": 08 connection exception, 53 insufficient
 * resources, 57P01-57P03 shutdown / not accepting connections, 57014 query cancelled (a
 * deadline), and node-postgres's own failures of a connection that closed, hung or never opened.
 */
const UNAVAILABLE_SQLSTATE = /^(08|53)|^57P0[1-3]$|^57014$/;
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /^Query read timeout$/,
  /not queryable/,
  /Cannot use a pool after calling end/,
  /^PGlite is closed$/,
];

export const DATABASE_UNAVAILABLE_MESSAGE = 'The database for this site did not answer, so nothing was saved. Try again in a moment.';

export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && (UNAVAILABLE_SQLSTATE.test(candidate.code) || UNAVAILABLE_SOCKET_CODES.has(candidate.code))) return true;
    if (current instanceof Error && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(current instanceof Error ? current.message : ''))) return true;
    current = candidate.cause;
  }
  return false;
}

/**
 * Turns a database error into a typed error with a sentence a user can act on. The SQL text,
 * constraint internals and stack never leave the server: unknown failures become UNKNOWN.
 */
export function translateDatabaseError(error: unknown): DomainError {
  if (isDomainError(error)) return error;
  const pg = findPgError(error);
  switch (pg?.code) {
    case '23505':
      return domainError('CONFLICT', 'Something with the same name or code already exists.', { constraint: pg.constraint });
    case '23503':
      return /is still referenced/.test(pg.detail ?? '')
        ? domainError('CONFLICT', 'This item is still in use by other records, so it cannot be removed.')
        : domainError('NOT_FOUND', 'The item this refers to does not exist (it may have just been deleted).');
    case '23502':
      return domainError('VALIDATION', `A required value is missing${pg.column ? ` (${pg.column})` : ''}.`);
    case '23514':
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
      return domainError('VALIDATION', 'A value is not in the expected format or range.');
    case '22001':
      return domainError('VALIDATION', 'A value is longer than allowed.');
    case '40001':
    case '40P01':
    case '55P03':
      return domainError('CONFLICT', 'Someone else changed this at the same moment; reload and try again.');
    default:
      return domainError('UNKNOWN', UNKNOWN_ERROR_MESSAGE);
  }
}
