/**
 * Looks up everything a staged batch names (phases, teams, environment roles, existing master
 * steps, predecessors) in a few set-based statements, into temporary tables that validation and
 * promotion both read. The tables live for the current transaction only (ON COMMIT DROP).
 *
 * imp_step / imp_inst: one row per staged step / instruction with its lookups resolved.
 * imp_cand: every step the plan will hold after the import, keyed by (phase, code).
 * imp_pred: each staged step's predecessor reference, resolved against imp_cand.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';

/** How phase references are compared: case-insensitive, spaces around "/" ignored. */
export function phaseKey(expression: SQL): SQL {
  return sql`regexp_replace(lower(btrim(${expression})), '\\s*/\\s*', ' / ', 'g')`;
}

/** The text after the last "/" of a step reference (the code). */
function lastSegment(expression: SQL): SQL {
  return sql`reverse(split_part(reverse(${expression}), '/', 1))`;
}

/** The text before the last "/" of a step reference (the phase), or null. */
function leadingSegments(expression: SQL): SQL {
  return sql`nullif(btrim(left(${expression}, greatest(length(${expression}) - length(split_part(reverse(${expression}), '/', 1)) - 1, 0))), '')`;
}

/** The code a master step is shown with (formatStepCode in SQL); null when it has none. */
export function masterStepCode(alias: string): SQL {
  const a = sql.raw(alias);
  return sql`CASE WHEN ${a}.stt_code IS NOT NULL AND ${a}.stm_number >= 0 THEN ${a}.stt_code || '-' || CASE WHEN ${a}.stm_number < 1000 THEN lpad(${a}.stm_number::text, 3, '0') ELSE ${a}.stm_number::text END END`;
}

async function createTemp(tx: DbOrTx, name: string, body: SQL): Promise<void> {
  await tx.execute(sql.raw(`DROP TABLE IF EXISTS pg_temp.${name}`));
  await tx.execute(sql`CREATE TEMP TABLE ${sql.raw(name)} ON COMMIT DROP AS ${body}`);
}

function sourceList(batchId: string, list: 'steps' | 'instructions'): SQL {
  return sql`coalesce((SELECT q.iqm_configuration->'source'->${list}
                         FROM stg_import_queue_management_iqm q
                         JOIN import_batches_imb b ON b.iqm_request_id = q.iqm_request_id
                        WHERE b.imb_id = ${batchId}), '[]'::jsonb)`;
}

export interface ResolutionOptions {
  /** Also build imp_cand and imp_pred (validation, and promotion's last pass). */
  predecessors: boolean;
  /**
   * "Create missing" at validation: phases and teams that do not exist yet but would be created,
   * resolved as if they did (phases get throw-away ids, teams negative ids); nothing is written.
   */
  planned?: { phases: Array<{ sequence: string; name: string; order: number; sequenceOrder: number }>; teams: string[] };
}

export async function buildResolution(tx: DbOrTx, batchId: string, planId: string, options: ResolutionOptions): Promise<void> {
  // These statements touch a few thousand rows; compiling them to machine code (JIT, triggered by
  // the planner's guesses about fresh temporary tables) costs more than running them.
  await tx.execute(sql`SET LOCAL jit = off`);
  await createTemp(
    tx,
    'imp_phase',
    sql`SELECT phm.phm_id, phm.phm_name, sqm.sqm_name, coalesce(sqm.sqm_order, 0) AS sqo, coalesce(phm.phm_order, 0) AS pho,
               coalesce(sqm.sqm_name, '') || ' / ' || coalesce(phm.phm_name, '') AS label
          FROM phases_master_phm phm JOIN sequences_master_sqm sqm ON sqm.sqm_id = phm.sqm_id
         WHERE sqm.plm_id = ${planId}
        UNION ALL
        SELECT gen_random_uuid(), p.name, p.sequence, p."sequenceOrder", p."order", p.sequence || ' / ' || p.name
          FROM jsonb_to_recordset(${JSON.stringify(options.planned?.phases ?? [])}::jsonb)
            AS p(sequence text, name text, "order" int, "sequenceOrder" int)`,
  );
  await createTemp(
    tx,
    'imp_phase_key',
    sql`SELECT k, count(DISTINCT phm_id)::int AS n, (array_agg(phm_id ORDER BY phm_id))[1] AS phm_id
          FROM (SELECT ${phaseKey(sql`phm_name`)} AS k, phm_id FROM imp_phase WHERE phm_name IS NOT NULL
                UNION ALL
                SELECT ${phaseKey(sql`sqm_name || ' / ' || phm_name`)}, phm_id FROM imp_phase WHERE phm_name IS NOT NULL AND sqm_name IS NOT NULL) keys
         GROUP BY k`,
  );
  await createTemp(
    tx,
    'imp_team_key',
    sql`SELECT lower(btrim(tms_name)) AS k, count(*)::int AS n, min(tms_id) AS tms_id FROM teams_tms GROUP BY 1
        UNION ALL
        SELECT lower(btrim(v)), 1, -position::int FROM jsonb_array_elements_text(${JSON.stringify(options.planned?.teams ?? [])}::jsonb) WITH ORDINALITY AS t(v, position)`,
  );
  await createTemp(tx, 'imp_enr_key', sql`SELECT lower(btrim(enr_name)) AS k, min(enr_id) AS enr_id FROM environment_roles_enr GROUP BY 1`);
  await createTemp(
    tx,
    'imp_src',
    sql`SELECT * FROM jsonb_to_recordset(${sourceList(batchId, 'steps')})
          AS x(seq int, line int, path text, name text, predecessor text, "ownerTeam" text, "targetEnvironmentRole" text)`,
  );
  await createTemp(
    tx,
    'imp_src_inst',
    sql`SELECT * FROM jsonb_to_recordset(${sourceList(batchId, 'instructions')}) AS x(seq int, line int, path text, team text)`,
  );
  await tx.execute(sql`CREATE INDEX ON imp_src (seq)`);
  await tx.execute(sql`CREATE INDEX ON imp_src_inst (seq)`);
  await tx.execute(sql`ANALYZE imp_phase_key, imp_team_key, imp_enr_key, imp_src (seq), imp_src_inst (seq)`);

  const number = sql`CASE WHEN s.step_type IS NOT NULL THEN split_part(s.step_id, '-', 2)::int END`;
  await createTemp(
    tx,
    'imp_step',
    sql`SELECT s.source_line AS seq, coalesce(x.line, s.source_line) AS line, x.path,
               s.step_id AS code, s.step_type AS stt, ${number} AS num,
               s.phase_id AS phase_ref, CASE WHEN pk.n = 1 THEN pk.phm_id END AS phm_id, coalesce(pk.n, 0) AS phase_matches,
               ph.sqo, ph.pho, ph.label AS phase_label,
               s.owner_team_id AS owner_id_raw,
               EXISTS (SELECT 1 FROM teams_tms t WHERE t.tms_id = s.owner_team_id) AS owner_id_found,
               x."ownerTeam" AS owner_name, tk.tms_id AS owner_name_id, coalesce(tk.n, 0) AS owner_name_matches,
               coalesce(s.owner_team_id, CASE WHEN tk.n = 1 THEN tk.tms_id END) AS owner,
               s.environment_id AS enr_id_raw,
               EXISTS (SELECT 1 FROM environment_roles_enr e WHERE e.enr_id = s.environment_id) AS enr_id_found,
               s.environments AS enr_name, ek.enr_id AS enr_name_id,
               coalesce(s.environment_id, ek.enr_id) AS enr,
               x."targetEnvironmentRole" AS enr_target_name, et.enr_id AS enr_target,
               s.app_id, s.applications,
               x.name, s.description, s.duration_minutes AS duration, x.predecessor AS pred_ref,
               s.teams_impacted, s.iteration_types,
               m.stm_id AS existing_id, coalesce(m.stm_id, gen_random_uuid()) AS stm_id,
               false AS in_chunk
          FROM stg_steps s
          LEFT JOIN imp_src x ON x.seq = s.source_line
          LEFT JOIN imp_phase_key pk ON pk.k = ${phaseKey(sql`s.phase_id`)}
          LEFT JOIN imp_phase ph ON pk.n = 1 AND ph.phm_id = pk.phm_id
          LEFT JOIN imp_team_key tk ON tk.k = lower(btrim(x."ownerTeam"))
          LEFT JOIN imp_enr_key ek ON ek.k = lower(btrim(s.environments))
          LEFT JOIN imp_enr_key et ON et.k = lower(btrim(x."targetEnvironmentRole"))
          LEFT JOIN steps_master_stm m ON pk.n = 1 AND m.phm_id = pk.phm_id AND m.stt_code = s.step_type AND m.stm_number = ${number}
         WHERE s.imb_id = ${batchId}`,
  );
  await tx.execute(sql`CREATE INDEX ON imp_step (seq)`);
  await tx.execute(sql`CREATE INDEX ON imp_step (code, phm_id)`);
  await tx.execute(sql`ANALYZE imp_step (seq, code, phm_id, existing_id, stm_id)`);

  // Each instruction names its step by code, with or without a phase: matched by joins on
  // per-code and per-(code, phase) counts, so a repeated code is seen as ambiguous. References
  // were normalised when the file was read ("Phase / CODE"), so plain string functions split them.
  await createTemp(
    tx,
    'imp_inst_raw',
    sql`SELECT si.source_line AS seq, si.instruction_id, si.step_id AS ref,
               upper(btrim(${lastSegment(sql`si.step_id`)})) AS code, ${leadingSegments(sql`si.step_id`)} AS phase_ref,
               si.instruction_text AS body, si.order_number AS ord, si.duration_minutes AS duration
          FROM stg_step_instructions si WHERE si.imb_id = ${batchId}`,
  );
  await tx.execute(sql`ANALYZE imp_inst_raw (seq, code, phase_ref)`);
  await createTemp(
    tx,
    'imp_inst',
    sql`WITH by_code AS (SELECT code, count(*)::int AS n, min(seq) AS seq FROM imp_step WHERE code IS NOT NULL GROUP BY code),
             by_phase AS (SELECT code, phm_id, count(*)::int AS n, min(seq) AS seq FROM imp_step
                           WHERE code IS NOT NULL AND phm_id IS NOT NULL GROUP BY code, phm_id),
             ref_phase AS (SELECT d.phase_ref, pk.phm_id
                             FROM (SELECT DISTINCT phase_ref FROM imp_inst_raw WHERE phase_ref IS NOT NULL) d
                             JOIN imp_phase_key pk ON pk.k = ${phaseKey(sql`d.phase_ref`)} AND pk.n = 1)
        SELECT i.*, coalesce(xi.line, i.seq) AS line, xi.path, xi.team AS team_name,
               CASE WHEN tk.n = 1 THEN tk.tms_id END AS team_id, coalesce(tk.n, 0) AS team_matches,
               CASE WHEN i.code IS NULL OR i.code = '' THEN 0 WHEN i.phase_ref IS NULL THEN coalesce(bc.n, 0) ELSE coalesce(bp.n, 0) END AS step_matches,
               CASE WHEN i.phase_ref IS NULL AND bc.n = 1 THEN bc.seq WHEN i.phase_ref IS NOT NULL AND bp.n = 1 THEN bp.seq END AS step_seq
          FROM imp_inst_raw i
          LEFT JOIN imp_src_inst xi ON xi.seq = i.seq
          LEFT JOIN imp_team_key tk ON tk.k = lower(btrim(xi.team))
          LEFT JOIN by_code bc ON bc.code = i.code
          LEFT JOIN ref_phase rp ON rp.phase_ref = i.phase_ref
          LEFT JOIN by_phase bp ON bp.code = i.code AND bp.phm_id = rp.phm_id`,
  );
  await tx.execute(sql`CREATE INDEX ON imp_inst (step_seq, ord)`);
  await tx.execute(sql`ANALYZE imp_inst (seq, step_seq, ord)`);

  if (options.predecessors) await buildPredecessorTables(tx);
}

/** imp_cand and imp_pred, from imp_step (which must reflect the steps the master holds now). */
export async function buildPredecessorTables(tx: DbOrTx): Promise<void> {
  await createTemp(
    tx,
    'imp_cand',
    sql`SELECT st.phm_id, st.code, st.seq, st.stm_id, st.sqo, st.pho, st.phase_label, NULL::uuid AS master_pred
          FROM imp_step st WHERE st.phm_id IS NOT NULL AND st.stt IS NOT NULL
        UNION ALL
        SELECT m.phm_id, ${masterStepCode('m')}, NULL, m.stm_id, ph.sqo, ph.pho, ph.label, m.stm_id_predecessor
          FROM steps_master_stm m JOIN imp_phase ph ON ph.phm_id = m.phm_id
         WHERE ${masterStepCode('m')} IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM imp_step st WHERE st.existing_id = m.stm_id)`,
  );
  await tx.execute(sql`CREATE INDEX ON imp_cand (code, phm_id)`);
  await tx.execute(sql`CREATE INDEX ON imp_cand (stm_id)`);
  await tx.execute(sql`ANALYZE imp_cand (code, phm_id, stm_id, master_pred)`);

  // A bare code means: the step of that code in the same phase, else the only one in the plan.
  await createTemp(
    tx,
    'imp_pred',
    sql`WITH r AS MATERIALIZED (
          SELECT st.seq, st.phm_id AS own_phm, st.code AS own_code, st.sqo, st.pho, st.pred_ref,
                 upper(btrim(${lastSegment(sql`st.pred_ref`)})) AS p_ref_code, ${leadingSegments(sql`st.pred_ref`)} AS p_ref_phase
            FROM imp_step st WHERE st.pred_ref IS NOT NULL),
        ref_phase AS (SELECT d.p_ref_phase, pk.phm_id
                        FROM (SELECT DISTINCT p_ref_phase FROM r WHERE p_ref_phase IS NOT NULL) d
                        JOIN imp_phase_key pk ON pk.k = ${phaseKey(sql`d.p_ref_phase`)} AND pk.n = 1),
        by_phase AS MATERIALIZED (SELECT code, phm_id, count(*)::int AS n FROM imp_cand GROUP BY code, phm_id),
        by_code AS MATERIALIZED (SELECT code, count(*)::int AS n, (array_agg(phm_id))[1] AS phm_id FROM imp_cand GROUP BY code),
        first_cand AS MATERIALIZED (SELECT DISTINCT ON (code, phm_id) * FROM imp_cand ORDER BY code, phm_id, seq NULLS LAST),
        resolved AS (
          SELECT r.*,
                 CASE WHEN r.p_ref_phase IS NOT NULL THEN rp.phm_id WHEN own.n IS NOT NULL THEN r.own_phm WHEN bc.n = 1 THEN bc.phm_id END AS target_phm,
                 CASE WHEN r.p_ref_phase IS NOT NULL THEN coalesce(named.n, 0) WHEN own.n IS NOT NULL THEN own.n ELSE coalesce(bc.n, 0) END AS matches
            FROM r
            LEFT JOIN ref_phase rp ON rp.p_ref_phase = r.p_ref_phase
            LEFT JOIN by_phase named ON named.code = r.p_ref_code AND named.phm_id = rp.phm_id
            LEFT JOIN by_phase own ON own.code = r.p_ref_code AND own.phm_id = r.own_phm
            LEFT JOIN by_code bc ON bc.code = r.p_ref_code)
        SELECT resolved.*, t.phm_id AS p_phm, t.code AS p_code, t.stm_id AS p_stm, t.seq AS p_seq, t.sqo AS p_sqo, t.pho AS p_pho,
               t.phase_label AS p_label
          FROM resolved
          LEFT JOIN first_cand t ON resolved.matches = 1 AND t.code = resolved.p_ref_code AND t.phm_id = resolved.target_phm`,
  );
  await tx.execute(sql`ANALYZE imp_pred (seq, p_stm)`);
}
