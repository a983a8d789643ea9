import type { z } from 'zod';
import type { Actor } from '../domain/access/permissions';
import type { Envelope, ErrorPayload } from '../domain/errors';
import type { AccountContext, ServiceContext } from '../services/context';

/** The body of every failed call: a code the UI can switch on and a sentence a person can read. */
export type ErrorBody = ErrorPayload;

/** What every resolver returns instead of throwing across the bridge (src/domain/errors). */
export type { Envelope };

/** One resolver: its payload schema and the use case it runs. */
export interface Operation<S extends z.ZodType = z.ZodType, R = unknown> {
  input: S;
  run: (ctx: ServiceContext, input: z.output<S>) => Promise<R>;
  /**
   * A check that needs only the actor (e.g. "administrators only"), run before the payload is
   * even parsed, so a refused caller learns nothing from validation messages. Throws a DomainError.
   * Checks that need data (the step's teams, the control's validators) stay in the service.
   */
  authorize?: (actor: Actor) => void;
  /**
   * Set only by accountOp: the call runs for the verified Confluence account, which need not be an
   * active UMIG user yet (registration, the first-administrator claim). `run` is then never called.
   */
  forAccount?: (ctx: AccountContext, input: z.output<S>) => Promise<R>;
}

export function op<S extends z.ZodType, R>(
  input: S,
  run: (ctx: ServiceContext, input: z.output<S>) => Promise<R>,
  options: { authorize?: (actor: Actor) => void } = {},
): Operation<S, R> {
  return { input, run, ...options };
}

/**
 * An operation for a caller who may not be a UMIG user yet. There are three (see
 * src/resolvers/session.ts); every other operation needs an active user and uses op().
 */
export function accountOp<S extends z.ZodType, R>(input: S, run: (ctx: AccountContext, input: z.output<S>) => Promise<R>): Operation<S, R> {
  return {
    input,
    forAccount: run,
    run: () => Promise.reject(new Error('An account operation runs through forAccount, never as a user operation.')),
  };
}

export type OperationMap = Record<string, Operation<z.ZodType, unknown>>;

/**
 * The API contract shared with the Custom UI apps: function key -> (payload) => envelope.
 * It is derived from the operations, so a renamed field fails the apps' typecheck.
 */
export type DefinitionsOf<Ops extends Record<string, Operation<z.ZodType, unknown>>> = {
  [K in keyof Ops & string]: (payload: z.input<Ops[K]['input']>) => Envelope<Awaited<ReturnType<Ops[K]['run']>>>;
};
