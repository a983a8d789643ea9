import { mkdir } from 'node:fs/promises';
import { openDatabase, describeUrl, DatabaseUnreachableError, type Database } from '../db/client';
import { assertSchemaCurrent, migrate, MigrationError } from '../db/migrator';
import { createHandler, type ResolverHandler } from '../resolvers';
import type { ServiceConfig, TenantSetting } from './config';

/**
 * The sites this instance serves, each with its own database (a PostgreSQL database per
 * Confluence site, or one for a single site). A database is opened on first use, and only served
 * once its schema is current (or migrated, when the service was started with --migrate).
 *
 * Stateless apart from connection pools: nothing here is needed by another instance, so any
 * number of instances can serve the same tenants behind a load balancer.
 */

export interface TenantSpec {
  /** Installation ids and/or cloud ids served by this database. */
  keys: string[];
  /** Where the data lives, safe to log (no credentials). */
  label: string;
  open(): Promise<Database>;
  /**
   * false when the caller owns the database (tests give two instances one PGlite): this registry
   * then never closes it.
   */
  owned?: boolean;
}

export interface TenantOptions {
  /** Apply pending migrations when a database is opened, instead of refusing to serve it. */
  migrate: boolean;
  log?: (message: string, facts?: Record<string, unknown>) => void;
  /** Failures inside resolvers that are not the caller's fault. */
  logError?: (error: unknown, functionKey: string) => void;
}

/** The tenant's database cannot be served right now; the message is safe to show an operator. */
export class TenantUnavailableError extends Error {
  override readonly name = 'TenantUnavailableError';
}

export type TenantHealth = { ok: true } | { ok: false; reason: string };

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TenantUnavailableError(`${what} did not answer within ${ms} ms.`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class Tenant {
  private opening: Promise<Database> | undefined;
  /** The handle `opening` resolved to, once it did. */
  private current: Database | undefined;
  /** Migrations applied when the current handle was opened, until runLifecycle reports them. */
  private appliedAtOpen: string[] = [];
  private readonly resolverHandler: ResolverHandler;

  constructor(
    readonly spec: TenantSpec,
    private readonly options: TenantOptions,
  ) {
    // One handler per tenant: the database comes from the tenant the token named, never from the request.
    this.resolverHandler = createHandler({
      databaseFor: async () => (await this.database()).db,
      logError: options.logError,
    });
  }

  get label(): string {
    return this.spec.label;
  }

  handler(): ResolverHandler {
    return this.resolverHandler;
  }

  /** The open, schema-checked database; opened on first use and again after a failed open. */
  database(): Promise<Database> {
    if (!this.opening) {
      const opening = this.open();
      this.opening = opening;
      // A failed open is forgotten so that the next call tries again (the database may come back).
      opening.then(
        (database) => {
          if (this.opening === opening) this.current = database;
        },
        () => {
          if (this.opening === opening) this.opening = undefined;
        },
      );
    }
    return this.opening;
  }

  private async open(): Promise<Database> {
    let database: Database;
    try {
      database = await this.spec.open();
    } catch (error) {
      if (error instanceof DatabaseUnreachableError) throw new TenantUnavailableError(error.message);
      throw new TenantUnavailableError(`Cannot open ${this.label}.`, { cause: error });
    }
    try {
      this.appliedAtOpen = await this.ensureSchema(database);
      return database;
    } catch (error) {
      if (this.spec.owned !== false) await database.close().catch(() => undefined);
      throw error;
    }
  }

  /** True once a schema-checked handle is open. */
  isOpen(): boolean {
    return this.current !== undefined;
  }

  /** The migrations the last open applied (reported once). */
  takeAppliedAtOpen(): string[] {
    const applied = this.appliedAtOpen;
    this.appliedAtOpen = [];
    return applied;
  }

  /** Verifies the schema is current, or migrates it when allowed; returns the migrations applied. */
  async ensureSchema(database: Database): Promise<string[]> {
    try {
      if (this.options.migrate) {
        const { applied } = await migrate(database.raw, { log: (message) => this.options.log?.(message, { tenant: this.label }) });
        return applied;
      }
      await assertSchemaCurrent(database.raw);
      return [];
    } catch (error) {
      if (error instanceof MigrationError) throw new TenantUnavailableError(error.message);
      throw new TenantUnavailableError(`Cannot read the schema version of ${this.label}.`, { cause: error });
    }
  }

  /** SELECT 1 within the time limit. A failed embedded database is dropped, to be reopened next time. */
  async check(timeoutMs: number): Promise<TenantHealth> {
    let database: Database | undefined;
    try {
      database = await withTimeout(this.database(), timeoutMs, this.label);
      await withTimeout(database.raw.query('SELECT 1'), timeoutMs, this.label);
      return { ok: true };
    } catch (error) {
      // A node-postgres pool heals itself (broken clients are dropped, new ones connect when the
      // server is back); an embedded database handle that failed is replaced instead.
      if (database && database.kind !== 'postgres') await this.discard(database);
      return { ok: false, reason: error instanceof TenantUnavailableError ? error.message : `${this.label} did not answer.` };
    }
  }

  private async discard(database: Database): Promise<void> {
    if (this.current !== database) return;
    this.opening = undefined;
    this.current = undefined;
    if (this.spec.owned !== false) await database.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    this.current = undefined;
    if (!opening || this.spec.owned === false) return;
    const database = await opening.catch(() => undefined);
    await database?.close().catch(() => undefined);
  }
}

export class TenantRegistry {
  private readonly byKey = new Map<string, Tenant>();
  readonly tenants: Tenant[];

  constructor(specs: TenantSpec[], options: TenantOptions) {
    this.tenants = specs.map((spec) => new Tenant(spec, options));
    for (const tenant of this.tenants) {
      for (const key of tenant.spec.keys) this.byKey.set(key, tenant);
    }
  }

  /** The tenant serving an installation (by installation id, else by cloud id), or undefined. */
  resolve(installationId: string, cloudId: string | undefined): Tenant | undefined {
    return this.byKey.get(installationId) ?? (cloudId ? this.byKey.get(cloudId) : undefined);
  }

  /** Every tenant's health, checked at once. */
  async checkAll(timeoutMs: number): Promise<Array<{ tenant: Tenant; health: TenantHealth }>> {
    return Promise.all(this.tenants.map(async (tenant) => ({ tenant, health: await tenant.check(timeoutMs) })));
  }

  async close(): Promise<void> {
    await Promise.all(this.tenants.map((tenant) => tenant.close()));
  }
}

/** Tenants as configured: PostgreSQL URLs (one pool each per instance) or the embedded database. */
export function tenantSpecsFromConfig(
  config: Pick<ServiceConfig, 'tenants' | 'poolMax'> & Partial<Pick<ServiceConfig, 'dbConnectTimeoutMs' | 'dbQueryTimeoutMs'>>,
): TenantSpec[] {
  return config.tenants.map((setting: TenantSetting) => {
    const { database } = setting;
    if ('url' in database) {
      return {
        keys: setting.keys,
        label: describeUrl(database.url),
        open: () =>
          openDatabase({ url: database.url, poolMax: config.poolMax, connectTimeoutMs: config.dbConnectTimeoutMs, queryTimeoutMs: config.dbQueryTimeoutMs }),
      };
    }
    return {
      keys: setting.keys,
      label: `embedded PGlite database in ${database.dataDir}`,
      open: async () => {
        await mkdir(database.dataDir, { recursive: true });
        return openDatabase({ dataDir: database.dataDir });
      },
    };
  });
}
