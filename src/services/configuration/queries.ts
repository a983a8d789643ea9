import { z } from 'zod';
import { isAdministrator } from '../../domain/access/permissions';
import { domainError } from '../../domain/errors';
import { clampPage } from '../../domain/paging';
import { pageShape } from '../paging';
import type { ServiceContext } from '../context';
import { isKnownSetting, isPublicSetting } from './keys';
import { getConfig, listSettings, type SettingRow } from './settings';
import type { ConfigValue } from './values';

const settingKey = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9_.-]+$/, 'A setting key holds letters, digits, dots, dashes and underscores');
const environmentCode = z.string().trim().min(1).max(10);

export const getSettingInput = z.strictObject({ key: settingKey, environmentCode: environmentCode.optional() });
export type GetSettingInput = z.output<typeof getSettingInput>;

export interface SettingValue {
  key: string;
  value: ConfigValue;
}

/**
 * One setting's typed value. Every known user may read the public settings (the runsheet's
 * refresh interval, the page link, whether emails are on); the rest are for administrators,
 * and a non-administrator is not told whether such a key exists.
 */
export async function getSetting(ctx: ServiceContext, input: GetSettingInput): Promise<SettingValue> {
  if (!isPublicSetting(input.key) && !isAdministrator(ctx.actor)) {
    throw domainError('FORBIDDEN', `Only administrators can read the setting "${input.key}".`);
  }
  const value = await getConfig(ctx.db, input.environmentCode, input.key);
  return { key: input.key, value };
}

export const listSettingsInput = z.strictObject({ environmentCode: environmentCode.optional(), ...pageShape }).optional();
export type ListSettingsInput = z.output<typeof listSettingsInput>;

export interface SettingListEntry extends SettingRow {
  /** True for the settings UMIG itself reads (src/services/configuration/keys.ts). */
  isKnown: boolean;
  isPublic: boolean;
}

/** Every stored setting with its raw text, type and pattern, for the admin screen. */
export async function listConfiguration(ctx: ServiceContext, input: ListSettingsInput): Promise<SettingListEntry[]> {
  if (!isAdministrator(ctx.actor)) throw domainError('FORBIDDEN', 'Only administrators can list the system settings.');
  const rows = await listSettings(ctx.db, input?.environmentCode, clampPage(input));
  return rows.map((row) => ({ ...row, isKnown: isKnownSetting(row.key), isPublic: isPublicSetting(row.key) }));
}
