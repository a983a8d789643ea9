import { decodeRunsheet, decodeRunsheetChanges, type RunsheetChangesView, type RunsheetView } from '../../src/resolvers/runsheet-wire';
import { umig, type UmigPayload } from './api';

/**
 * The runsheet as the apps hold it: 'runsheet/get' and 'runsheet/changesSince' travel compact
 * (src/resolvers/runsheet-wire.ts) and are decoded here, the one place the apps read them.
 */
export async function loadRunsheet(payload: UmigPayload<'runsheet/get'>): Promise<RunsheetView> {
  return decodeRunsheet(await umig('runsheet/get', payload));
}

export async function loadRunsheetChanges(payload: UmigPayload<'runsheet/changesSince'>): Promise<RunsheetChangesView> {
  return decodeRunsheetChanges(await umig('runsheet/changesSince', payload));
}
