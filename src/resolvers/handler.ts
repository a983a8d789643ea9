import { makeResolver } from '@forge/resolver';
import type { Request } from '@forge/resolver';
import { z } from 'zod';
import type { Db } from '../db/client';
import { isDomainError, toErrorPayload } from '../domain/errors';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable, translateDatabaseError } from '../services/db-errors';
import { resolveActor } from '../services/identity';
import { isBusyError } from '../services/user-concurrency';
import type { Envelope, ErrorBody, Operation, OperationMap } from './operation';

export interface ResolverDependencies {
  /** The database of the installation making the call (one per Confluence site). */
  databaseFor(context: Request['context']): Promise<Db> | Db;
  now?: () => Date;
  /** Receives failures that are not the caller's fault; never shown to the user. */
  logError?: (error: unknown, functionKey: string) => void;
}

/** A payload path as words a person reads: `steps.2.durationMinutes` -> "steps, item 3, duration minutes". */
export function describePath(path: readonly PropertyKey[]): string {
  return path
    .map((part) => (typeof part === 'number' ? `item ${part + 1}` : String(part).replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()))
    .join(', ');
}

function describeIssues(error: z.ZodError): ErrorBody {
  // details keep the payload path, so a form can put each message under its field.
  const issues = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? ` (${describePath(first.path)})` : '';
  const more = issues.length > 1 ? ` and ${issues.length - 1} more problem(s)` : '';
  const sentence = (first?.message ?? 'unexpected input').replace(/\.$/, '');
  return { code: 'VALIDATION', message: `The request is not valid: ${sentence}${where}${more}.`, details: issues };
}

/**
 * PostgreSQL text cannot hold the NUL character (U+0000): such a value would fail deep in the
 * database as an unexplained error. One check at the edge, on every string and key of every
 * payload, makes it a VALIDATION error for every resolver. Returns the path of the first one.
 */
export function findNulCharacter(value: unknown, path: string[] = [], depth = 0): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findNulCharacter(value[index], [...path, String(index)], depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, key.replaceAll('\u0000', '\\0')];
    const found = findNulCharacter(item, [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

function nulCharacterError(path: string[]): ErrorBody {
  const where = path.length > 0 ? ` (${path.join('.')})` : '';
  return {
    code: 'VALIDATION',
    message: `The request is not valid: text may not contain the NUL character (\\0)${where}.`,
    details: [{ path: path.join('.'), message: 'Text may not contain the NUL character.' }],
  };
}

/** Zod, domain and database failures become a code and a sentence; anything else is UNKNOWN. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof z.ZodError) return describeIssues(error);
  // Too many costly calls of this user at once (src/services/user-concurrency.ts): answered 429.
  if (isBusyError(error)) return { code: 'RATE_LIMITED', message: error.message, details: { retryAfterSeconds: error.retryAfterSeconds, reason: 'concurrency' } };
  // The database failed under the call (not the request's fault): UNAVAILABLE, answered 503.
  if (!isDomainError(error) && isDatabaseUnavailable(error)) return { code: 'UNAVAILABLE', message: DATABASE_UNAVAILABLE_MESSAGE };
  return toErrorPayload(isDomainError(error) ? error : translateDatabaseError(error));
}

async function runOperation(
  operation: Operation,
  request: Request,
  deps: ResolverDependencies,
  functionKey: string,
): Promise<Envelope<unknown>> {
  try {
    const db = await deps.databaseFor(request.context);
    const now = deps.now ?? (() => new Date());
    if (operation.forAccount) {
      const parsed = operation.input.safeParse(request.payload);
      if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
      const accountId = request.context.accountId as string | undefined;
      const moduleKey = typeof request.context.moduleKey === 'string' ? request.context.moduleKey : undefined;
      return { ok: true, data: await operation.forAccount({ db, accountId, moduleKey, now }, parsed.data) };
    }
    const actor = await resolveActor(db, request.context.accountId as string | undefined);
    operation.authorize?.(actor);
    const nul = findNulCharacter(request.payload);
    if (nul) return { ok: false, error: nulCharacterError(nul) };
    const parsed = operation.input.safeParse(request.payload);
    if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
    const data = await operation.run({ db, actor, now }, parsed.data);
    return { ok: true, data };
  } catch (error) {
    const body = toErrorBody(error);
    if (body.code === 'UNKNOWN') deps.logError?.(error, functionKey);
    return { ok: false, error: body };
  }
}

/**
 * The Forge resolver handler for a set of operations. Forge (through the UMIG service), the tests
 * and `npm start` all call it the same way:
 * `handler({ call: { functionKey, payload }, context }, { principal: { accountId }, installContext })`.
 */
export function createResolverHandler(operations: OperationMap, deps: ResolverDependencies) {
  const handlers: Record<string, (request: Request) => Promise<Envelope<unknown>>> = {};
  for (const [functionKey, operation] of Object.entries(operations)) {
    handlers[functionKey] = (request) => runOperation(operation, request, deps, functionKey);
  }
  return makeResolver(handlers);
}

