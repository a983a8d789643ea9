import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CryptoKey, JWK } from 'jose' with { 'resolution-mode': 'import' };
import { FIT_ISSUER, loadJose } from './auth';

/**
 * A stand-in for Forge's token issuer, for local development, tests and the bench: an RSA key
 * whose public half is served as a JWKS on 127.0.0.1, and a signer for Forge-shaped invocation
 * tokens. The service accepts it only when started with --local-dev (see config.ts).
 */

export interface InvocationClaims {
  appId: string;
  installationId: string;
  cloudId?: string;
  /** The user; leave out for a call Forge makes as the app (lifecycle, scheduled trigger). */
  accountId?: string;
  moduleKey?: string;
  /** Extra signed context (extension, macro config…). */
  context?: Record<string, unknown>;
}

export interface SignOptions {
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative makes an expired token. Default 300. */
  expiresIn?: number;
  /** Override the key id in the header (e.g. one the key set does not publish). */
  kid?: string;
  /** 'foreign': a key the key set does not hold, under the published kid (a forged signature). */
  key?: 'published' | 'foreign';
}

export interface LocalIssuer {
  jwksUrl: string;
  kid: string;
  sign(claims: InvocationClaims, options?: SignOptions): Promise<string>;
  /** How many times the key set was fetched. */
  jwksFetches(): number;
  close(): Promise<void>;
}

export async function startLocalIssuer(): Promise<LocalIssuer> {
  const jose = await loadJose();
  const kid = `umig-local-${randomUUID()}`;
  const published = await jose.generateKeyPair('RS256', { extractable: true });
  const foreign = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await jose.exportJWK(published.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const body = JSON.stringify({ keys: [jwk] });

  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    kid,
    async sign(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const privateKey: CryptoKey = options.key === 'foreign' ? foreign.privateKey : published.privateKey;
      const cloudId = claims.cloudId;
      const moduleKey = claims.moduleKey ?? 'umig-runsheet';
      return new jose.SignJWT({
        app: {
          id: claims.appId,
          installationId: claims.installationId,
          ...(cloudId ? { apiBaseUrl: `https://api.atlassian.com/ex/confluence/${cloudId}` } : {}),
          environment: { type: 'DEVELOPMENT' },
          module: { key: moduleKey, type: 'xen:macro' },
        },
        context: { ...(cloudId ? { cloudId } : {}), moduleKey, ...(claims.context ?? {}) },
        ...(claims.accountId ? { principal: claims.accountId } : {}),
      })
        .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? kid })
        .setIssuer(options.issuer ?? FIT_ISSUER)
        .setAudience(options.audience ?? claims.appId)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + (options.expiresIn ?? 300))
        .setJti(randomUUID())
        .sign(privateKey);
    },
    jwksFetches: () => fetches,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
