/**
 * The runsheet macro's configuration: written by the config dialog (static/config) with
 * view.submit({ config }), read by the runsheet (static/runsheet) from context.extension.config.
 */
export interface RunsheetMacroConfig {
  /** iterations_ite.ite_id of the iteration whose runsheet the macro shows. */
  iterationId: string;
  /** migrations_mig.mig_id of that iteration's migration, so the dialog reopens on it. */
  migrationId?: string;
  /** Scope: only this plan instance (plans_instance_pli.pli_id)… */
  planInstanceId?: string;
  /** …and only this sequence of it (sequences_instance_sqi.sqi_id). */
  sequenceId?: string;
  /** Starting team filter (teams_tms.tms_id); readers can change it. */
  teamId?: number;
  /** Starting label filter (labels_lbl.lbl_id); readers can change it. */
  labelId?: number;
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

function optionalUuid(value: unknown): string | undefined {
  return typeof value === 'string' && UUID.test(value.trim()) ? value.trim().toLowerCase() : undefined;
}

function optionalId(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 2_147_483_647 ? value : undefined;
}

/**
 * The saved configuration, or undefined when the macro has not been configured (or was tampered
 * with). The iteration is required; a malformed optional field is dropped, not fatal.
 */
export function readRunsheetConfig(raw: unknown): RunsheetMacroConfig | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { iterationId, migrationId, planInstanceId, sequenceId, teamId, labelId } = raw as Record<string, unknown>;
  if (typeof iterationId !== 'string') return undefined;
  const check = checkIterationId(iterationId);
  if (!check.ok) return undefined;
  const scope = { migrationId: optionalUuid(migrationId), planInstanceId: optionalUuid(planInstanceId), sequenceId: optionalUuid(sequenceId) };
  const filters = { teamId: optionalId(teamId), labelId: optionalId(labelId) };
  return {
    iterationId: check.iterationId,
    ...(scope.migrationId ? { migrationId: scope.migrationId } : {}),
    ...(scope.planInstanceId ? { planInstanceId: scope.planInstanceId } : {}),
    ...(scope.sequenceId ? { sequenceId: scope.sequenceId } : {}),
    ...(filters.teamId ? { teamId: filters.teamId } : {}),
    ...(filters.labelId ? { labelId: filters.labelId } : {}),
  };
}
