/**
 * Writes a validated batch into the master tables, a chunk of steps at a time, each chunk one
 * transaction (the caller's). Every change is logged before it is made in
 * stg_import_rollback_actions_ira: the whole previous row for UPDATED and DELETED, the key for
 * INSERTED, numbered so a rollback can replay the log backwards. Rows whose values do not change
 * are not touched, so their updated_at stays.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { queryRows } from '../../db/query';
import { buildPredecessorTables, buildResolution } from './resolution';

export interface PromotionStats {
  stepsCreated: number;
  stepsUpdated: number;
  stepsUnchanged: number;
  instructionsCreated: number;
  instructionsUpdated: number;
  instructionsDeleted: number;
  impactedTeamsAdded: number;
  impactedTeamsRemoved: number;
  iterationTypesAdded: number;
  iterationTypesRemoved: number;
  predecessorsChanged: number;
}

export const EMPTY_STATS: PromotionStats = {
  stepsCreated: 0,
  stepsUpdated: 0,
  stepsUnchanged: 0,
  instructionsCreated: 0,
  instructionsUpdated: 0,
  instructionsDeleted: 0,
  impactedTeamsAdded: 0,
  impactedTeamsRemoved: 0,
  iterationTypesAdded: 0,
  iterationTypesRemoved: 0,
  predecessorsChanged: 0,
};

export interface PromoteCursor {
  /** Steps up to this source_line are promoted. */
  afterSeq: number;
  stats: PromotionStats;
}

export interface PromotedChunk {
  cursor: PromoteCursor;
  steps: number;
  instructions: number;
  impactedTeams: number;
  iterationTypes: number;
  lastCode: string | null;
  done: boolean;
}

async function count(tx: DbOrTx, statement: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number }>(tx, statement);
  return Number(row?.n ?? 0);
}

/**
 * `changed` must yield (prev jsonb, key jsonb, rn) for UPDATED/DELETED, or (key jsonb, rn) with a
 * null prev for INSERTED; the log rows continue the batch's numbering.
 */
function logged(batchId: string, by: string, table: string, action: 'INSERTED' | 'UPDATED' | 'DELETED'): SQL {
  return sql`base AS (SELECT coalesce(max(ira_sequence), 0) AS n FROM stg_import_rollback_actions_ira WHERE imb_id = ${batchId}),
             logged AS (
               INSERT INTO stg_import_rollback_actions_ira (imb_id, ira_sequence, ira_action, ira_table_name, ira_entity_key, ira_previous_row, created_by)
               SELECT ${batchId}::uuid, base.n + c.rn, ${action}::varchar, ${table}::varchar, c.key, c.prev, ${by}::varchar FROM changed c, base
               RETURNING 1)
             SELECT count(*)::int AS n FROM logged`;
}

const STEP_VALUES_DIFFER = sql`(m.tms_id_owner, m.stt_code, m.stm_number, m.stm_code, m.stm_name, m.stm_description,
                                m.stm_duration_minutes, m.enr_id_target, m.enr_id)
                               IS DISTINCT FROM
                               (st.owner, st.stt, st.num, st.code, st.name, st.description, st.duration, st.enr_target, st.enr)`;

export async function promoteChunk(
  tx: DbOrTx,
  batchId: string,
  planId: string,
  by: string,
  cursor: PromoteCursor,
  chunkSize: number,
  resolved = false,
): Promise<PromotedChunk> {
  if (!resolved) await buildResolution(tx, batchId, planId, { predecessors: false });
  await tx.execute(sql`UPDATE imp_step SET in_chunk = true
                        WHERE seq IN (SELECT seq FROM imp_step WHERE seq > ${cursor.afterSeq} ORDER BY seq LIMIT ${chunkSize})`);
  const [chunk] = await queryRows<{ steps: number; last_seq: number | null; last_code: string | null; remaining: number }>(
    tx,
    sql`SELECT count(*) FILTER (WHERE in_chunk)::int AS steps, max(seq) FILTER (WHERE in_chunk) AS last_seq,
               (array_agg(code ORDER BY seq DESC) FILTER (WHERE in_chunk))[1] AS last_code,
               count(*) FILTER (WHERE NOT in_chunk AND seq > ${cursor.afterSeq})::int AS remaining
          FROM imp_step`,
  );
  const stats = { ...cursor.stats };
  const chunkSteps = Number(chunk?.steps ?? 0);

  const updated = await count(
    tx,
    sql`WITH changed AS (
          SELECT m.stm_id, to_jsonb(m) AS prev, jsonb_build_object('stm_id', m.stm_id) AS key, row_number() OVER (ORDER BY st.seq) AS rn
            FROM imp_step st JOIN steps_master_stm m ON m.stm_id = st.existing_id
           WHERE st.in_chunk AND ${STEP_VALUES_DIFFER}),
        upd AS (
          UPDATE steps_master_stm m
             SET tms_id_owner = st.owner, stt_code = st.stt, stm_number = st.num, stm_code = st.code, stm_name = st.name,
                 stm_description = st.description, stm_duration_minutes = st.duration, enr_id_target = st.enr_target, enr_id = st.enr,
                 updated_by = ${by}, updated_at = now()
            FROM imp_step st
           WHERE st.in_chunk AND m.stm_id = st.existing_id AND m.stm_id IN (SELECT stm_id FROM changed)
          RETURNING 1),
        ${logged(batchId, by, 'steps_master_stm', 'UPDATED')}`,
  );
  const created = await count(
    tx,
    sql`WITH ins AS (
          INSERT INTO steps_master_stm (stm_id, phm_id, tms_id_owner, stt_code, stm_number, stm_code, stm_name, stm_description,
                                        stm_duration_minutes, enr_id_target, enr_id, created_by, updated_by)
          SELECT st.stm_id, st.phm_id, st.owner, st.stt, st.num, st.code, st.name, st.description, st.duration, st.enr_target, st.enr, ${by}::varchar, ${by}::varchar
            FROM imp_step st WHERE st.in_chunk AND st.existing_id IS NULL
          RETURNING stm_id),
        changed AS (SELECT NULL::jsonb AS prev, jsonb_build_object('stm_id', stm_id) AS key, row_number() OVER (ORDER BY stm_id) AS rn FROM ins),
        ${logged(batchId, by, 'steps_master_stm', 'INSERTED')}`,
  );
  await tx.execute(sql`UPDATE imp_step SET existing_id = stm_id WHERE in_chunk AND existing_id IS NULL`);
  // The planner must see that the new steps now exist, or it joins them row by row.
  await tx.execute(sql`ANALYZE imp_step (seq, existing_id, stm_id, in_chunk)`);
  stats.stepsUpdated += updated;
  stats.stepsCreated += created;
  stats.stepsUnchanged += chunkSteps - updated - created;

  // Instructions: matched to the master's by (step, order); the first of a repeated order is the match.
  await tx.execute(sql`DROP TABLE IF EXISTS pg_temp.imp_want`);
  await tx.execute(sql`CREATE TEMP TABLE imp_want ON COMMIT DROP AS
                         SELECT st.stm_id, i.ord, i.body, i.duration, i.team_id, i.seq
                           FROM imp_inst i JOIN imp_step st ON st.seq = i.step_seq WHERE st.in_chunk`);
  await tx.execute(sql`DROP TABLE IF EXISTS pg_temp.imp_have`);
  await tx.execute(sql`CREATE TEMP TABLE imp_have ON COMMIT DROP AS
                         SELECT m.inm_id, m.stm_id, m.inm_order AS ord,
                                row_number() OVER (PARTITION BY m.stm_id, m.inm_order ORDER BY m.created_at, m.inm_id) AS dup
                           FROM instructions_master_inm m JOIN imp_step st ON st.existing_id = m.stm_id WHERE st.in_chunk`);
  stats.instructionsUpdated += await count(
    tx,
    sql`WITH changed AS (
          SELECT m.inm_id, w.body, w.duration, w.team_id, to_jsonb(m) AS prev, jsonb_build_object('inm_id', m.inm_id) AS key,
                 row_number() OVER (ORDER BY w.seq) AS rn
            FROM imp_have h JOIN imp_want w ON w.stm_id = h.stm_id AND w.ord = h.ord
            JOIN instructions_master_inm m ON m.inm_id = h.inm_id
           WHERE h.dup = 1 AND (m.inm_body, m.inm_duration_minutes, m.tms_id) IS DISTINCT FROM (w.body, w.duration, w.team_id)),
        upd AS (
          UPDATE instructions_master_inm m
             SET inm_body = c.body, inm_duration_minutes = c.duration, tms_id = c.team_id, updated_by = ${by}, updated_at = now()
            FROM changed c WHERE m.inm_id = c.inm_id
          RETURNING 1),
        ${logged(batchId, by, 'instructions_master_inm', 'UPDATED')}`,
  );
  stats.instructionsDeleted += await count(
    tx,
    sql`WITH changed AS (
          SELECT m.inm_id, to_jsonb(m) AS prev, jsonb_build_object('inm_id', m.inm_id) AS key, row_number() OVER (ORDER BY m.stm_id, m.inm_order, m.inm_id) AS rn
            FROM imp_have h JOIN instructions_master_inm m ON m.inm_id = h.inm_id
           WHERE h.dup > 1 OR NOT EXISTS (SELECT 1 FROM imp_want w WHERE w.stm_id = h.stm_id AND w.ord = h.ord)),
        del AS (DELETE FROM instructions_master_inm m USING changed c WHERE m.inm_id = c.inm_id RETURNING 1),
        ${logged(batchId, by, 'instructions_master_inm', 'DELETED')}`,
  );
  stats.instructionsCreated += await count(
    tx,
    sql`WITH ins AS (
          INSERT INTO instructions_master_inm (stm_id, tms_id, inm_order, inm_body, inm_duration_minutes, created_by, updated_by)
          SELECT w.stm_id, w.team_id, w.ord, w.body, w.duration, ${by}::varchar, ${by}::varchar
            FROM imp_want w
           WHERE NOT EXISTS (SELECT 1 FROM imp_have h WHERE h.stm_id = w.stm_id AND h.ord = w.ord AND h.dup = 1)
           ORDER BY w.seq
          RETURNING inm_id),
        changed AS (SELECT NULL::jsonb AS prev, jsonb_build_object('inm_id', inm_id) AS key, row_number() OVER (ORDER BY inm_id) AS rn FROM ins),
        ${logged(batchId, by, 'instructions_master_inm', 'INSERTED')}`,
  );
  const [wanted] = await queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM imp_want`);

  // Impacted teams and iteration types: the file's list replaces the step's.
  const teamLinks = await setLinks(tx, batchId, by, {
    table: 'steps_master_stm_x_teams_tms_impacted',
    column: 'tms_id',
    wanted: sql`SELECT DISTINCT st.stm_id, tk.tms_id AS value
                  FROM imp_step st CROSS JOIN LATERAL unnest(string_to_array(st.teams_impacted, '|')) AS v(name)
                  JOIN imp_team_key tk ON tk.k = lower(btrim(v.name)) AND tk.n = 1
                 WHERE st.in_chunk`,
  });
  stats.impactedTeamsAdded += teamLinks.added;
  stats.impactedTeamsRemoved += teamLinks.removed;
  const typeLinks = await setLinks(tx, batchId, by, {
    table: 'steps_master_stm_x_iteration_types_itt',
    column: 'itt_code',
    wanted: sql`SELECT DISTINCT st.stm_id, v.code AS value
                  FROM imp_step st CROSS JOIN LATERAL unnest(string_to_array(st.iteration_types, '|')) AS v(code)
                 WHERE st.in_chunk`,
  });
  stats.iterationTypesAdded += typeLinks.added;
  stats.iterationTypesRemoved += typeLinks.removed;

  const done = Number(chunk?.remaining ?? 0) === 0;
  if (done) stats.predecessorsChanged += await setPredecessors(tx, batchId, by);

  return {
    cursor: { afterSeq: chunk?.last_seq == null ? cursor.afterSeq : Number(chunk.last_seq), stats },
    steps: chunkSteps,
    instructions: Number(wanted?.n ?? 0),
    impactedTeams: teamLinks.wanted,
    iterationTypes: typeLinks.wanted,
    lastCode: chunk?.last_code ?? null,
    done,
  };
}

interface LinkTable {
  table: 'steps_master_stm_x_teams_tms_impacted' | 'steps_master_stm_x_iteration_types_itt';
  column: 'tms_id' | 'itt_code';
  /** (stm_id, value) pairs the chunk's steps must end up with. */
  wanted: SQL;
}

async function setLinks(tx: DbOrTx, batchId: string, by: string, link: LinkTable): Promise<{ added: number; removed: number; wanted: number }> {
  const table = sql.raw(link.table);
  const column = sql.raw(link.column);
  await tx.execute(sql`DROP TABLE IF EXISTS pg_temp.imp_links`);
  await tx.execute(sql`CREATE TEMP TABLE imp_links ON COMMIT DROP AS ${link.wanted}`);
  const removed = await count(
    tx,
    sql`WITH changed AS (
          SELECT x.stm_id, x.${column} AS value, to_jsonb(x) AS prev, jsonb_build_object('stm_id', x.stm_id, ${sql.raw(`'${link.column}'`)}, x.${column}) AS key,
                 row_number() OVER (ORDER BY x.stm_id, x.${column}) AS rn
            FROM ${table} x JOIN imp_step st ON st.existing_id = x.stm_id AND st.in_chunk
           WHERE NOT EXISTS (SELECT 1 FROM imp_links l WHERE l.stm_id = x.stm_id AND l.value = x.${column})),
        del AS (DELETE FROM ${table} x USING changed c WHERE x.stm_id = c.stm_id AND x.${column} = c.value RETURNING 1),
        ${logged(batchId, by, link.table, 'DELETED')}`,
  );
  const added = await count(
    tx,
    sql`WITH ins AS (
          INSERT INTO ${table} (stm_id, ${column})
          SELECT l.stm_id, l.value FROM imp_links l
           WHERE NOT EXISTS (SELECT 1 FROM ${table} x WHERE x.stm_id = l.stm_id AND x.${column} = l.value)
          RETURNING stm_id, ${column} AS value),
        changed AS (SELECT NULL::jsonb AS prev, jsonb_build_object('stm_id', stm_id, ${sql.raw(`'${link.column}'`)}, value) AS key,
                           row_number() OVER (ORDER BY stm_id, value) AS rn FROM ins),
        ${logged(batchId, by, link.table, 'INSERTED')}`,
  );
  const [wanted] = await queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM imp_links`);
  return { added, removed, wanted: Number(wanted?.n ?? 0) };
}

/** Last pass, once every step of the batch exists: point each at its predecessor (or at none). */
async function setPredecessors(tx: DbOrTx, batchId: string, by: string): Promise<number> {
  await buildPredecessorTables(tx);
  const updated = await count(
    tx,
    sql`WITH wanted AS (SELECT st.existing_id AS stm_id, p.p_stm AS pred FROM imp_step st LEFT JOIN imp_pred p ON p.seq = st.seq),
        changed AS (
          SELECT m.stm_id, w.pred, to_jsonb(m) AS prev, jsonb_build_object('stm_id', m.stm_id) AS key, row_number() OVER (ORDER BY m.stm_id) AS rn
            FROM steps_master_stm m JOIN wanted w ON w.stm_id = m.stm_id
           WHERE m.stm_id_predecessor IS DISTINCT FROM w.pred),
        upd AS (
          UPDATE steps_master_stm m SET stm_id_predecessor = c.pred, updated_by = ${by}, updated_at = now()
            FROM changed c WHERE m.stm_id = c.stm_id
          RETURNING 1),
        ${logged(batchId, by, 'steps_master_stm', 'UPDATED')}`,
  );
  // The file is the whole truth for the steps it lists: graph links it no longer names go (logged, so a rollback restores them).
  await tx.execute(sql`WITH changed AS (
          SELECT d.sdm_id, to_jsonb(d) AS prev, jsonb_build_object('sdm_id', d.sdm_id) AS key, row_number() OVER (ORDER BY d.sdm_id) AS rn
            FROM step_dependencies_master_sdm d
            JOIN imp_step st ON st.existing_id = d.stm_id
            LEFT JOIN imp_pred p ON p.seq = st.seq
           WHERE d.stm_id_predecessor IS DISTINCT FROM p.p_stm),
        del AS (DELETE FROM step_dependencies_master_sdm d USING changed c WHERE d.sdm_id = c.sdm_id RETURNING 1),
        ${logged(batchId, by, 'step_dependencies_master_sdm', 'DELETED')}`);
  return updated;
}

/**
 * Step labels of the chunk's steps whose source carries `labels`: the step's links become exactly
 * the named labels (matched by name, in the label migration when the upload names one). Removed
 * links are logged with their row, added ones by key, so a rollback restores them. Returns the
 * links added and removed.
 */
export async function syncStepLabels(tx: DbOrTx, batchId: string, by: string, migrationId: string | null): Promise<{ added: number; removed: number }> {
  await tx.execute(sql`DROP TABLE IF EXISTS pg_temp.imp_label`);
  await tx.execute(sql`CREATE TEMP TABLE imp_label ON COMMIT DROP AS
    WITH src AS (SELECT q.iqm_configuration->'source'->'steps' AS steps FROM stg_import_queue_management_iqm q
                   JOIN import_batches_imb b ON b.iqm_request_id = q.iqm_request_id WHERE b.imb_id = ${batchId}),
         carrying AS (SELECT st.existing_id AS stm_id, e->'labels' AS names
                        FROM src, jsonb_array_elements(coalesce(src.steps, '[]')) AS e
                        JOIN imp_step st ON st.seq = (e->>'seq')::int
                       WHERE st.in_chunk AND e ? 'labels' AND st.existing_id IS NOT NULL)
    SELECT c.stm_id, l.lbl_id
      FROM carrying c
      LEFT JOIN LATERAL (
        SELECT DISTINCT ON (lower(btrim(v))) lbl.lbl_id
          FROM jsonb_array_elements_text(coalesce(c.names, '[]')) AS v
          JOIN labels_lbl lbl ON lower(btrim(lbl.lbl_name)) = lower(btrim(v))
                             AND (${migrationId}::uuid IS NULL OR lbl.mig_id = ${migrationId}::uuid)
         ORDER BY lower(btrim(v)), lbl.lbl_id) l ON true`);
  const removed = await count(
    tx,
    sql`WITH changed AS (
          SELECT to_jsonb(x) AS prev, jsonb_build_object('lbl_x_stm_id', x.lbl_x_stm_id, 'stm_id', x.stm_id) AS key,
                 row_number() OVER (ORDER BY x.lbl_x_stm_id) AS rn
            FROM labels_lbl_x_steps_master_stm x
           WHERE x.stm_id IN (SELECT stm_id FROM imp_label)
             AND NOT EXISTS (SELECT 1 FROM imp_label w WHERE w.stm_id = x.stm_id AND w.lbl_id = x.lbl_id)),
        del AS (DELETE FROM labels_lbl_x_steps_master_stm x WHERE x.lbl_x_stm_id IN (SELECT (key->>'lbl_x_stm_id')::int FROM changed) RETURNING 1),
        ${logged(batchId, by, 'labels_lbl_x_steps_master_stm', 'DELETED')}`,
  );
  const added = await count(
    tx,
    sql`WITH ins AS (
          INSERT INTO labels_lbl_x_steps_master_stm (lbl_id, stm_id, created_by)
          SELECT DISTINCT w.lbl_id, w.stm_id, ${by}::varchar FROM imp_label w
           WHERE w.lbl_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM labels_lbl_x_steps_master_stm x WHERE x.stm_id = w.stm_id AND x.lbl_id = w.lbl_id)
          RETURNING lbl_x_stm_id, stm_id),
        changed AS (SELECT NULL::jsonb AS prev, jsonb_build_object('lbl_x_stm_id', lbl_x_stm_id, 'stm_id', stm_id) AS key,
                           row_number() OVER (ORDER BY lbl_x_stm_id) AS rn FROM ins),
        ${logged(batchId, by, 'labels_lbl_x_steps_master_stm', 'INSERTED')}`,
  );
  return { added, removed };
}
