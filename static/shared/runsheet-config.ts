/**
 * The runsheet macro's configuration: written by the config dialog (static/config) with
 * view.submit({ config }), read by the runsheet (static/runsheet) from context.extension.config.
 */
export interface RunsheetMacroConfig {
  /** iterations_ite.ite_id of the iteration whose runsheet the macro shows. */
  iterationId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type IterationIdCheck = { ok: true; iterationId: string } | { ok: false; message: string };

/** Checks what a person typed as an iteration id. */
export function checkIterationId(input: string): IterationIdCheck {
  const value = input.trim();
  if (value === '') return { ok: false, message: 'Enter the id of the iteration this runsheet shows.' };
  if (!UUID.test(value)) {
    return { ok: false, message: 'An iteration id looks like 3f0c9a52-7d1e-4b8a-9c2f-5e6d7a8b9c0d. Copy it from UMIG administration.' };
  }
  return { ok: true, iterationId: value.toLowerCase() };
}

/** The saved configuration, or undefined when the macro has not been configured (or was tampered with). */
export function readRunsheetConfig(raw: unknown): RunsheetMacroConfig | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { iterationId } = raw as Record<string, unknown>;
  if (typeof iterationId !== 'string') return undefined;
  const check = checkIterationId(iterationId);
  return check.ok ? { iterationId: check.iterationId } : undefined;
}
