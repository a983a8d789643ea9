import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_PGLITE_DIR } from '../db/config';

/**
 * The UMIG service's settings: environment variables, optionally under a JSON file named by
 * UMIG_CONFIG (same keys; the environment wins). Validated once at start; every bad setting gets
 * its own sentence, and no message ever repeats a database URL (it may hold a password).
 */

/** Atlassian's key set for Forge Invocation Tokens. Fixed: not configurable outside local development. */
export const FORGE_JWKS_URL = 'https://forge.cdn.prod.atlassian-dev.net/.well-known/jwks.json';
/** Forge gives a remote 25 s for a UI call; the service answers before that. */
export const FORGE_REMOTE_TIMEOUT_MS = 25_000;
const APP_ARI_PREFIX = 'ari:cloud:ecosystem::app/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where one tenant's data lives: a PostgreSQL URL, or (single tenant only) an embedded PGlite folder. */
export type TenantDatabase = { url: string } | { dataDir: string };

export interface TenantSetting {
  /** Installation ids (ari:cloud:ecosystem::installation/<uuid>) and/or cloud ids served by this database. */
  keys: string[];
  database: TenantDatabase;
}

export interface ServiceConfig {
  port: number;
  host: string;
  /** The Forge app id (audience of every token), as an ARI: ari:cloud:ecosystem::app/<uuid>. */
  appId: string;
  jwksUrl: string;
  /** Started with --local-dev (never in production): tokens are checked against a local key set. */
  localDev: boolean;
  tenants: TenantSetting[];
  /** Started with --migrate: apply pending migrations instead of refusing an out-of-date schema. */
  migrate: boolean;
  poolMax: number;
  bodyLimitBytes: number;
  rateLimit: { perMinute: number; burst: number };
  requestTimeoutMs: number;
  readyTimeoutMs: number;
  shutdownTimeoutMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Local development only: delays every /invoke call, to try shutdown and timeouts by hand or in tests. */
  localDevInvokeDelayMs: number;
  /** How often this instance delivers due emails from each site's outbox; 0 turns the timer off. */
  outboxIntervalMs: number;
  /** PostgreSQL: how long opening a connection (or waiting for a free one) may take. */
  dbConnectTimeoutMs: number;
  /** PostgreSQL: how long one query may go unanswered before its connection is given up. */
  dbQueryTimeoutMs: number;
  /** Email credentials (never stored in the database; never logged). */
  email: EmailCredentials;
}

export interface EmailCredentials {
  smtpUser: string | undefined;
  smtpPassword: string | undefined;
  httpToken: string | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`The UMIG service cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  /** Command-line flags: --migrate, --local-dev. */
  argv?: string[];
}

const integer = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}.` });
        return z.NEVER;
      }
      return n;
    });

const isPostgresUrl = (value: string) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  } catch {
    return false;
  }
};

const isLoopbackHttpUrl = (value: string) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
};

/** Splits a comma- or whitespace-separated list. */
const list = (value: string | undefined) => (value ?? '').split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

const rawSchema = z.object({
  PORT: integer('PORT', 0, 65_535, 8080),
  HOST: z.string().trim().min(1).optional().default('0.0.0.0'),
  FORGE_APP_ID: z
    .string({ error: `FORGE_APP_ID is required: the app id from manifest.yml (${APP_ARI_PREFIX}<uuid>).` })
    .trim()
    .transform((value, ctx) => {
      const id = value.startsWith(APP_ARI_PREFIX) ? value.slice(APP_ARI_PREFIX.length) : value;
      if (!UUID.test(id)) {
        ctx.addIssue({ code: 'custom', message: `FORGE_APP_ID must be the app id from manifest.yml (${APP_ARI_PREFIX}<uuid>).` });
        return z.NEVER;
      }
      return `${APP_ARI_PREFIX}${id.toLowerCase()}`;
    }),
  PGPOOL_MAX: integer('PGPOOL_MAX', 1, 200, 10),
  UMIG_BODY_LIMIT_BYTES: integer('UMIG_BODY_LIMIT_BYTES', 1_024, 50 * 1024 * 1024, 1024 * 1024),
  UMIG_RATE_LIMIT_PER_MINUTE: integer('UMIG_RATE_LIMIT_PER_MINUTE', 1, 1_000_000, 600),
  UMIG_RATE_LIMIT_BURST: integer('UMIG_RATE_LIMIT_BURST', 1, 100_000, 60),
  UMIG_REQUEST_TIMEOUT_MS: integer('UMIG_REQUEST_TIMEOUT_MS', 1_000, FORGE_REMOTE_TIMEOUT_MS - 1_000, 20_000),
  UMIG_READY_TIMEOUT_MS: integer('UMIG_READY_TIMEOUT_MS', 100, 10_000, 2_000),
  UMIG_SHUTDOWN_TIMEOUT_MS: integer('UMIG_SHUTDOWN_TIMEOUT_MS', 1_000, 120_000, 30_000),
  UMIG_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'UMIG_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent.',
    })
    .optional()
    .default('info'),
  UMIG_LOCAL_DEV_INVOKE_DELAY_MS: integer('UMIG_LOCAL_DEV_INVOKE_DELAY_MS', 0, 60_000, 0),
  UMIG_OUTBOX_INTERVAL_MS: integer('UMIG_OUTBOX_INTERVAL_MS', 0, 24 * 60 * 60_000, 30_000),
  UMIG_DB_CONNECT_TIMEOUT_MS: integer('UMIG_DB_CONNECT_TIMEOUT_MS', 100, 120_000, 5_000),
  UMIG_DB_QUERY_TIMEOUT_MS: integer('UMIG_DB_QUERY_TIMEOUT_MS', 1_000, 24 * 60 * 60_000, 30_000),
  UMIG_SMTP_USER: z.string().trim().optional(),
  UMIG_SMTP_PASSWORD: z.string().optional(),
  UMIG_EMAIL_HTTP_TOKEN: z.string().trim().optional(),
});

/** Reads UMIG_CONFIG (a JSON object of the same keys); values become strings like the environment's. */
function readConfigFile(file: string, problems: string[]): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path.resolve(file), 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : 'it is not readable JSON';
    problems.push(`UMIG_CONFIG names ${file}, but ${reason}.`);
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(`UMIG_CONFIG (${file}) must hold a JSON object of settings, e.g. {"FORGE_APP_ID": "…"}.`);
    return {};
  }
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value === null || value === undefined) continue;
    values[key] = typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean);
  }
  return values;
}

/** UMIG_TENANTS: a JSON object (inline, or the path of a JSON file) of installation/cloud id -> postgres URL. */
function parseTenantMap(value: string, problems: string[]): TenantSetting[] {
  let text = value.trim();
  const source = text.startsWith('{') ? 'UMIG_TENANTS' : `UMIG_TENANTS file ${text}`;
  if (!text.startsWith('{')) {
    try {
      text = readFileSync(path.resolve(text), 'utf8');
    } catch {
      problems.push(`UMIG_TENANTS must be a JSON object or the path of a JSON file; ${value.trim()} cannot be read.`);
      return [];
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    problems.push(`${source} is not valid JSON.`);
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.keys(parsed).length === 0) {
    problems.push(`${source} must map installation ids or cloud ids to postgres:// URLs, e.g. {"ari:cloud:ecosystem::installation/…": "postgres://…"}.`);
    return [];
  }
  // Several keys (an installation id and its cloud id) may name one database: one tenant, one pool.
  const byUrl = new Map<string, TenantSetting>();
  for (const [key, url] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof url !== 'string' || !isPostgresUrl(url.trim())) {
      problems.push(`${source}: the entry for "${key}" is not a postgres:// URL.`);
      continue;
    }
    const tenant = byUrl.get(url.trim()) ?? { keys: [], database: { url: url.trim() } };
    tenant.keys.push(key.trim());
    byUrl.set(url.trim(), tenant);
  }
  return [...byUrl.values()];
}

/**
 * Builds the configuration, or throws a ConfigError listing every problem. Nothing here reaches a
 * network or a database; main.ts does that after the settings are known to be sound.
 */
export function loadConfig(sources: ConfigSources = {}): ServiceConfig {
  const env = sources.env ?? process.env;
  const argv = sources.argv ?? process.argv.slice(2);
  const problems: string[] = [];

  const unknownFlags = argv.filter((arg) => arg.startsWith('-') && arg !== '--migrate' && arg !== '--local-dev');
  if (unknownFlags.length > 0) problems.push(`Unknown option(s) ${unknownFlags.join(', ')}; the service accepts --migrate and --local-dev.`);
  const migrate = argv.includes('--migrate');
  const localDev = argv.includes('--local-dev');

  const fromFile = env.UMIG_CONFIG?.trim() ? readConfigFile(env.UMIG_CONFIG.trim(), problems) : {};
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') merged[key] = value;

  const parsed = rawSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '');
      problems.push(issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`);
    }
  }

  // Where the data lives: one database (DATABASE_URL or the embedded one) or a map of several.
  const databaseUrl = merged.DATABASE_URL?.trim();
  const tenantMap = merged.UMIG_TENANTS?.trim();
  let tenants: TenantSetting[] = [];
  if (databaseUrl && tenantMap) {
    problems.push('Set DATABASE_URL (one site) or UMIG_TENANTS (several sites, one database each), not both.');
  } else if (tenantMap) {
    tenants = parseTenantMap(tenantMap, problems);
    if (merged.UMIG_INSTALLATIONS?.trim()) problems.push('UMIG_INSTALLATIONS is for a single database; with UMIG_TENANTS each site is a key of the map.');
  } else {
    if (databaseUrl && !isPostgresUrl(databaseUrl)) problems.push('DATABASE_URL must be a postgres:// (or postgresql://) URL with a host.');
    const keys = list(merged.UMIG_INSTALLATIONS);
    if (keys.length === 0) {
      problems.push('UMIG_INSTALLATIONS is required with a single database: the Forge installation ids (or cloud ids) this service serves, comma-separated.');
    }
    const database: TenantDatabase = databaseUrl ? { url: databaseUrl } : { dataDir: merged.UMIG_PGLITE_DIR?.trim() || DEFAULT_PGLITE_DIR };
    tenants = [{ keys, database }];
  }
  // Production data lives in PostgreSQL: the embedded database is for trials on one machine.
  if (env.NODE_ENV === 'production' && tenants.some((tenant) => 'dataDir' in tenant.database)) {
    problems.push('NODE_ENV=production needs PostgreSQL: set DATABASE_URL (one site) or UMIG_TENANTS (several sites); the embedded database is for trials only.');
  }
  if (merged.UMIG_SMTP_PASSWORD && !merged.UMIG_SMTP_USER?.trim()) problems.push('UMIG_SMTP_PASSWORD is set without UMIG_SMTP_USER.');
  const seen = new Set<string>();
  for (const key of tenants.flatMap((t) => t.keys)) {
    if (seen.has(key)) problems.push(`The installation "${key}" is listed for more than one database.`);
    seen.add(key);
  }

  // The key set is Atlassian's, except in local development started on purpose, never in production.
  const localJwks = merged.UMIG_LOCAL_DEV_JWKS_URL?.trim();
  let jwksUrl = FORGE_JWKS_URL;
  if (localDev) {
    if (env.NODE_ENV === 'production') problems.push('--local-dev is refused when NODE_ENV=production.');
    if (!localJwks) problems.push('--local-dev needs UMIG_LOCAL_DEV_JWKS_URL: the local key set that signs development tokens.');
    else if (!isLoopbackHttpUrl(localJwks)) problems.push('UMIG_LOCAL_DEV_JWKS_URL must be an http(s) URL on localhost, 127.0.0.1 or [::1].');
    else jwksUrl = localJwks;
  } else {
    if (localJwks) problems.push('UMIG_LOCAL_DEV_JWKS_URL is set but the service was not started with --local-dev; remove it in production.');
    if (merged.UMIG_LOCAL_DEV_INVOKE_DELAY_MS?.trim() && merged.UMIG_LOCAL_DEV_INVOKE_DELAY_MS.trim() !== '0') {
      problems.push('UMIG_LOCAL_DEV_INVOKE_DELAY_MS only works with --local-dev.');
    }
  }

  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const values = parsed.data;
  return {
    port: values.PORT,
    host: values.HOST,
    appId: values.FORGE_APP_ID,
    jwksUrl,
    localDev,
    tenants,
    migrate,
    poolMax: values.PGPOOL_MAX,
    bodyLimitBytes: values.UMIG_BODY_LIMIT_BYTES,
    rateLimit: { perMinute: values.UMIG_RATE_LIMIT_PER_MINUTE, burst: values.UMIG_RATE_LIMIT_BURST },
    requestTimeoutMs: values.UMIG_REQUEST_TIMEOUT_MS,
    readyTimeoutMs: values.UMIG_READY_TIMEOUT_MS,
    shutdownTimeoutMs: values.UMIG_SHUTDOWN_TIMEOUT_MS,
    logLevel: values.UMIG_LOG_LEVEL,
    localDevInvokeDelayMs: localDev ? values.UMIG_LOCAL_DEV_INVOKE_DELAY_MS : 0,
    outboxIntervalMs: values.UMIG_OUTBOX_INTERVAL_MS,
    dbConnectTimeoutMs: values.UMIG_DB_CONNECT_TIMEOUT_MS,
    dbQueryTimeoutMs: values.UMIG_DB_QUERY_TIMEOUT_MS,
    email: { smtpUser: values.UMIG_SMTP_USER || undefined, smtpPassword: values.UMIG_SMTP_PASSWORD || undefined, httpToken: values.UMIG_EMAIL_HTTP_TOKEN || undefined },
  };
}

/** What the service says about itself at start: no URL credentials, no secrets. */
export function describeConfig(config: ServiceConfig): Record<string, unknown> {
  return {
    appId: config.appId,
    jwks: config.localDev ? `local development key set (${config.jwksUrl})` : config.jwksUrl,
    tenants: config.tenants.length,
    installations: config.tenants.reduce((n, t) => n + t.keys.length, 0),
    migrate: config.migrate,
    poolMax: config.poolMax,
    bodyLimitBytes: config.bodyLimitBytes,
    rateLimit: config.rateLimit,
    requestTimeoutMs: config.requestTimeoutMs,
    outboxIntervalMs: config.outboxIntervalMs,
    dbTimeouts: { connectMs: config.dbConnectTimeoutMs, queryMs: config.dbQueryTimeoutMs },
    email: { smtpUser: config.email.smtpUser !== undefined, smtpPassword: config.email.smtpPassword !== undefined, httpToken: config.email.httpToken !== undefined },
  };
}
