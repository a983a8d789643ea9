/**
 * Import queries added with "create missing", the promotion preview and the rollback's in-use
 * explanation (src/services/imports/create-missing.ts, preview.ts, batches.ts). Every function
 * takes the database or a transaction first.
 */
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { queryRows } from '../query';
import { importBatches, labels, masterPhases, masterPlans, masterSequences, stepTypes, teams } from '../schema';

/** The plan's sequences and phases (names and orders), to see what a file names that is missing. */
export async function planStructure(db: DbOrTx, planId: string) {
  const sequences = await db
    .select({ id: masterSequences.id, name: masterSequences.name, order: masterSequences.order })
    .from(masterSequences)
    .where(eq(masterSequences.planId, planId))
    .orderBy(asc(masterSequences.order), asc(masterSequences.id));
  const phases =
    sequences.length === 0
      ? []
      : await db
          .select({ sequenceId: masterPhases.sequenceId, name: masterPhases.name, order: masterPhases.order })
          .from(masterPhases)
          .where(inArray(masterPhases.sequenceId, sequences.map((sequence) => sequence.id)))
          .orderBy(asc(masterPhases.order), asc(masterPhases.id));
  return { sequences, phases };
}

function sourceOf(batchId: string) {
  return sql`(SELECT q.iqm_configuration->'source' FROM stg_import_queue_management_iqm q
                JOIN import_batches_imb b ON b.iqm_request_id = q.iqm_request_id WHERE b.imb_id = ${batchId})`;
}

/**
 * Every team name (owner by name, impacted, instruction team) and step type code the batch's
 * source names, each once (first spelling, in file order).
 */
export async function wantedReferences(db: DbOrTx, batchId: string): Promise<{ teams: string[]; stepTypes: string[] }> {
  const teamRows = await queryRows<{ name: string }>(
    db,
    sql`WITH src AS (SELECT ${sourceOf(batchId)} AS s),
             names AS (
               SELECT btrim(e->>'ownerTeam') AS name, 1 AS part, p AS pos, 0 AS sub
                 FROM src, jsonb_array_elements(coalesce(s->'steps', '[]')) WITH ORDINALITY AS t(e, p)
                WHERE e->>'ownerTeamId' IS NULL AND coalesce(btrim(e->>'ownerTeam'), '') <> ''
               UNION ALL
               SELECT btrim(v), 1, p, k
                 FROM src, jsonb_array_elements(coalesce(s->'steps', '[]')) WITH ORDINALITY AS t(e, p),
                      jsonb_array_elements_text(coalesce(e->'impactedTeams', '[]')) WITH ORDINALITY AS l(v, k)
                WHERE btrim(v) <> ''
               UNION ALL
               SELECT btrim(e->>'team'), 2, p, 0
                 FROM src, jsonb_array_elements(coalesce(s->'instructions', '[]')) WITH ORDINALITY AS t(e, p)
                WHERE coalesce(btrim(e->>'team'), '') <> '')
        SELECT name FROM (SELECT DISTINCT ON (lower(name)) name, part, pos, sub FROM names ORDER BY lower(name), part, pos, sub) d
         ORDER BY part, pos, sub`,
  );
  const typeRows = await queryRows<{ code: string }>(
    db,
    sql`SELECT code FROM (
          SELECT DISTINCT ON (e->>'typeCode') e->>'typeCode' AS code, p
            FROM jsonb_array_elements(coalesce(${sourceOf(batchId)}->'steps', '[]')) WITH ORDINALITY AS t(e, p)
           WHERE e->>'typeCode' IS NOT NULL ORDER BY e->>'typeCode', p) d
         ORDER BY p`,
  );
  return { teams: teamRows.map((row) => row.name), stepTypes: typeRows.map((row) => row.code) };
}

/** The names of existing teams among `names` (case-insensitive, trimmed). */
export async function existingTeamNames(db: DbOrTx, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const rows = await queryRows<{ name: string }>(
    db,
    sql`SELECT tms_name AS name FROM teams_tms
         WHERE lower(btrim(tms_name)) IN (SELECT lower(btrim(v)) FROM jsonb_array_elements_text(${JSON.stringify(names)}::jsonb) AS v)`,
  );
  return rows.map((row) => row.name);
}

export async function existingStepTypes(db: DbOrTx, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const rows = await db.select({ code: stepTypes.code }).from(stepTypes).where(inArray(stepTypes.code, [...codes]));
  return rows.map((row) => row.code);
}

/**
 * Serialises "create missing" across plans (each plan has its own import lock): two imports that
 * both lack team "Ops" must not create it twice. Held until the transaction ends.
 */
export async function lockReferenceCreation(db: DbOrTx): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtext('umig.imports.create-missing'))`);
}

/** Appends one INSERTED entry to the batch's undo log. */
async function logInserted(db: DbOrTx, batchId: string, by: string, table: string, key: Record<string, unknown>): Promise<void> {
  await db.execute(sql`INSERT INTO stg_import_rollback_actions_ira (imb_id, ira_sequence, ira_action, ira_table_name, ira_entity_key, created_by)
                       SELECT ${batchId}::uuid, coalesce(max(ira_sequence), 0) + 1, 'INSERTED', ${table}, ${JSON.stringify(key)}::jsonb, ${by}
                         FROM stg_import_rollback_actions_ira WHERE imb_id = ${batchId}`);
}

export async function insertLoggedStepType(db: DbOrTx, batchId: string, by: string, values: { code: string; name: string; description: string }): Promise<void> {
  await db.insert(stepTypes).values({ ...values, createdBy: by, updatedBy: by });
  await logInserted(db, batchId, by, 'step_types_stt', { stt_code: values.code });
}

export async function insertLoggedTeam(db: DbOrTx, batchId: string, by: string, values: { name: string; description: string }): Promise<number> {
  const [row] = await db.insert(teams).values({ ...values, createdBy: by, updatedBy: by }).returning({ id: teams.id });
  await logInserted(db, batchId, by, 'teams_tms', { tms_id: row!.id });
  return row!.id;
}

/** Every label name a step of the batch's source names, with the step's place (for the report), in file order. */
export async function wantedLabels(db: DbOrTx, batchId: string): Promise<Array<{ seq: number; line: number; path: string | null; name: string }>> {
  const rows = await queryRows<{ seq: number; line: number; path: string | null; name: string }>(
    db,
    sql`SELECT (e->>'seq')::int AS seq, (e->>'line')::int AS line, e->>'path' AS path, btrim(v) AS name
          FROM jsonb_array_elements(coalesce(${sourceOf(batchId)}->'steps', '[]')) WITH ORDINALITY AS t(e, p),
               jsonb_array_elements_text(coalesce(e->'labels', '[]')) WITH ORDINALITY AS l(v, k)
         WHERE btrim(v) <> ''
         ORDER BY p, k`,
  );
  return rows.map((row) => ({ ...row, seq: Number(row.seq), line: Number(row.line) }));
}

/** Labels whose name is among `names` (case-insensitive, trimmed), in one migration or in any. */
export async function labelsNamed(db: DbOrTx, names: readonly string[], migrationId: string | null): Promise<Array<{ id: number; name: string; migrationId: string }>> {
  if (names.length === 0) return [];
  return db
    .select({ id: labels.id, name: labels.name, migrationId: labels.migrationId })
    .from(labels)
    .where(
      sql`lower(btrim(${labels.name})) IN (SELECT lower(btrim(v)) FROM jsonb_array_elements_text(${JSON.stringify(names)}::jsonb) AS v)
          ${migrationId ? sql`AND ${labels.migrationId} = ${migrationId}` : sql``}`,
    )
    .orderBy(asc(labels.id));
}

export async function migrationExists(db: DbOrTx, migrationId: string): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(db, sql`SELECT 1 AS one FROM migrations_mig WHERE mig_id = ${migrationId}`);
  return rows.length > 0;
}

export async function insertLoggedLabel(
  db: DbOrTx,
  batchId: string,
  by: string,
  values: { migrationId: string; name: string; description: string; createdBy: number },
): Promise<void> {
  const [row] = await db.insert(labels).values(values).returning({ id: labels.id });
  await logInserted(db, batchId, by, 'labels_lbl', { lbl_id: row!.id });
}

/** A master plan called `name` (case-insensitive, trimmed), if any: a new plan may not take an existing plan's name. */
export async function planNamed(db: DbOrTx, name: string): Promise<{ id: string; name: string } | null> {
  const [row] = await db
    .select({ id: masterPlans.id, name: masterPlans.name })
    .from(masterPlans)
    .where(sql`lower(btrim(${masterPlans.name})) = lower(btrim(${name}))`)
    .limit(1);
  return row ?? null;
}

/** The id of the team called `name` (case-insensitive, trimmed; the first by id when several share it). */
export async function teamIdNamed(db: DbOrTx, name: string): Promise<number | null> {
  const [row] = await db
    .select({ id: teams.id })
    .from(teams)
    .where(sql`lower(btrim(${teams.name})) = lower(btrim(${name}))`)
    .orderBy(asc(teams.id))
    .limit(1);
  return row?.id ?? null;
}

/** The id a batch's new plan gets at promotion (from its queue request), or null. */
export async function plannedPlanId(db: DbOrTx, requestId: string): Promise<string | null> {
  const [row] = await queryRows<{ id: string | null }>(
    db,
    sql`SELECT iqm_configuration->'newPlan'->>'id' AS id FROM stg_import_queue_management_iqm WHERE iqm_request_id = ${requestId}`,
  );
  return row?.id ?? null;
}

/** Creates the new master plan an import names (with the id its batch was checked against), logged, and ties the batch to it. */
export async function insertLoggedPlan(
  db: DbOrTx,
  batchId: string,
  by: string,
  values: { id: string; name: string; description: string | null; teamId: number; statusId: number },
): Promise<void> {
  await db.insert(masterPlans).values({ ...values, createdBy: by, updatedBy: by });
  await logInserted(db, batchId, by, 'plans_master_plm', { plm_id: values.id });
  await db.update(importBatches).set({ masterPlanId: values.id }).where(eq(importBatches.id, batchId));
}

export async function insertLoggedSequence(db: DbOrTx, batchId: string, by: string, values: { planId: string; name: string; order: number }): Promise<string> {
  const [row] = await db.insert(masterSequences).values({ ...values, createdBy: by, updatedBy: by }).returning({ id: masterSequences.id });
  await logInserted(db, batchId, by, 'sequences_master_sqm', { sqm_id: row!.id });
  return row!.id;
}

export async function insertLoggedPhase(db: DbOrTx, batchId: string, by: string, values: { sequenceId: string; name: string; order: number }): Promise<string> {
  const [row] = await db.insert(masterPhases).values({ ...values, createdBy: by, updatedBy: by }).returning({ id: masterPhases.id });
  await logInserted(db, batchId, by, 'phases_master_phm', { phm_id: row!.id });
  return row!.id;
}

/** What a created row is called, for the sentence that says it cannot be removed. */
export async function createdRowName(db: DbOrTx, table: string, keyValue: string): Promise<string | null> {
  const lookups: Record<string, ReturnType<typeof sql>> = {
    teams_tms: sql`SELECT 'team "' || tms_name || '"' AS name FROM teams_tms WHERE tms_id::text = ${keyValue}`,
    step_types_stt: sql`SELECT 'step type ' || stt_code AS name FROM step_types_stt WHERE stt_code = ${keyValue}`,
    sequences_master_sqm: sql`SELECT 'sequence "' || coalesce(sqm_name, '') || '"' AS name FROM sequences_master_sqm WHERE sqm_id::text = ${keyValue}`,
    labels_lbl: sql`SELECT 'label "' || lbl_name || '"' AS name FROM labels_lbl WHERE lbl_id::text = ${keyValue}`,
    plans_master_plm: sql`SELECT 'master plan "' || plm_name || '"' AS name FROM plans_master_plm WHERE plm_id::text = ${keyValue}`,
    phases_master_phm: sql`SELECT 'phase "' || coalesce(phm_name, '') || '"' AS name FROM phases_master_phm WHERE phm_id::text = ${keyValue}`,
  };
  const lookup = lookups[table];
  if (!lookup) return null;
  const [row] = await queryRows<{ name: string }>(db, lookup);
  return row?.name ?? null;
}

export interface PreviewStep {
  code: string | null;
  name: string | null;
  phase: string | null;
  change: 'CREATED' | 'UPDATED' | 'UNCHANGED';
}

/**
 * Inside a promotion that is about to be undone (the preview): each step of the batch with what
 * the promotion did to it, read from the undo log it just wrote. A step is UPDATED when its row,
 * its instructions, impacted teams, iteration types or dependencies changed.
 */
export async function promotedStepChanges(db: DbOrTx, batchId: string): Promise<PreviewStep[]> {
  return queryRows<PreviewStep>(
    db,
    sql`WITH log AS (SELECT * FROM stg_import_rollback_actions_ira WHERE imb_id = ${batchId} AND ira_undone_at IS NULL),
             created AS (SELECT (ira_entity_key->>'stm_id')::uuid AS stm_id FROM log
                          WHERE ira_table_name = 'steps_master_stm' AND ira_action = 'INSERTED'),
             touched AS (
               SELECT (ira_entity_key->>'stm_id')::uuid AS stm_id FROM log
                WHERE ira_table_name IN ('steps_master_stm', 'steps_master_stm_x_teams_tms_impacted', 'steps_master_stm_x_iteration_types_itt',
                                         'labels_lbl_x_steps_master_stm')
               UNION
               SELECT (ira_previous_row->>'stm_id')::uuid FROM log
                WHERE ira_table_name IN ('instructions_master_inm', 'step_dependencies_master_sdm') AND ira_previous_row IS NOT NULL
               UNION
               SELECT i.stm_id FROM log JOIN instructions_master_inm i ON i.inm_id = (log.ira_entity_key->>'inm_id')::uuid
                WHERE log.ira_table_name = 'instructions_master_inm' AND log.ira_action = 'INSERTED')
        SELECT st.code, st.name, ph.label AS phase,
               CASE WHEN st.existing_id IN (SELECT stm_id FROM created) THEN 'CREATED'
                    WHEN st.existing_id IN (SELECT stm_id FROM touched) THEN 'UPDATED'
                    ELSE 'UNCHANGED' END AS change
          FROM imp_step st
          LEFT JOIN imp_phase ph ON ph.phm_id = st.phm_id
         ORDER BY ph.sqo, ph.pho, st.seq`,
  );
}

/**
 * A row the batch created (by "create missing") that has gained a use a cascade would silently
 * delete with it: a team someone joined or another step lists as impacted, a sequence or phase
 * a back-out marker points at. The first one, named, with the table of its use; null when none.
 * (Uses without a cascade make the rollback's DELETE fail instead; see explainInUse.)
 */
export async function createdRowHiddenUse(db: DbOrTx, batchId: string): Promise<{ table: string; keyValue: string; usedBy: string } | null> {
  const [row] = await queryRows<{ table: string; key_value: string; used_by: string }>(
    db,
    sql`WITH created AS (SELECT ira_table_name AS t, ira_entity_key AS k FROM stg_import_rollback_actions_ira
                          WHERE imb_id = ${batchId} AND ira_undone_at IS NULL AND ira_action = 'INSERTED'
                            AND ira_table_name IN ('teams_tms', 'sequences_master_sqm', 'phases_master_phm'))
        SELECT 'teams_tms' AS table, m.tms_id::text AS key_value, 'teams_tms_x_users_usr' AS used_by
          FROM created c JOIN teams_tms_x_users_usr m ON m.tms_id = (c.k->>'tms_id')::int WHERE c.t = 'teams_tms'
        UNION ALL
        SELECT 'teams_tms', x.tms_id::text, 'steps_master_stm_x_teams_tms_impacted'
          FROM created c JOIN steps_master_stm_x_teams_tms_impacted x ON x.tms_id = (c.k->>'tms_id')::int
         WHERE c.t = 'teams_tms'
           AND NOT EXISTS (SELECT 1 FROM stg_import_rollback_actions_ira a
                            WHERE a.imb_id = ${batchId} AND a.ira_undone_at IS NULL AND a.ira_action = 'INSERTED'
                              AND a.ira_table_name = 'steps_master_stm_x_teams_tms_impacted'
                              AND (a.ira_entity_key->>'stm_id')::uuid = x.stm_id AND (a.ira_entity_key->>'tms_id')::int = x.tms_id)
        UNION ALL
        SELECT c.t, coalesce(p.sqm_id, p.phm_id)::text, 'plan_backout_markers_master_pbm'
          FROM created c JOIN plan_backout_markers_master_pbm p
            ON (c.t = 'sequences_master_sqm' AND p.sqm_id = (c.k->>'sqm_id')::uuid) OR (c.t = 'phases_master_phm' AND p.phm_id = (c.k->>'phm_id')::uuid)
        UNION ALL
        SELECT 'labels_lbl', x.lbl_id::text, 'labels_lbl_x_steps_master_stm'
          FROM stg_import_rollback_actions_ira c JOIN labels_lbl_x_steps_master_stm x ON x.lbl_id = (c.ira_entity_key->>'lbl_id')::int
         WHERE c.imb_id = ${batchId} AND c.ira_undone_at IS NULL AND c.ira_action = 'INSERTED' AND c.ira_table_name = 'labels_lbl'
           AND NOT EXISTS (SELECT 1 FROM stg_import_rollback_actions_ira a
                            WHERE a.imb_id = ${batchId} AND a.ira_undone_at IS NULL AND a.ira_action = 'INSERTED'
                              AND a.ira_table_name = 'labels_lbl_x_steps_master_stm'
                              AND (a.ira_entity_key->>'lbl_x_stm_id')::int = x.lbl_x_stm_id)
        UNION ALL
        SELECT 'labels_lbl', x.lbl_id::text, 'labels_lbl_x_controls_master_ctm'
          FROM stg_import_rollback_actions_ira c JOIN labels_lbl_x_controls_master_ctm x ON x.lbl_id = (c.ira_entity_key->>'lbl_id')::int
         WHERE c.imb_id = ${batchId} AND c.ira_undone_at IS NULL AND c.ira_action = 'INSERTED' AND c.ira_table_name = 'labels_lbl'
        UNION ALL
        SELECT 'labels_lbl', x.lbl_id::text, 'labels_lbl_x_applications_app'
          FROM stg_import_rollback_actions_ira c JOIN labels_lbl_x_applications_app x ON x.lbl_id = (c.ira_entity_key->>'lbl_id')::int
         WHERE c.imb_id = ${batchId} AND c.ira_undone_at IS NULL AND c.ira_action = 'INSERTED' AND c.ira_table_name = 'labels_lbl'
        LIMIT 1`,
  );
  return row ? { table: row.table, keyValue: row.key_value, usedBy: row.used_by } : null;
}
