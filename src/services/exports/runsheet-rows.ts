/**
 * The rows of an iteration's runsheet as the export shows them: every step instance of the
 * iteration's plan instances in runsheet order (plan instance, sequence, phase, step number), with
 * the runsheet's filters: a team (owner or impacted), statuses, a label, and a text search.
 */
import { type SQL, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { queryRows } from '../../db/query';
import { iterations } from '../../db/schema';
import { domainError } from '../../domain/errors';
import { STEP_STATUSES } from '../../domain/statuses';
import { masterStepCode } from '../imports/resolution';

export const runsheetExportInput = z.strictObject({
  iterationId: z.uuid(),
  /** Steps this team owns or is impacted by. */
  teamId: z.int().positive().optional(),
  statuses: z.array(z.enum(STEP_STATUSES)).min(1).max(STEP_STATUSES.length).optional(),
  labelId: z.int().positive().optional(),
  /** Case-insensitive search in the step code, name and description. */
  text: z.string().trim().max(200).optional(),
});
export type RunsheetExportInput = z.output<typeof runsheetExportInput>;

export interface RunsheetRow {
  sequence: string;
  phase: string;
  code: string;
  name: string;
  ownerTeam: string;
  status: string;
  durationMinutes: number | null;
  start: Date | null;
  end: Date | null;
  instructionsDone: number;
  instructionsTotal: number;
}

export interface RunsheetRows {
  iterationName: string;
  rows: RunsheetRow[];
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export async function runsheetRows(db: DbOrTx, input: RunsheetExportInput): Promise<RunsheetRows> {
  const [iteration] = await db.select({ name: iterations.name }).from(iterations).where(eq(iterations.id, input.iterationId));
  if (!iteration) throw domainError('NOT_FOUND', 'That iteration does not exist.');

  const filters: SQL[] = [sql`pli.ite_id = ${input.iterationId}`];
  if (input.teamId !== undefined) {
    filters.push(sql`(stm.tms_id_owner = ${input.teamId}
                      OR EXISTS (SELECT 1 FROM steps_master_stm_x_teams_tms_impacted x WHERE x.stm_id = stm.stm_id AND x.tms_id = ${input.teamId}))`);
  }
  if (input.statuses) {
    filters.push(sql`sts.sts_name IN (${sql.join(input.statuses.map((status) => sql`${status}`), sql`, `)})`);
  }
  if (input.labelId !== undefined) {
    filters.push(sql`EXISTS (SELECT 1 FROM labels_lbl_x_steps_master_stm l WHERE l.stm_id = stm.stm_id AND l.lbl_id = ${input.labelId})`);
  }
  if (input.text) {
    const pattern = likePattern(input.text);
    filters.push(sql`(${masterStepCode('stm')} ILIKE ${pattern} OR sti.sti_name ILIKE ${pattern} OR sti.sti_description ILIKE ${pattern})`);
  }

  const rows = await queryRows<{
    sequence: string | null;
    phase: string | null;
    code: string | null;
    name: string | null;
    owner_team: string | null;
    status: string;
    duration: number | null;
    start_time: Date | string | null;
    end_time: Date | string | null;
    done: number;
    total: number;
  }>(
    db,
    sql`SELECT sqi.sqi_name AS sequence, phi.phi_name AS phase, ${masterStepCode('stm')} AS code, sti.sti_name AS name,
               tms.tms_name AS owner_team, sts.sts_name AS status, sti.sti_duration_minutes AS duration,
               sti.sti_start_time AS start_time, sti.sti_end_time AS end_time,
               coalesce(ins.done, 0) AS done, coalesce(ins.total, 0) AS total
          FROM steps_instance_sti sti
          JOIN phases_instance_phi phi ON phi.phi_id = sti.phi_id
          JOIN sequences_instance_sqi sqi ON sqi.sqi_id = phi.sqi_id
          JOIN plans_instance_pli pli ON pli.pli_id = sqi.pli_id
          JOIN steps_master_stm stm ON stm.stm_id = sti.stm_id
          JOIN status_sts sts ON sts.sts_id = sti.sti_status
          LEFT JOIN teams_tms tms ON tms.tms_id = stm.tms_id_owner
          LEFT JOIN LATERAL (SELECT count(*)::int AS total, (count(*) FILTER (WHERE i.ini_is_completed))::int AS done
                               FROM instructions_instance_ini i WHERE i.sti_id = sti.sti_id) ins ON true
         WHERE ${sql.join(filters, sql` AND `)}
         ORDER BY pli.created_at, pli.pli_id, sqi.sqi_order NULLS LAST, sqi.sqi_id, phi.phi_order NULLS LAST, phi.phi_id,
                  stm.stm_number NULLS LAST, stm.stt_code, sti.sti_id`,
  );
  const asDate = (value: Date | string | null) => (value === null ? null : value instanceof Date ? value : new Date(value));
  return {
    iterationName: iteration.name,
    rows: rows.map((row) => ({
      sequence: row.sequence ?? '',
      phase: row.phase ?? '',
      code: row.code ?? '',
      name: row.name ?? '',
      ownerTeam: row.owner_team ?? '',
      status: row.status,
      durationMinutes: row.duration,
      start: asDate(row.start_time),
      end: asDate(row.end_time),
      instructionsDone: Number(row.done),
      instructionsTotal: Number(row.total),
    })),
  };
}
