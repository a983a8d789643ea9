/**
 * phases/controls and iterations/controls: the quality gates grouped by phase, with validators,
 * whether each phase is blocked by the previous phase's critical controls, and which verdict
 * slots the caller may sign. One statement for the phases in scope and their controls.
 */

import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { queryRows } from '../../db/query';
import { blockingCriticalControls, phaseBlockers } from '../../domain/execution/controls';
import { controlStatusFromId } from '../../domain/statuses';
import { domainError } from '../../domain/errors';
import type { ServiceContext } from '../context';
import { loadIterationHead, statusInfo } from './containers';
import { CONTROL_JSON, CONTROL_USER_JOINS, type ControlJson, toControlView } from './step-detail';
import type { ControlView, IterationControls, PhaseControls, StatusInfo } from './types';

export const getPhaseControlsInput = z.strictObject({ phaseId: z.uuid() });
export const getIterationControlsInput = z.strictObject({ iterationId: z.uuid() });

interface PhaseControlsRow {
  plan_id: string;
  plan_name: string | null;
  sequence_id: string;
  sequence_name: string | null;
  sequence_order: number | null;
  phase_id: string;
  phase_name: string | null;
  phase_order: number | null;
  phase_status_id: number;
  predecessor_id: string | null;
  controls: ControlJson[] | null;
}

/** Phases (with controls) of every sequence matched by `scope`, in runsheet order. */
async function loadPhaseControls(db: DbOrTx, scope: SQL): Promise<PhaseControlsRow[]> {
  return queryRows<PhaseControlsRow>(
    db,
    sql`SELECT pl.pli_id AS plan_id, pl.pli_name AS plan_name, sq.sqi_id AS sequence_id, sq.sqi_name AS sequence_name,
               sq.sqi_order AS sequence_order, ph.phi_id AS phase_id, ph.phi_name AS phase_name, ph.phi_order AS phase_order,
               ph.phi_status AS phase_status_id, ph.predecessor_phi_id AS predecessor_id, ctl.controls
          FROM plans_instance_pli pl
          JOIN sequences_instance_sqi sq ON sq.pli_id = pl.pli_id
          JOIN phases_instance_phi ph ON ph.sqi_id = sq.sqi_id
          LEFT JOIN LATERAL (
            SELECT json_agg(${CONTROL_JSON} ORDER BY c.cti_order, c.cti_code, c.cti_id) AS controls
              FROM controls_instance_cti c
              ${CONTROL_USER_JOINS}
             WHERE c.phi_id = ph.phi_id) ctl ON true
         WHERE ${scope}
         ORDER BY pl.created_at, pl.pli_id, sq.sqi_order, sq.sqi_id, ph.phi_order, ph.phi_id`,
  );
}

/** Groups rows by sequence to apply the gate rule (blocks never cross a sequence boundary). */
function toPhaseControls(rows: readonly PhaseControlsRow[], statuses: ReadonlyMap<number, StatusInfo>, ctx: ServiceContext): PhaseControls[] {
  const bySequence = new Map<string, PhaseControlsRow[]>();
  for (const row of rows) {
    let list = bySequence.get(row.sequence_id);
    if (!list) {
      list = [];
      bySequence.set(row.sequence_id, list);
    }
    list.push(row);
  }
  const blockedBy = new Map<string, string[]>();
  for (const phases of bySequence.values()) {
    const blockers = phaseBlockers(
      phases.map((phase) => ({ id: phase.phase_id, order: phase.phase_order ?? 0, predecessorId: phase.predecessor_id, controls: gatesOf(phase) })),
    );
    for (const [id, codes] of blockers) blockedBy.set(id, codes);
  }
  return rows.map((row) => {
    const controls: ControlView[] = (row.controls ?? []).map((control) => toControlView(control, statuses, ctx));
    const by = blockedBy.get(row.phase_id) ?? [];
    return {
      id: row.phase_id,
      name: row.phase_name,
      order: row.phase_order,
      status: statusInfo(statuses, row.phase_status_id),
      planInstance: { id: row.plan_id, name: row.plan_name },
      sequence: { id: row.sequence_id, name: row.sequence_name, order: row.sequence_order },
      summary: {
        total: controls.length,
        passed: controls.filter((control) => control.status.name === 'PASSED').length,
        failed: controls.filter((control) => control.status.name === 'FAILED').length,
        criticalNotPassed: blockingCriticalControls(gatesOf(row)),
      },
      blocked: by.length > 0,
      blockedBy: by,
      controls,
    };
  });
}

function gatesOf(row: PhaseControlsRow) {
  return (row.controls ?? []).map((control) => ({
    code: control.code ?? control.name ?? '?',
    critical: control.critical,
    status: controlStatusFromId(control.statusId) ?? 'TODO',
  }));
}

async function loadStatuses(db: DbOrTx): Promise<Map<number, StatusInfo>> {
  const rows = await queryRows<StatusInfo>(db, sql`SELECT sts_id AS id, sts_name AS name, sts_color AS color FROM status_sts`);
  return new Map(rows.map((row) => [row.id, row]));
}

const SNAPSHOT = { isolationLevel: 'repeatable read', accessMode: 'read only' } as const;

/** The controls of one phase; the rest of its sequence is read only to decide whether it is blocked. */
export async function getPhaseControls(ctx: ServiceContext, input: z.output<typeof getPhaseControlsInput>): Promise<PhaseControls> {
  return ctx.db.transaction(async (tx) => {
    const rows = await loadPhaseControls(tx, sql`sq.sqi_id = (SELECT p.sqi_id FROM phases_instance_phi p WHERE p.phi_id = ${input.phaseId})`);
    if (!rows.some((row) => row.phase_id === input.phaseId)) throw domainError('NOT_FOUND', 'That phase does not exist.');
    const phases = toPhaseControls(rows, await loadStatuses(tx), ctx);
    return phases.find((phase) => phase.id === input.phaseId)!;
  }, SNAPSHOT);
}

/** Every phase of the iteration with its controls, in runsheet order. */
export async function getIterationControls(ctx: ServiceContext, input: z.output<typeof getIterationControlsInput>): Promise<IterationControls> {
  return ctx.db.transaction(async (tx) => {
    const head = await loadIterationHead(tx, input.iterationId, { dictionaries: false });
    const rows = await loadPhaseControls(tx, sql`pl.ite_id = ${input.iterationId}`);
    return { iteration: head.iteration, phases: toPhaseControls(rows, head.statuses, ctx) };
  }, SNAPSHOT);
}
