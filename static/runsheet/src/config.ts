import { readRunsheetConfig, type RunsheetMacroConfig } from '../../shared/runsheet-config';

/**
 * What the runsheet shows, from its macro config (written by the config dialog, static/config):
 * the iteration; optionally a plan instance / sequence as scope (read from the service as such);
 * optionally a team and a label as the filters' starting values (the reader can change them).
 * The shared reader checks every field; a malformed optional one is dropped.
 */
export type RunsheetView = RunsheetMacroConfig;

export function readRunsheetView(raw: unknown): RunsheetView | undefined {
  return readRunsheetConfig(raw);
}
