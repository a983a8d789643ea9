import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { environments, systemConfiguration } from '../../db/schema';
import { domainError } from '../../domain/errors';
import { clampPage } from '../../domain/paging';
import { isKnownSetting, KNOWN_SETTINGS, type KnownSettingKey, type KnownSettingValue, SYSTEM_ENVIRONMENT_CODE } from './keys';
import { type ConfigValue, validateConfigValue } from './values';

/**
 * Reading and writing system_configuration_scf. A setting is looked up in the given environment
 * first, then in the SYSTEM environment, then in the built-in defaults (known keys only). Every
 * stored value is checked against its row's data type and pattern when read, so a value edited
 * by hand in the database is reported, not silently misread.
 */

/** An environment by env_code or env_id; null or undefined: the SYSTEM environment. */
export type EnvironmentRef = string | number | null | undefined;

interface EnvironmentRow {
  id: number;
  code: string | null;
}

async function findEnvironment(db: DbOrTx, ref: string | number): Promise<EnvironmentRow> {
  const [row] = await db
    .select({ id: environments.id, code: environments.code })
    .from(environments)
    .where(typeof ref === 'number' ? eq(environments.id, ref) : eq(environments.code, ref))
    .limit(1);
  if (!row) throw domainError('NOT_FOUND', `There is no environment ${typeof ref === 'number' ? `with id ${ref}` : `"${ref}"`}.`);
  return row;
}

/** The environments to search, most specific first. */
async function searchOrder(db: DbOrTx, env: EnvironmentRef): Promise<EnvironmentRow[]> {
  const [system] = await db
    .select({ id: environments.id, code: environments.code })
    .from(environments)
    .where(eq(environments.code, SYSTEM_ENVIRONMENT_CODE))
    .limit(1);
  const order: EnvironmentRow[] = [];
  if (env !== null && env !== undefined && env !== SYSTEM_ENVIRONMENT_CODE) {
    const specific = await findEnvironment(db, env);
    if (specific.id !== system?.id) order.push(specific);
  }
  if (system) order.push(system);
  return order;
}

export interface StoredSetting {
  environmentId: number;
  environmentCode: string | null;
  key: string;
  dataType: string;
  validationPattern: string | null;
  text: string | null;
}

async function findStored(db: DbOrTx, env: EnvironmentRef, key: string): Promise<StoredSetting | undefined> {
  const order = await searchOrder(db, env);
  if (order.length === 0) return undefined;
  const rows = await db
    .select({
      environmentId: systemConfiguration.environmentId,
      key: systemConfiguration.key,
      dataType: systemConfiguration.dataType,
      validationPattern: systemConfiguration.validationPattern,
      text: systemConfiguration.value,
    })
    .from(systemConfiguration)
    .where(
      and(
        eq(systemConfiguration.key, key),
        eq(systemConfiguration.isActive, true),
        inArray(
          systemConfiguration.environmentId,
          order.map((e) => e.id),
        ),
      ),
    );
  for (const environment of order) {
    const row = rows.find((r) => r.environmentId === environment.id);
    if (row) return { ...row, environmentCode: environment.code, dataType: row.dataType ?? 'STRING' };
  }
  return undefined;
}

/** Reads a stored value, refusing one that does not fit its own row's type or pattern. */
function readStored(stored: StoredSetting): ConfigValue {
  const checked = validateConfigValue(stored.dataType, stored.validationPattern, stored.text ?? '', stored.key);
  if (!checked.ok) {
    throw domainError('VALIDATION', `${checked.error.message} An administrator must correct the stored setting.`, {
      key: stored.key,
      environment: stored.environmentCode,
    });
  }
  if (isKnownSetting(stored.key) && KNOWN_SETTINGS[stored.key].dataType !== stored.dataType) {
    throw domainError(
      'VALIDATION',
      `The setting "${stored.key}" is stored as ${stored.dataType}, but UMIG reads it as ${KNOWN_SETTINGS[stored.key].dataType}; an administrator must correct it.`,
    );
  }
  return checked.value;
}

/**
 * The typed value of a setting: a known key reads as its declared type (its default when no row
 * exists); any other key reads as its row says, and is NOT_FOUND when no row exists.
 */
export async function getConfig<K extends KnownSettingKey>(db: DbOrTx, env: EnvironmentRef, key: K): Promise<KnownSettingValue<K>>;
export async function getConfig(db: DbOrTx, env: EnvironmentRef, key: string): Promise<ConfigValue>;
export async function getConfig(db: DbOrTx, env: EnvironmentRef, key: string): Promise<ConfigValue> {
  const stored = await findStored(db, env, key);
  if (stored) return readStored(stored);
  if (isKnownSetting(key)) return KNOWN_SETTINGS[key].default;
  throw domainError('NOT_FOUND', `There is no setting "${key}".`);
}

/** Several known settings at once, e.g. a transport's host, port and secure flag. */
export async function getConfigs<K extends KnownSettingKey>(db: DbOrTx, env: EnvironmentRef, keys: readonly K[]): Promise<{ [P in K]: KnownSettingValue<P> }> {
  const entries = await Promise.all(keys.map(async (key) => [key, await getConfig(db, env, key)] as const));
  return Object.fromEntries(entries) as { [P in K]: KnownSettingValue<P> };
}

export interface SetConfigInput {
  /** env_code or env_id; null/undefined: SYSTEM. */
  environment?: EnvironmentRef;
  key: string;
  value: unknown;
  /** usr_code of the acting user, for updated_by. */
  by: string;
}

export interface SetConfigResult {
  environmentCode: string | null;
  key: string;
  value: ConfigValue;
  text: string;
  created: boolean;
}

/**
 * Writes a setting after validating it against its row's data type and pattern. A key with no row
 * in that environment takes its type and pattern from the SYSTEM row (an environment override),
 * and a known key with no row anywhere from the built-in declaration. Any other new key is
 * NOT_FOUND: creating a setting (choosing its type) is the admin screen's job. No permission check
 * and no audit here: the calling use case does both in its transaction.
 */
export async function setConfig(tx: DbOrTx, input: SetConfigInput): Promise<SetConfigResult> {
  const environment = await (input.environment === null || input.environment === undefined
    ? findEnvironment(tx, SYSTEM_ENVIRONMENT_CODE)
    : findEnvironment(tx, input.environment));
  const [own] = await tx
    .select({ id: systemConfiguration.id, dataType: systemConfiguration.dataType, validationPattern: systemConfiguration.validationPattern })
    .from(systemConfiguration)
    .where(and(eq(systemConfiguration.environmentId, environment.id), eq(systemConfiguration.key, input.key)))
    .for('update');
  const template = own ?? (await findStored(tx, null, input.key));
  let dataType: string;
  let pattern: string | null;
  if (template) {
    dataType = template.dataType ?? 'STRING';
    pattern = template.validationPattern;
  } else if (isKnownSetting(input.key)) {
    dataType = KNOWN_SETTINGS[input.key].dataType;
    pattern = null;
  } else {
    throw domainError('NOT_FOUND', `There is no setting "${input.key}".`);
  }
  if (isKnownSetting(input.key) && dataType !== KNOWN_SETTINGS[input.key].dataType) {
    throw domainError('VALIDATION', `The setting "${input.key}" must be ${KNOWN_SETTINGS[input.key].dataType}.`);
  }
  const checked = validateConfigValue(dataType, pattern, input.value, input.key);
  if (!checked.ok) throw checked.error;
  if (own) {
    await tx
      .update(systemConfiguration)
      .set({ value: checked.text, updatedBy: input.by, updatedAt: new Date() })
      .where(eq(systemConfiguration.id, own.id));
  } else {
    await tx.insert(systemConfiguration).values({
      environmentId: environment.id,
      key: input.key,
      category: 'SYSTEM_SETTING',
      value: checked.text,
      dataType,
      validationPattern: pattern,
      createdBy: input.by,
      updatedBy: input.by,
      updatedAt: new Date(),
    });
  }
  return { environmentCode: environment.code, key: input.key, value: checked.value, text: checked.text, created: !own };
}

export interface SettingRow {
  environmentCode: string | null;
  key: string;
  category: string | null;
  dataType: string;
  value: string | null;
  description: string | null;
  validationPattern: string | null;
  isActive: boolean;
  isSystemManaged: boolean;
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** Every stored setting (a page of them), SYSTEM first, then by environment code and key. */
export async function listSettings(db: DbOrTx, environmentCode?: string, page: { limit: number; offset: number } = clampPage(undefined)): Promise<SettingRow[]> {
  const rows = await db
    .select({
      environmentCode: environments.code,
      key: systemConfiguration.key,
      category: systemConfiguration.category,
      dataType: systemConfiguration.dataType,
      value: systemConfiguration.value,
      description: systemConfiguration.description,
      validationPattern: systemConfiguration.validationPattern,
      isActive: systemConfiguration.isActive,
      isSystemManaged: systemConfiguration.isSystemManaged,
      updatedBy: systemConfiguration.updatedBy,
      updatedAt: systemConfiguration.updatedAt,
    })
    .from(systemConfiguration)
    .innerJoin(environments, eq(environments.id, systemConfiguration.environmentId))
    .where(environmentCode === undefined ? undefined : eq(environments.code, environmentCode))
    .orderBy(sql`${environments.code} = ${SYSTEM_ENVIRONMENT_CODE} desc`, asc(environments.code), asc(systemConfiguration.key), asc(systemConfiguration.id))
    .limit(page.limit)
    .offset(page.offset);
  return rows.map((row) => ({ ...row, dataType: row.dataType ?? 'STRING', isActive: row.isActive !== false, isSystemManaged: row.isSystemManaged === true }));
}
