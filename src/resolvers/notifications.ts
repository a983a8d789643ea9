import { getSetting, getSettingInput, listConfiguration, listSettingsInput } from '../services/configuration/queries';
import { listOutbox, listOutboxInput, retryOutbox, retryOutboxInput } from '../services/notifications/outbox';
import {
  getMigrationSwitch,
  getPreferences,
  getPreferencesInput,
  migrationSwitchInput,
  setMigrationSwitch,
  setMigrationSwitchInput,
  setPreferences,
  setPreferencesInput,
} from '../services/notifications/preferences';
import { previewTemplate, previewTemplateInput } from '../services/notifications/templates';
import { op, type OperationMap } from './operation';

export const notificationOperations = {
  'notifications/templates/preview': op(previewTemplateInput, previewTemplate),
  'notifications/outbox/list': op(listOutboxInput, listOutbox),
  'notifications/outbox/retry': op(retryOutboxInput, retryOutbox),
  'notifications/preferences/get': op(getPreferencesInput, getPreferences),
  'notifications/preferences/set': op(setPreferencesInput, setPreferences),
  'notifications/migrationSwitch/get': op(migrationSwitchInput, getMigrationSwitch),
  'notifications/migrationSwitch/set': op(setMigrationSwitchInput, setMigrationSwitch),
  'configuration/get': op(getSettingInput, getSetting),
  'configuration/list': op(listSettingsInput, listConfiguration),
} satisfies OperationMap;
