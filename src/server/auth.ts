import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
import type { JWTPayload, JWTVerifyGetKey } from 'jose' with { 'resolution-mode': 'import' };

/**
 * Verifies the Forge Invocation Token (FIT) Forge puts in `Authorization: Bearer <FIT>` on every
 * call to a remote: RS256, signed by a key of Atlassian's JWKS, issuer `forge/invocation-token`,
 * audience the app id. Everything the service believes about the caller comes from these claims.
 */

export const FIT_ISSUER = 'forge/invocation-token';
/** Small, to absorb clock drift between Atlassian and this host, not to accept stale tokens. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** jose is ESM-only; loaded once (swc compiles it for jest, Node's require(esm) runs it under tsx). */
type Jose = typeof JoseModule;
let josePromise: Promise<Jose> | undefined;
export function loadJose(): Promise<Jose> {
  josePromise ??= import('jose');
  return josePromise;
}

/** Who is calling, for which site: only ever read from a verified token. */
export interface InvocationIdentity {
  appId: string;
  /** ari:cloud:ecosystem::installation/<uuid> */
  installationId: string;
  cloudId: string | undefined;
  /** The Atlassian account of the user; absent for calls Forge makes as the app (triggers). */
  accountId: string | undefined;
  /** ari:cloud:confluence::site/<cloudId>, as Forge functions receive it. */
  installContext: string | undefined;
  moduleKey: string | undefined;
  /** The signed invocation context (extension, macro config, …) for the resolver. */
  context: Record<string, unknown>;
}

export type Verification =
  | { ok: true; identity: InvocationIdentity }
  /** status 401: the caller's token is wrong; 503: the key set cannot be fetched right now. */
  | { ok: false; status: 401 | 503; reason: string };

export interface TokenVerifier {
  verify(authorization: string | undefined): Promise<Verification>;
}

export interface TokenVerifierOptions {
  appId: string;
  jwksUrl: string;
  /** For tests: a key resolver instead of the remote key set. */
  keys?: JWTVerifyGetKey;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const asString = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** The few jose error codes that are the key set's fault (network, Atlassian), not the caller's. */
const KEY_SET_UNAVAILABLE = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JOSE_GENERIC']);

function reasonFor(error: unknown): { status: 401 | 503; reason: string } {
  const code = (error as { code?: string } | null)?.code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return { status: 401, reason: 'token expired' };
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return { status: 401, reason: 'bad token signature' };
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return { status: 401, reason: 'unknown signing key' };
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (error as { claim?: string }).claim;
      return { status: 401, reason: claim ? `token ${claim} claim rejected` : 'token claims rejected' };
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return { status: 401, reason: 'token algorithm not allowed' };
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return { status: 401, reason: 'malformed token' };
    default:
      if (code && KEY_SET_UNAVAILABLE.has(code)) return { status: 503, reason: 'signing keys unavailable' };
      // fetch() failing (DNS, refused) surfaces as a TypeError from the key set.
      if (error instanceof TypeError) return { status: 503, reason: 'signing keys unavailable' };
      return { status: 401, reason: 'token rejected' };
  }
}

function identityFrom(payload: JWTPayload, appId: string): InvocationIdentity | string {
  const app = asRecord(payload.app);
  const context = asRecord(payload.context) ?? {};
  // aud is checked by jwtVerify; the app claim must agree when present.
  if (app?.id !== undefined && app.id !== appId) return 'token app mismatch';
  const installationId = asString(app?.installationId);
  if (!installationId) return 'token has no installation';
  const cloudId = asString(context.cloudId);
  return {
    appId,
    installationId,
    cloudId,
    // The FIT principal is the account id of the user the call is made for.
    accountId: asString(payload.principal),
    installContext: cloudId ? `ari:cloud:confluence::site/${cloudId}` : undefined,
    moduleKey: asString(asRecord(app?.module)?.key) ?? asString(context.moduleKey),
    context,
  };
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  let keys: JWTVerifyGetKey | undefined = options.keys;
  const keySet = async (): Promise<JWTVerifyGetKey> => {
    if (!keys) {
      const jose = await loadJose();
      // Cached; an unknown kid refetches (at most every 30 s), so Atlassian's key rotation needs no restart.
      keys = jose.createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    }
    return keys;
  };

  return {
    async verify(authorization) {
      if (!authorization) return { ok: false, status: 401, reason: 'missing token' };
      const match = BEARER.exec(authorization.trim());
      if (!match) return { ok: false, status: 401, reason: 'malformed authorization header' };
      try {
        const jose = await loadJose();
        const { payload } = await jose.jwtVerify(match[1]!, await keySet(), {
          issuer: FIT_ISSUER,
          audience: options.appId,
          algorithms: ['RS256'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['exp'],
        });
        const identity = identityFrom(payload, options.appId);
        return typeof identity === 'string' ? { ok: false, status: 401, reason: identity } : { ok: true, identity };
      } catch (error) {
        return { ok: false, ...reasonFor(error) };
      }
    },
  };
}
