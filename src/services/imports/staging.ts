/**
 * Copies the uploaded records into stg_steps / stg_step_instructions, a chunk at a time, straight
 * from the source document held by the batch's queue request (one INSERT … SELECT per table and
 * chunk: no row travels back to the service).
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { queryRows } from '../../db/query';

/** Instructions staged per chunk, per step of the chunk size (plans average about five per step). */
export const INSTRUCTIONS_PER_STEP_IN_CHUNK = 5;

export interface StageCursor {
  /** Steps and instructions already staged (positions in the source lists). */
  steps: number;
  instructions: number;
}

export interface StagedChunk {
  cursor: StageCursor;
  steps: number;
  instructions: number;
  done: boolean;
}

function list(requestId: string, name: 'steps' | 'instructions') {
  return sql`(SELECT q.iqm_configuration->'source'->${name} FROM stg_import_queue_management_iqm q WHERE q.iqm_request_id = ${requestId})`;
}

/** Joins a JSON list of names into the staging table's '|'-separated text; null when empty. */
function joined(field: string) {
  return sql`(SELECT string_agg(v, '|') FROM jsonb_array_elements_text(e->${field}) AS v)`;
}

export async function stageChunk(
  tx: DbOrTx,
  batchId: string,
  requestId: string,
  cursor: StageCursor,
  chunkSize: number,
  totals: { steps: number; instructions: number },
): Promise<StagedChunk> {
  const stepLimit = cursor.steps + chunkSize;
  const instructionLimit = cursor.instructions + chunkSize * INSTRUCTIONS_PER_STEP_IN_CHUNK;
  const [steps] = await queryRows<{ n: number }>(
    tx,
    sql`WITH ins AS (
          INSERT INTO stg_steps (step_id, description, owner_team_id, environment_id, app_id, phase_id, order_number,
                                 duration_minutes, step_type, environments, applications, teams_impacted, iteration_types,
                                 imb_id, source_line)
          SELECT e->>'code', e->>'description', (e->>'ownerTeamId')::int, (e->>'environmentId')::int, (e->>'appId')::int,
                 e->>'phase', (e->>'number')::int, (e->>'durationMinutes')::int, e->>'typeCode', e->>'environmentRole',
                 ${joined('applications')}, ${joined('impactedTeams')}, ${joined('iterationTypes')},
                 ${batchId}::uuid, (e->>'seq')::int
            FROM jsonb_array_elements(${list(requestId, 'steps')}) WITH ORDINALITY AS t(e, position)
           WHERE t.position > ${cursor.steps} AND t.position <= ${stepLimit}
          RETURNING 1)
        SELECT count(*)::int AS n FROM ins`,
  );
  const [instructions] = await queryRows<{ n: number }>(
    tx,
    sql`WITH ins AS (
          INSERT INTO stg_step_instructions (instruction_id, step_id, instruction_text, order_number, duration_minutes, imb_id, source_line)
          SELECT e->>'instructionId', e->>'stepRef', e->>'text', (e->>'order')::int, (e->>'durationMinutes')::int, ${batchId}::uuid, (e->>'seq')::int
            FROM jsonb_array_elements(${list(requestId, 'instructions')}) WITH ORDINALITY AS t(e, position)
           WHERE t.position > ${cursor.instructions} AND t.position <= ${instructionLimit}
          RETURNING 1)
        SELECT count(*)::int AS n FROM ins`,
  );
  const next = { steps: Math.min(stepLimit, totals.steps), instructions: Math.min(instructionLimit, totals.instructions) };
  return {
    cursor: next,
    steps: Number(steps?.n ?? 0),
    instructions: Number(instructions?.n ?? 0),
    done: next.steps >= totals.steps && next.instructions >= totals.instructions,
  };
}
