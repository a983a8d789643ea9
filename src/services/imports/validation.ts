/**
 * Checks a staged batch against the target plan and the reference data: set-based queries over
 * the resolution tables (resolution.ts), plus the predecessor cycle search (findCycle) over the
 * edges recorded in stg_import_entity_dependencies_ied. Returns every problem, never just the first.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { queryRows } from '../../db/query';
import { type Edge, findCycle } from '../../domain/execution/scheduling';
import { quote } from './fields';
import { NOTHING_TO_CREATE, type PlannedCreations } from './create-missing';
import { buildResolution } from './resolution';
import type { ImportFormat, ImportProblem, ProblemRule } from './types';

interface Finding {
  kind: 'S' | 'I';
  seq: number;
  field: string;
  rule: ProblemRule;
  value: string | null;
  extra: string | null;
}

/** Logical field -> CSV column. JSON reports the field's path instead. */
const CSV_STEP_COLUMN: Record<string, string> = {
  code: 'step_id',
  name: 'name',
  phase: 'phase_id',
  ownerTeamId: 'owner_team_id',
  ownerTeam: 'owner_team',
  environmentId: 'environment_id',
  environmentRole: 'environments',
  targetEnvironmentRole: 'target_environment',
  appId: 'app_id',
  applications: 'applications',
  durationMinutes: 'duration_minutes',
  impactedTeams: 'teams_impacted',
  iterationTypes: 'iteration_types',
  predecessor: 'predecessor',
  instructions: 'step_id',
};
const CSV_INSTRUCTION_COLUMN: Record<string, string> = {
  id: 'instruction_id',
  step: 'step_id',
  text: 'instruction_text',
  order: 'order_number',
  durationMinutes: 'duration_minutes',
  team: 'team',
};

function message(finding: Finding): string {
  const value = finding.value === null ? '' : quote(finding.value);
  switch (finding.rule) {
    case 'UNKNOWN_PHASE':
      return `The plan has no phase ${value}; write the phase name, or "Sequence name / Phase name".`;
    case 'AMBIGUOUS_PHASE':
      return `Several phases of the plan are called ${value}; write "Sequence name / Phase name".`;
    case 'UNKNOWN_STEP_TYPE':
      return `Unknown step type ${value}; add it under step types first, or use an existing one.`;
    case 'UNKNOWN_TEAM':
      return finding.field === 'ownerTeamId' ? `No team has id ${finding.value}.` : `Unknown team ${value}; teams are matched by name.`;
    case 'AMBIGUOUS_TEAM':
      return `Several teams are called ${value}; rename one of them, or give owner_team_id.`;
    case 'CONFLICTING_VALUES':
      return finding.field === 'ownerTeam'
        ? `owner_team ${value} is not the team with owner_team_id ${finding.extra}; give one of them.`
        : `environments ${value} is not the environment role with environment_id ${finding.extra}; give one of them.`;
    case 'UNKNOWN_ENVIRONMENT_ROLE':
      return finding.field === 'environmentId' ? `No environment role has id ${finding.value}.` : `Unknown environment role ${value}.`;
    case 'UNKNOWN_APPLICATION':
      return finding.field === 'appId' ? `No application has id ${finding.value}.` : `Unknown application code ${value}.`;
    case 'UNKNOWN_ITERATION_TYPE':
      return `Unknown iteration type ${value}.`;
    case 'DUPLICATE_STEP':
      return `Step ${finding.value} appears twice in the same phase (first on line ${finding.extra}).`;
    case 'STEP_CODE_IN_OTHER_PHASE':
      return `Step ${value} already exists in phase ${quote(finding.extra ?? '')} of this plan; a step code names one step of a plan, so choose another number.`;
    case 'UNKNOWN_PREDECESSOR':
      return `Predecessor ${value} is neither in the file nor in the plan.`;
    case 'AMBIGUOUS_PREDECESSOR':
      return `Several phases have a step ${value}; write the predecessor as "Phase name / ${finding.value}".`;
    case 'UNKNOWN_STEP':
      return `Instruction for step ${value}, which is not in the steps file.`;
    case 'AMBIGUOUS_STEP':
      return `Several phases of the steps file have a step ${value}; write "Phase name / CODE".`;
    case 'DUPLICATE_INSTRUCTION':
      return `This step already has an instruction with order ${finding.value} (line ${finding.extra}).`;
    case 'DUPLICATE_INSTRUCTION_ID':
      return `instruction_id ${value} is used twice (first on line ${finding.extra}).`;
    case 'INSTRUCTION_IN_USE':
      return `Instructions ${finding.value} of this step are used by iteration runs and cannot be removed; keep them in the file.`;
    case 'PREDECESSOR_CYCLE':
      return `Predecessors form a circle: ${finding.value}.`;
    default:
      return `Problem with ${value}.`;
  }
}

async function findings(tx: DbOrTx, format: ImportFormat, plannedStepTypes: readonly string[]): Promise<Finding[]> {
  const list = (query: ReturnType<typeof sql>) => queryRows<Finding>(tx, query);
  // One connection runs a transaction: the checks go one after the other.
  const checks: Array<() => Promise<Finding[]>> = [
    () => list(sql`SELECT 'S' AS kind, seq, 'phase' AS field,
                    CASE WHEN phase_matches = 0 THEN 'UNKNOWN_PHASE' ELSE 'AMBIGUOUS_PHASE' END AS rule, phase_ref AS value, NULL AS extra
               FROM imp_step WHERE phase_ref IS NOT NULL AND phase_matches <> 1`),
    () => list(sql`SELECT 'S' AS kind, seq, 'code' AS field, 'UNKNOWN_STEP_TYPE' AS rule, stt AS value, NULL AS extra
               FROM imp_step st WHERE stt IS NOT NULL AND NOT EXISTS (SELECT 1 FROM step_types_stt t WHERE t.stt_code = st.stt)
                AND NOT st.stt IN (SELECT jsonb_array_elements_text(${JSON.stringify(plannedStepTypes)}::jsonb))`),
    () => list(sql`SELECT 'S' AS kind, seq, 'ownerTeamId' AS field, 'UNKNOWN_TEAM' AS rule, owner_id_raw::text AS value, NULL AS extra
               FROM imp_step WHERE owner_id_raw IS NOT NULL AND NOT owner_id_found
             UNION ALL
             SELECT 'S', seq, 'ownerTeam', CASE WHEN owner_name_matches = 0 THEN 'UNKNOWN_TEAM' ELSE 'AMBIGUOUS_TEAM' END, owner_name, NULL
               FROM imp_step WHERE owner_name IS NOT NULL AND owner_name_matches <> 1 AND owner_id_raw IS NULL
             UNION ALL
             SELECT 'S', seq, 'ownerTeam', 'CONFLICTING_VALUES', owner_name, owner_id_raw::text
               FROM imp_step WHERE owner_name IS NOT NULL AND owner_id_raw IS NOT NULL AND owner_id_found
                AND NOT EXISTS (SELECT 1 FROM teams_tms t WHERE t.tms_id = owner_id_raw AND lower(btrim(t.tms_name)) = lower(btrim(owner_name)))`),
    () => list(sql`SELECT 'S' AS kind, seq, 'environmentId' AS field, 'UNKNOWN_ENVIRONMENT_ROLE' AS rule, enr_id_raw::text AS value, NULL AS extra
               FROM imp_step WHERE enr_id_raw IS NOT NULL AND NOT enr_id_found
             UNION ALL
             SELECT 'S', seq, 'environmentRole', 'UNKNOWN_ENVIRONMENT_ROLE', enr_name, NULL
               FROM imp_step WHERE enr_name IS NOT NULL AND enr_name_id IS NULL
             UNION ALL
             SELECT 'S', seq, 'environmentRole', 'CONFLICTING_VALUES', enr_name, enr_id_raw::text
               FROM imp_step WHERE enr_name_id IS NOT NULL AND enr_id_raw IS NOT NULL AND enr_id_found AND enr_name_id <> enr_id_raw
             UNION ALL
             SELECT 'S', seq, 'targetEnvironmentRole', 'UNKNOWN_ENVIRONMENT_ROLE', enr_target_name, NULL
               FROM imp_step WHERE enr_target_name IS NOT NULL AND enr_target IS NULL`),
    () => list(sql`SELECT 'S' AS kind, seq, 'appId' AS field, 'UNKNOWN_APPLICATION' AS rule, app_id::text AS value, NULL AS extra
               FROM imp_step st WHERE app_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM applications_app a WHERE a.app_id = st.app_id)
             UNION ALL
             SELECT 'S', st.seq, 'applications', 'UNKNOWN_APPLICATION', v.code, NULL
               FROM imp_step st CROSS JOIN LATERAL unnest(string_to_array(st.applications, '|')) AS v(code)
              WHERE NOT EXISTS (SELECT 1 FROM applications_app a WHERE lower(a.app_code) = lower(v.code))`),
    () => list(sql`SELECT 'S' AS kind, st.seq, 'impactedTeams' AS field,
                    CASE WHEN tk.n IS NULL THEN 'UNKNOWN_TEAM' ELSE 'AMBIGUOUS_TEAM' END AS rule, v.name AS value, NULL AS extra
               FROM imp_step st CROSS JOIN LATERAL unnest(string_to_array(st.teams_impacted, '|')) AS v(name)
               LEFT JOIN imp_team_key tk ON tk.k = lower(btrim(v.name))
              WHERE tk.n IS DISTINCT FROM 1
             UNION ALL
             SELECT 'S', st.seq, 'iterationTypes', 'UNKNOWN_ITERATION_TYPE', v.code, NULL
               FROM imp_step st CROSS JOIN LATERAL unnest(string_to_array(st.iteration_types, '|')) AS v(code)
              WHERE NOT EXISTS (SELECT 1 FROM iteration_types_itt t WHERE t.itt_code = v.code)`),
    () => list(sql`SELECT 'S' AS kind, seq, 'code' AS field, 'DUPLICATE_STEP' AS rule, code AS value, first_line::text AS extra
               FROM (SELECT seq, code, first_value(line) OVER w AS first_line, row_number() OVER w AS rn
                       FROM imp_step WHERE code IS NOT NULL
                     WINDOW w AS (PARTITION BY coalesce(phm_id::text, lower(btrim(phase_ref)), ''), code ORDER BY seq)) d
              WHERE rn > 1`),
    // A new step may not take a code another phase of the plan holds (or will hold after the import).
    () => list(sql`SELECT DISTINCT ON (st.seq) 'S' AS kind, st.seq, 'code' AS field, 'STEP_CODE_IN_OTHER_PHASE' AS rule, st.code AS value, c.phase_label AS extra
               FROM imp_step st JOIN imp_cand c ON c.code = st.code AND c.phm_id <> st.phm_id
              WHERE st.existing_id IS NULL AND st.phm_id IS NOT NULL AND st.stt IS NOT NULL
              ORDER BY st.seq, c.sqo, c.pho`),
    () => list(sql`SELECT 'S' AS kind, seq, 'predecessor' AS field,
                    CASE WHEN matches = 0 THEN 'UNKNOWN_PREDECESSOR' ELSE 'AMBIGUOUS_PREDECESSOR' END AS rule,
                    CASE WHEN matches = 0 THEN pred_ref ELSE p_ref_code END AS value, NULL AS extra
               FROM imp_pred WHERE matches <> 1`),
    () => format === 'CSV'
      ? list(sql`SELECT 'I' AS kind, seq, 'step' AS field,
                        CASE WHEN step_matches = 0 THEN 'UNKNOWN_STEP' ELSE 'AMBIGUOUS_STEP' END AS rule, ref AS value, NULL AS extra
                   FROM imp_inst WHERE ref IS NOT NULL AND step_matches <> 1`)
      : Promise.resolve([]),
    () => list(sql`SELECT 'I' AS kind, seq, 'order' AS field, 'DUPLICATE_INSTRUCTION' AS rule, ord::text AS value, first_line::text AS extra
               FROM (SELECT seq, ord, first_value(line) OVER w AS first_line, row_number() OVER w AS rn
                       FROM imp_inst WHERE step_seq IS NOT NULL AND ord IS NOT NULL
                     WINDOW w AS (PARTITION BY step_seq, ord ORDER BY seq)) d
              WHERE rn > 1
             UNION ALL
             SELECT 'I', seq, 'id', 'DUPLICATE_INSTRUCTION_ID', instruction_id, first_line::text
               FROM (SELECT seq, instruction_id, first_value(line) OVER w AS first_line, row_number() OVER w AS rn
                       FROM imp_inst WHERE instruction_id IS NOT NULL
                     WINDOW w AS (PARTITION BY instruction_id ORDER BY seq)) d
              WHERE rn > 1
             UNION ALL
             SELECT 'I', seq, 'team', CASE WHEN team_matches = 0 THEN 'UNKNOWN_TEAM' ELSE 'AMBIGUOUS_TEAM' END, team_name, NULL
               FROM imp_inst WHERE team_name IS NOT NULL AND team_matches <> 1`),
    // Instructions the file drops are deleted, unless an iteration run already copied them.
    () => list(sql`SELECT 'S' AS kind, st.seq, 'instructions' AS field, 'INSTRUCTION_IN_USE' AS rule,
                    string_agg(m.inm_order::text, ', ' ORDER BY m.inm_order) AS value, NULL AS extra
               FROM imp_step st
               JOIN (SELECT m.*, row_number() OVER (PARTITION BY m.stm_id, m.inm_order ORDER BY m.created_at, m.inm_id) AS dup
                       FROM instructions_master_inm m
                      WHERE m.stm_id IN (SELECT existing_id FROM imp_step WHERE existing_id IS NOT NULL)) m ON m.stm_id = st.existing_id
              WHERE (m.dup > 1 OR NOT EXISTS (SELECT 1 FROM imp_inst i WHERE i.step_seq = st.seq AND i.ord = m.inm_order))
                AND EXISTS (SELECT 1 FROM instructions_instance_ini x WHERE x.inm_id = m.inm_id)
              GROUP BY st.seq`),
  ];
  const results: Finding[] = [];
  for (const check of checks) results.push(...(await check()));
  return results.map((row) => ({ ...row, seq: Number(row.seq) }));
}

/** Records the batch's predecessor edges and finds every circle they close (with the plan's own). */
async function cycles(tx: DbOrTx, batchId: string): Promise<Finding[]> {
  await tx.execute(sql`DELETE FROM stg_import_entity_dependencies_ied WHERE imb_id = ${batchId}`);
  await tx.execute(sql`
    INSERT INTO stg_import_entity_dependencies_ied (imb_id, ied_entity_type, ied_entity_key, ied_depends_on_type, ied_depends_on_key, ied_dependency_type)
    SELECT ${batchId}::uuid, 'STEP', own_phm::text || '/' || own_code, 'STEP', p_phm::text || '/' || p_code, 'PREDECESSOR'
      FROM imp_pred WHERE matches = 1 AND own_phm IS NOT NULL
     ORDER BY seq
    ON CONFLICT DO NOTHING`);
  const fileEdges = await queryRows<{ from: string; to: string }>(
    tx,
    sql`SELECT ied_entity_key AS "from", ied_depends_on_key AS "to" FROM stg_import_entity_dependencies_ied
         WHERE imb_id = ${batchId} AND ied_dependency_type = 'PREDECESSOR' ORDER BY ied_id`,
  );
  const planEdges = await queryRows<{ from: string; to: string }>(
    tx,
    sql`SELECT c.phm_id::text || '/' || c.code AS "from", p.phm_id::text || '/' || p.code AS "to"
          FROM imp_cand c JOIN imp_cand p ON p.stm_id = c.master_pred
         WHERE c.seq IS NULL
        UNION
        SELECT c.phm_id::text || '/' || c.code, p.phm_id::text || '/' || p.code
          FROM imp_cand c JOIN step_dependencies_master_sdm d ON d.stm_id = c.stm_id JOIN imp_cand p ON p.stm_id = d.stm_id_predecessor
         WHERE c.seq IS NULL ORDER BY 1`,
  );
  const edges = [...fileEdges, ...planEdges];
  const names = await queryRows<{ key: string; label: string; seq: number | null }>(
    tx,
    sql`SELECT phm_id::text || '/' || code AS key, code || ' (' || phase_label || ')' AS label, min(seq) AS seq FROM imp_cand GROUP BY 1, 2`,
  );
  const byKey = new Map(names.map((name) => [name.key, name]));
  const found: Finding[] = [];
  let remaining: Edge<string>[] = edges;
  // findCycle returns one circle; cut it and look again, so every circle is reported.
  for (let round = 0; round < 1000; round++) {
    const cycle = findCycle(remaining);
    if (!cycle) break;
    // Reported on the first line of the file that takes part in the circle.
    const lines = cycle.map((key) => byKey.get(key)?.seq).filter((seq): seq is number => seq != null).map(Number);
    if (lines.length > 0) {
      found.push({
        kind: 'S',
        seq: Math.min(...lines),
        field: 'predecessor',
        rule: 'PREDECESSOR_CYCLE',
        value: cycle.map((key) => byKey.get(key)?.label ?? key).join(' → '),
        extra: null,
      });
    }
    const [from, to] = cycle;
    remaining = remaining.filter((edge) => !(edge.from === from && edge.to === to));
  }
  return found;
}

export interface ReportFiles {
  format: ImportFormat;
  stepsFile: string;
  instructionsFile: string;
}

/**
 * Runs every check of a staged batch inside the caller's transaction and returns the problems
 * found in the database (the reading problems are the caller's to add).
 */
export async function validateStagedBatch(
  tx: DbOrTx,
  batchId: string,
  planId: string,
  files: ReportFiles,
  planned: PlannedCreations = NOTHING_TO_CREATE,
): Promise<ImportProblem[]> {
  await buildResolution(tx, batchId, planId, { predecessors: true, planned });
  const all = [...(await findings(tx, files.format, planned.stepTypes)), ...(await cycles(tx, batchId))];
  if (all.length === 0) return [];
  const places = await queryRows<{ kind: 'S' | 'I'; seq: number; line: number; path: string | null }>(
    tx,
    sql`SELECT 'S' AS kind, seq, line, path FROM imp_step UNION ALL SELECT 'I', seq, line, path FROM imp_inst`,
  );
  const placeOf = new Map(places.map((place) => [`${place.kind}${place.seq}`, place]));
  return all.map((finding) => {
    const place = placeOf.get(`${finding.kind}${finding.seq}`);
    const isStep = finding.kind === 'S';
    const column =
      files.format === 'CSV'
        ? ((isStep ? CSV_STEP_COLUMN : CSV_INSTRUCTION_COLUMN)[finding.field] ?? finding.field)
        : finding.field === 'step'
          ? (place?.path ?? null)
          : `${place?.path ?? (isStep ? 'steps' : 'instructions')}.${finding.field}`;
    return {
      file: isStep ? files.stepsFile : files.instructionsFile,
      line: place ? Number(place.line) : null,
      column,
      rule: finding.rule,
      message: message(finding),
    };
  });
}

/** Report order: file, line, column. */
export function sortProblems(problems: ImportProblem[]): ImportProblem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? '').localeCompare(b.column ?? '') ||
      a.message.localeCompare(b.message),
  );
}
