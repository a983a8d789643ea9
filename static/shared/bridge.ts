import type { InvokeRemoteInput } from '@forge/bridge';
import { isErrorCode, type Envelope as ServiceEnvelope, type ErrorCode, type ErrorPayload } from '../../src/domain/errors';
import { loadBridge } from './forge';

/**
 * The one door from the apps to the UMIG service. Every call is a POST to SERVICE_INVOKE_PATH on
 * the `umig-service` remote, through the module's `umig-service-ui` endpoint:
 *   request body  { functionKey, payload }      (the resolver to run and its input)
 *   response body { ok: true, data } | { ok: false, error: { code, message, details? } }
 * Forge adds the Forge Invocation Token; the service takes the caller's identity from that token,
 * never from the payload.
 */
export const SERVICE_INVOKE_PATH = '/invoke';

/**
 * The codes are the domain's one list (src/domain/errors ERROR_CODES). The service sends all of
 * them; this client also produces UNAVAILABLE itself when no answer arrives or the answer is a 5xx
 * without an envelope, and maps a code it does not know (a newer service) to UNKNOWN.
 */
export type ServiceErrorCode = ErrorCode;
export type ServiceErrorBody = ErrorPayload;
export type Envelope<T> = ServiceEnvelope<T>;

/** A failed call, carrying the service's code and sentence. */
export class ServiceError extends Error {
  readonly code: ServiceErrorCode;
  readonly details: unknown;

  constructor(body: ServiceErrorBody) {
    super(body.message);
    this.name = 'ServiceError';
    this.code = body.code;
    this.details = body.details;
  }
}

/**
 * The API contract: function key -> (payload) => envelope. The backend's Definitions type
 * (src/resolvers, DefinitionsOf) has this shape and can be passed to createServiceClient as is.
 */
export type ServiceDefinitions = Record<string, (payload: never) => Envelope<unknown>>;

/** Used until the backend's Definitions type is wired in: any key, an optional object payload. */
export type UntypedDefinitions = Record<string, (payload?: Record<string, unknown>) => Envelope<unknown>>;

type PayloadOf<F> = F extends (payload: infer P) => unknown ? P : never;
type DataOf<F> = F extends (payload: never) => Envelope<infer T> ? T : never;
/** A payload that may be undefined may also be left out. */
type PayloadArgs<P> = undefined extends P ? [payload?: P] : [payload: P];

/** What the client needs from a transport; @forge/bridge invokeRemote is the real one. */
export interface RemoteResponse {
  status?: number;
  body?: unknown;
}
export type RemoteTransport = (input: InvokeRemoteInput) => Promise<RemoteResponse>;

export const forgeTransport: RemoteTransport = async (input) => (await loadBridge()).invokeRemote(input);

const UNAVAILABLE: ServiceErrorBody = {
  code: 'UNAVAILABLE',
  message: 'The UMIG service is not available right now. Try again in a moment.',
};
const UNREADABLE: ServiceErrorBody = {
  code: 'UNKNOWN',
  message: 'Something went wrong in UMIG. Try again; if it keeps happening, tell your UMIG administrator.',
};

/** The error of a failed envelope, its code narrowed to the shared list (anything else is UNKNOWN). */
function errorBodyOf(value: unknown): ServiceErrorBody | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { code, message, details } = value as Record<string, unknown>;
  if (typeof code !== 'string' || typeof message !== 'string' || message.length === 0) return undefined;
  const known: ErrorCode = isErrorCode(code) ? code : 'UNKNOWN';
  return details === undefined ? { code: known, message } : { code: known, message, details };
}

/** The envelope in a response body (an object, or JSON text), or undefined if there is none. */
export function readEnvelope(body: unknown): Envelope<unknown> | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as Record<string, unknown>;
  if (candidate.ok === true && 'data' in candidate) return { ok: true, data: candidate.data };
  const error = candidate.ok === false ? errorBodyOf(candidate.error) : undefined;
  return error ? { ok: false, error } : undefined;
}

/**
 * Builds the typed caller for a Definitions type. It resolves with the envelope's data and rejects
 * with a ServiceError whose message can be shown as it is.
 */
export function createServiceClient<Defs extends ServiceDefinitions>(transport: RemoteTransport = forgeTransport) {
  return async function callService<K extends keyof Defs & string>(
    key: K,
    ...[payload]: PayloadArgs<PayloadOf<Defs[K]>>
  ): Promise<DataOf<Defs[K]>> {
    let response: RemoteResponse;
    try {
      response = await transport({
        path: SERVICE_INVOKE_PATH,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: { functionKey: key, payload: payload ?? {} },
      });
    } catch (error) {
      throw new ServiceError({ ...UNAVAILABLE, details: error instanceof Error ? error.message : String(error) });
    }
    // An envelope wins over the HTTP status: the service answers refusals with one, whatever the status.
    const envelope = readEnvelope(response.body);
    if (envelope?.ok === true) return envelope.data as DataOf<Defs[K]>;
    if (envelope?.ok === false) throw new ServiceError(envelope.error);
    const status = response.status ?? 0;
    throw new ServiceError({ ...(status === 0 || status >= 500 ? UNAVAILABLE : UNREADABLE), details: { status } });
  };
}

/** The untyped caller; swap UntypedDefinitions for the backend's Definitions once it exists. */
export const callService = createServiceClient<UntypedDefinitions>();

/** The sentence to show for any failure; never a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof ServiceError) return error.message;
  return UNREADABLE.message;
}
