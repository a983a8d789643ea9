import type { ConfigDataType, ConfigValueOf } from './values';

/**
 * The settings UMIG itself reads, seeded by migrations/0007_email_outbox.sql (and later ones) into the SYSTEM
 * environment. The default applies when no row exists (a database migrated before the key was
 * added, or a row an administrator deleted). `public` settings may be read by every known user;
 * the others only by administrators. Credentials are never settings: they come from the service's
 * environment variables (UMIG_SMTP_USER, UMIG_SMTP_PASSWORD, UMIG_EMAIL_HTTP_TOKEN).
 */
interface KnownSetting<T extends ConfigDataType = ConfigDataType> {
  dataType: T;
  default: ConfigValueOf[T];
  public: boolean;
}

const setting = <T extends ConfigDataType>(dataType: T, defaultValue: ConfigValueOf[T], isPublic: boolean): KnownSetting<T> => ({
  dataType,
  default: defaultValue,
  public: isPublic,
});

export const KNOWN_SETTINGS = {
  'confluence.pageBaseUrl': setting('STRING', '', true),
  'runsheet.refreshIntervalSeconds': setting('NUMBER', 5, true),
  'email.enabled': setting('BOOLEAN', false, true),
  'email.from': setting('STRING', 'UMIG <umig@example.com>', false),
  'email.transport': setting('STRING', 'SMTP', false),
  'email.smtp.host': setting('STRING', '', false),
  'email.smtp.port': setting('NUMBER', 587, false),
  'email.smtp.secure': setting('BOOLEAN', false, false),
  'email.http.url': setting('STRING', '', false),
  // 0013: what a Confluence user opening UMIG for the first time becomes (see src/domain/access/registration.ts).
  'people.newcomerAccess': setting('STRING', 'AWAITING_APPROVAL', false),
} as const;

export type KnownSettingKey = keyof typeof KNOWN_SETTINGS;
export type KnownSettingValue<K extends KnownSettingKey> = ConfigValueOf[(typeof KNOWN_SETTINGS)[K]['dataType']];

export function isKnownSetting(key: string): key is KnownSettingKey {
  return Object.prototype.hasOwnProperty.call(KNOWN_SETTINGS, key);
}

/** Settings every known user may read (the runsheet's refresh interval, the page link…). */
export function isPublicSetting(key: string): boolean {
  return isKnownSetting(key) && KNOWN_SETTINGS[key].public;
}

/** The environments_env row that holds installation-wide settings (created by 0007). */
export const SYSTEM_ENVIRONMENT_CODE = 'SYSTEM';
