import { makeResolver } from '@forge/resolver';
import type { Request } from '@forge/resolver';
import { z } from 'zod';
import type { Db } from '../db/client';
import { isDomainError, toErrorPayload } from '../domain/errors';
import { translateDatabaseError } from '../services/db-errors';
import { resolveActor } from '../services/identity';
import type { Envelope, ErrorBody, Operation, OperationMap } from './operation';

export interface ResolverDependencies {
  /** The database of the installation making the call (one per Confluence site). */
  databaseFor(context: Request['context']): Promise<Db> | Db;
  now?: () => Date;
  /** Receives failures that are not the caller's fault; never shown to the user. */
  logError?: (error: unknown, functionKey: string) => void;
}

function describeIssues(error: z.ZodError): ErrorBody {
  const issues = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const first = issues[0];
  const where = first?.path ? ` (${first.path})` : '';
  const more = issues.length > 1 ? ` and ${issues.length - 1} more problem(s)` : '';
  return { code: 'VALIDATION', message: `The request is not valid: ${first?.message ?? 'unexpected input'}${where}${more}.`, details: issues };
}

/** Zod, domain and database failures become a code and a sentence; anything else is UNKNOWN. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof z.ZodError) return describeIssues(error);
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
    const actor = await resolveActor(db, request.context.accountId as string | undefined);
    operation.authorize?.(actor);
    const parsed = operation.input.safeParse(request.payload);
    if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
    const data = await operation.run({ db, actor, now: deps.now ?? (() => new Date()) }, parsed.data);
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

