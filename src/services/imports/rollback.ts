/**
 * Undoes what a promotion wrote by replaying its log (stg_import_rollback_actions_ira) backwards:
 * INSERTED rows are deleted, UPDATED rows get their whole previous row back (updated_at and
 * updated_by included), DELETED rows are inserted again with their old ids. Each run of log
 * entries that one statement wrote is undone by one statement.
 */
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client';
import { queryRows } from '../../db/query';
import {
  labels,
  masterInstructions,
  masterPhases,
  masterPlans,
  masterSequences,
  masterStepDependencies,
  masterStepImpactedTeams,
  masterStepIterationTypes,
  masterSteps,
  stepLabels,
  stepTypes,
  teams,
} from '../../db/schema';

/** The tables a promotion writes, with their keys. Nothing else may appear in the log. */
const UNDOABLE: Record<string, { table: PgTable; key: string[] }> = {
  steps_master_stm: { table: masterSteps, key: ['stm_id'] },
  instructions_master_inm: { table: masterInstructions, key: ['inm_id'] },
  steps_master_stm_x_teams_tms_impacted: { table: masterStepImpactedTeams, key: ['stm_id', 'tms_id'] },
  steps_master_stm_x_iteration_types_itt: { table: masterStepIterationTypes, key: ['stm_id', 'itt_code'] },
  step_dependencies_master_sdm: { table: masterStepDependencies, key: ['sdm_id'] },
  // Created by "create missing" (src/services/imports/create-missing.ts), always INSERTED.
  plans_master_plm: { table: masterPlans, key: ['plm_id'] },
  labels_lbl: { table: labels, key: ['lbl_id'] },
  // Step labels (JSON `labels`, CSV `labels`): links added and removed by the promotion.
  labels_lbl_x_steps_master_stm: { table: stepLabels, key: ['lbl_x_stm_id'] },
  sequences_master_sqm: { table: masterSequences, key: ['sqm_id'] },
  phases_master_phm: { table: masterPhases, key: ['phm_id'] },
  teams_tms: { table: teams, key: ['tms_id'] },
  step_types_stt: { table: stepTypes, key: ['stt_code'] },
};

interface Segment {
  table: string;
  action: 'INSERTED' | 'UPDATED' | 'DELETED';
  lo: number;
  hi: number;
}

function entries(batchId: string, segment: Segment, column: 'ira_entity_key' | 'ira_previous_row'): SQL {
  return sql`SELECT p.*, a.ira_sequence AS undo_sequence
               FROM stg_import_rollback_actions_ira a
               CROSS JOIN LATERAL jsonb_populate_record(NULL::${sql.raw(segment.table)}, a.${sql.raw(column)}) p
              WHERE a.imb_id = ${batchId} AND a.ira_sequence BETWEEN ${segment.lo} AND ${segment.hi}`;
}

async function undoSegment(tx: DbOrTx, batchId: string, segment: Segment): Promise<void> {
  const undoable = UNDOABLE[segment.table];
  if (!undoable) throw new Error(`Undo log names a table that imports never write: ${segment.table}`);
  const table = sql.raw(segment.table);
  const keyMatch = sql.raw(undoable.key.map((key) => `x.${key} = r.${key}`).join(' AND '));
  if (segment.action === 'INSERTED') {
    await tx.execute(sql`DELETE FROM ${table} x USING (${entries(batchId, segment, 'ira_entity_key')}) r WHERE ${keyMatch}`);
  } else if (segment.action === 'DELETED') {
    const columns = sql.raw(Object.values(getTableColumns(undoable.table)).map((column) => column.name).join(', '));
    await tx.execute(sql`INSERT INTO ${table} (${columns})
                         SELECT ${columns} FROM (${entries(batchId, segment, 'ira_previous_row')}) r ORDER BY undo_sequence`);
  } else {
    const names = Object.values(getTableColumns(undoable.table)).map((column) => column.name);
    const targets = sql.raw(names.join(', '));
    const values = sql.raw(names.map((name) => `r.${name}`).join(', '));
    const keys = sql.raw(undoable.key.join(', '));
    // One statement may have changed a row twice in a run of updates: the oldest image wins.
    await tx.execute(sql`UPDATE ${table} x SET (${targets}) = (${values})
                           FROM (SELECT DISTINCT ON (${keys}) * FROM (${entries(batchId, segment, 'ira_previous_row')}) e
                                  ORDER BY ${keys}, undo_sequence) r
                          WHERE ${keyMatch}`);
  }
}

/** Replays the batch's not-yet-undone log backwards. Returns how many log entries were undone. */
export async function replayUndoLog(tx: DbOrTx, batchId: string): Promise<number> {
  const segments = await queryRows<Segment>(
    tx,
    sql`SELECT ira_table_name AS "table", ira_action AS action, min(ira_sequence) AS lo, max(ira_sequence) AS hi
          FROM (SELECT ira_table_name, ira_action, ira_sequence,
                       ira_sequence - row_number() OVER (PARTITION BY ira_table_name, ira_action ORDER BY ira_sequence) AS run
                  FROM stg_import_rollback_actions_ira WHERE imb_id = ${batchId} AND ira_undone_at IS NULL) log
         GROUP BY ira_table_name, ira_action, run
         ORDER BY max(ira_sequence) DESC`,
  );
  for (const segment of segments) {
    await undoSegment(tx, batchId, { ...segment, lo: Number(segment.lo), hi: Number(segment.hi) });
  }
  const undone = await queryRows<{ n: number }>(
    tx,
    sql`WITH marked AS (UPDATE stg_import_rollback_actions_ira SET ira_undone_at = now()
                         WHERE imb_id = ${batchId} AND ira_undone_at IS NULL RETURNING 1)
        SELECT count(*)::int AS n FROM marked`,
  );
  return Number(undone[0]?.n ?? 0);
}

/** Rows the batch created that an iteration has copied since: deleting them would break the run. */
export async function insertedRowsInUse(tx: DbOrTx, batchId: string): Promise<{ steps: number; instructions: number }> {
  const [row] = await queryRows<{ steps: number; instructions: number }>(
    tx,
    sql`SELECT
          (SELECT count(*)::int FROM stg_import_rollback_actions_ira a
             JOIN steps_instance_sti s ON s.stm_id = (a.ira_entity_key->>'stm_id')::uuid
            WHERE a.imb_id = ${batchId} AND a.ira_undone_at IS NULL AND a.ira_action = 'INSERTED' AND a.ira_table_name = 'steps_master_stm') AS steps,
          (SELECT count(*)::int FROM stg_import_rollback_actions_ira a
             JOIN instructions_instance_ini i ON i.inm_id = (a.ira_entity_key->>'inm_id')::uuid
            WHERE a.imb_id = ${batchId} AND a.ira_undone_at IS NULL AND a.ira_action = 'INSERTED' AND a.ira_table_name = 'instructions_master_inm') AS instructions`,
  );
  return { steps: Number(row?.steps ?? 0), instructions: Number(row?.instructions ?? 0) };
}
