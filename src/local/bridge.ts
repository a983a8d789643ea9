import { randomBytes } from 'node:crypto';
import type { LocalIssuer } from '../server/dev-issuer';
import { FORGE_REMOTE_TIMEOUT_MS } from '../server/config';
import type { Frame } from './frames';
import type { HostState } from './host-state';
import type { AppManifest, UiModule } from './manifest';
import { PAGE_ID, SPACE } from './pages';

/**
 * The host's half of the bridge: what Confluence answers when a frame calls getContext, and what
 * Forge does with invokeRemote — sign a Forge Invocation Token for the frame's user, module and
 * site, call the remote, and hand the response back in the shape @forge/bridge expects.
 */

const TIMEZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function themeOf(colorMode: 'light' | 'dark') {
  return { colorMode, dark: 'dark', light: 'light', spacing: 'spacing', typography: 'typography', shape: 'shape' };
}

/** context.extension for a frame: what Forge gives a macro, its config dialog, or a settings page. */
export function extensionOf(frame: Frame, state: HostState): Record<string, unknown> {
  if (frame.kind === 'global-page') return { type: 'confluence:globalSettings', location: frame.pageUrl };
  const macro = state.macros.find((candidate) => candidate.localId === frame.localId);
  return {
    type: 'macro',
    content: { id: PAGE_ID, type: 'page' },
    space: { id: SPACE.id, key: SPACE.key },
    isEditing: frame.kind === 'macro-config',
    references: [],
    ...(macro?.config ? { config: structuredClone(macro.config) } : {}),
    location: frame.pageUrl,
  };
}

/** What view.getContext() resolves with in the frame (FullContext of @forge/bridge). */
export function contextOf(frame: Frame, state: HostState, manifest: AppManifest): Record<string, unknown> {
  return {
    accountId: frame.accountId,
    cloudId: state.site.cloudId,
    environmentId: state.site.environmentId,
    environmentType: 'DEVELOPMENT',
    extension: extensionOf(frame, state),
    localId: frame.localId,
    locale: 'en-US',
    moduleKey: frame.moduleKey,
    siteUrl: frame.pageOrigin,
    timezone: TIMEZONE,
    theme: themeOf(frame.colorMode),
    surfaceColor: null,
    permissions: { scopes: [...manifest.scopes] },
  };
}

/** What the frame sends with callBridge('invoke', …): invokeRemote's input plus invokeType. */
export interface InvokeRequest {
  invokeType?: unknown;
  functionKey?: unknown;
  path?: unknown;
  method?: unknown;
  headers?: unknown;
  body?: unknown;
}

/** callBridge('invoke') resolves with this; @forge/bridge turns it into invokeRemote's response. */
export interface BridgeInvokeResult {
  success: boolean;
  payload?: { status: number; headers: Record<string, string[]>; body?: unknown };
  error?: { status: number; headers: Record<string, string[]>; body?: unknown };
}

export class BridgeRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface InvocationRecord {
  at: string;
  frameId: string;
  moduleKey: string;
  accountId: string | undefined;
  method: string;
  path: string;
  functionKey?: string;
  status: number;
  /** 'ok', the envelope's error code, or `http <status>`. */
  outcome: string;
  durationMs: number;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** Headers an app may not set: Forge sets these itself. */
const RESERVED_HEADERS = /^(authorization|host|content-length|connection|cookie|x-forge-.*|x-b3-.*|transfer-encoding)$/i;

export interface InvokeDeps {
  manifest: AppManifest;
  state: HostState;
  issuer: LocalIssuer;
  /** remote key -> base URL of the running service. */
  remotes: Map<string, string>;
}

function moduleOf(frame: Frame, manifest: AppManifest): UiModule | undefined {
  return manifest.modules.find((module) => module.key === frame.moduleKey);
}

/** Validates invokeRemote's input the way Forge does before anything leaves the page. */
function readRemoteCall(request: InvokeRequest): { path: string; method: string; headers: Record<string, string>; body: unknown } {
  const { path, method, headers, body } = request;
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//') || path.length > 2048) {
    throw new BridgeRefusal(400, 'invokeRemote needs a path that starts with "/" (the route on the remote).');
  }
  const verb = typeof method === 'string' ? method.toUpperCase() : '';
  if (!METHODS.has(verb)) throw new BridgeRefusal(400, `invokeRemote method must be one of ${[...METHODS].join(', ')}.`);
  const clean: Record<string, string> = {};
  if (headers !== undefined && (typeof headers !== 'object' || headers === null || Array.isArray(headers))) {
    throw new BridgeRefusal(400, 'invokeRemote headers must be an object of strings.');
  }
  for (const [name, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new BridgeRefusal(400, `invokeRemote header "${name}" must be a string.`);
    if (!RESERVED_HEADERS.test(name)) clean[name.toLowerCase()] = value;
  }
  return { path, method: verb, headers: clean, body };
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * Forwards one invokeRemote call to the frame's remote, signed for the frame's user. Refusals that
 * Forge makes in the page (wrong invoke type, bad input, no remote) are BridgeRefusals; once the
 * remote answered, whatever it answered is a successful bridge call carrying its status and body.
 */
export async function forwardInvoke(frame: Frame, request: InvokeRequest, deps: InvokeDeps): Promise<{ result: BridgeInvokeResult; record: InvocationRecord }> {
  const module = moduleOf(frame, deps.manifest);
  if (request.invokeType !== 'ui-remote-fetch') {
    const what = request.invokeType === undefined ? 'invoke() (a resolver function)' : `invoke type ${JSON.stringify(request.invokeType)}`;
    throw new BridgeRefusal(
      400,
      `${what} is not available to ${frame.moduleKey}: its resolver is a Forge Remote endpoint, reached with invokeRemote().`,
    );
  }
  const remote = module?.remote;
  const baseUrl = remote ? deps.remotes.get(remote) : undefined;
  if (!baseUrl) throw new BridgeRefusal(400, `${frame.moduleKey} has no resolver endpoint with a remote in manifest.yml, so invokeRemote cannot reach anything.`);
  const call = readRemoteCall(request);

  const token = await deps.issuer.sign(
    {
      appId: deps.manifest.appId,
      installationId: deps.state.site.installationId,
      cloudId: deps.state.site.cloudId,
      accountId: frame.accountId,
      moduleKey: frame.moduleKey,
      context: { localId: frame.localId, extension: extensionOf(frame, deps.state) },
    },
    // Forge's tokens are short-lived too; the service must not need more.
    { expiresIn: 60 },
  );
  const started = performance.now();
  const body = call.method === 'GET' ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body ?? {});
  const response = await fetch(new URL(call.path, baseUrl), {
    method: call.method,
    headers: {
      'content-type': 'application/json',
      ...call.headers,
      authorization: `Bearer ${token}`,
      'x-b3-traceid': hex(16),
      'x-b3-spanid': hex(8),
    },
    body,
    signal: AbortSignal.timeout(FORGE_REMOTE_TIMEOUT_MS),
  }).catch((error: unknown) => {
    throw new BridgeRefusal(502, `The remote ${remote} did not answer: ${error instanceof Error ? error.message : String(error)}`);
  });
  const text = await response.text();
  let parsed: unknown = text === '' ? undefined : text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  const headers: Record<string, string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = [value];
  });
  const envelope = typeof parsed === 'object' && parsed !== null ? (parsed as { ok?: unknown; error?: { code?: unknown } }) : undefined;
  const functionKey = typeof call.body === 'object' && call.body !== null ? (call.body as { functionKey?: unknown }).functionKey : undefined;
  return {
    result: { success: true, payload: { status: response.status, headers, body: parsed } },
    record: {
      at: new Date().toISOString(),
      frameId: frame.id,
      moduleKey: frame.moduleKey,
      accountId: frame.accountId,
      method: call.method,
      path: call.path,
      functionKey: typeof functionKey === 'string' ? functionKey : undefined,
      status: response.status,
      outcome: envelope?.ok === true ? 'ok' : typeof envelope?.error?.code === 'string' ? envelope.error.code : `http ${response.status}`,
      durationMs: Math.round(performance.now() - started),
    },
  };
}
