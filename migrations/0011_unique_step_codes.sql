-- 0011: a step code (step type + number, e.g. TRT-250) names one step of a master plan, not one per
-- phase: people say "TRT-250 is done" on the bridge call, predecessors and refusals name steps by
-- code. The seed keeps (phase, type, number) unique only; this resolves what already repeats within
-- a plan and reports it. From now on the service refuses a repeat (create, edit, import).
--
-- Resolution: in each plan the first step with a code (sequence order, phase order, creation) keeps
-- it; every later one gets the next free numbers of its type after the plan's highest, 10 apart.
-- Each renumbering is written to the audit log (action STEP_CODE_RENUMBERED, old and new code).
CREATE TEMP TABLE umig_step_code_fix ON COMMIT DROP AS
WITH coded AS (
  SELECT stm.stm_id, sqm.plm_id, stm.stt_code, stm.stm_number,
         row_number() OVER (PARTITION BY sqm.plm_id, stm.stt_code, stm.stm_number
                            ORDER BY sqm.sqm_order NULLS LAST, phm.phm_order NULLS LAST, stm.created_at, stm.stm_id) AS rn,
         sqm.sqm_order, phm.phm_order, stm.created_at
    FROM steps_master_stm stm
    JOIN phases_master_phm phm ON phm.phm_id = stm.phm_id
    JOIN sequences_master_sqm sqm ON sqm.sqm_id = phm.sqm_id
   WHERE stm.stt_code IS NOT NULL AND stm.stm_number IS NOT NULL
),
highest AS (
  SELECT plm_id, stt_code, max(stm_number)::bigint AS top FROM coded GROUP BY plm_id, stt_code
),
repeats AS (
  SELECT c.stm_id, c.plm_id, c.stt_code, c.stm_number AS old_number,
         h.top + 10 * row_number() OVER (PARTITION BY c.plm_id, c.stt_code
                                         ORDER BY c.sqm_order NULLS LAST, c.phm_order NULLS LAST, c.created_at, c.stm_id) AS new_number
    FROM coded c JOIN highest h ON h.plm_id = c.plm_id AND h.stt_code = c.stt_code
   WHERE c.rn > 1
)
SELECT stm_id, plm_id, stt_code, old_number, new_number::int AS new_number,
       stt_code || '-' || CASE WHEN old_number < 1000 THEN lpad(old_number::text, 3, '0') ELSE old_number::text END AS old_code,
       stt_code || '-' || CASE WHEN new_number < 1000 THEN lpad(new_number::text, 3, '0') ELSE new_number::text END AS new_code
  FROM repeats;

UPDATE steps_master_stm s
   SET stm_number = f.new_number, stm_code = f.new_code, updated_at = now(), updated_by = 'system'
  FROM umig_step_code_fix f
 WHERE s.stm_id = f.stm_id;

INSERT INTO audit_log_aud (aud_action, aud_entity_type, aud_entity_id, aud_details)
SELECT 'STEP_CODE_RENUMBERED', 'master_step', stm_id::text,
       jsonb_build_object('planId', plm_id, 'from', old_code, 'to', new_code,
                          'reason', 'Step codes are unique within a master plan (migration 0011).')
  FROM umig_step_code_fix;

DO $$
DECLARE
  n int;
BEGIN
  SELECT count(*) INTO n FROM umig_step_code_fix;
  IF n > 0 THEN
    RAISE NOTICE 'UMIG 0011: % repeated step codes renumbered; see audit_log_aud action STEP_CODE_RENUMBERED.', n;
  END IF;
END $$;
