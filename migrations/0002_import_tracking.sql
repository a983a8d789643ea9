-- 0002: the five import-tracking tables the seed counts (55) but never defines, and the
-- batch scoping of the seed's staging tables. See docs/decisions.md ("Import tracking tables").

-- One upload (CSV pair or JSON document) aimed at one master plan.
CREATE TABLE "public"."import_batches_imb" (
    "imb_id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "imb_source_type" varchar(10) NOT NULL CHECK ((imb_source_type)::text = ANY ((ARRAY['CSV'::character varying, 'JSON'::character varying])::text[])),
    "imb_source_names" text,
    "plm_id" uuid,
    "iqm_request_id" uuid,
    "imb_status" varchar(20) NOT NULL DEFAULT 'UPLOADED'::character varying CHECK ((imb_status)::text = ANY ((ARRAY['UPLOADED'::character varying, 'STAGED'::character varying, 'INVALID'::character varying, 'VALIDATED'::character varying, 'PROMOTING'::character varying, 'PROMOTED'::character varying, 'FAILED'::character varying, 'ROLLED_BACK'::character varying])::text[])),
    "imb_step_count" int4 NOT NULL DEFAULT 0,
    "imb_instruction_count" int4 NOT NULL DEFAULT 0,
    "imb_error_count" int4 NOT NULL DEFAULT 0,
    "imb_validation_report" jsonb,
    "imb_started_at" timestamptz,
    "imb_completed_at" timestamptz,
    "imb_rolled_back_at" timestamptz,
    "imb_rolled_back_by" varchar(255),
    "created_by" varchar(255) DEFAULT 'system'::character varying,
    "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    "updated_by" varchar(255) DEFAULT 'system'::character varying,
    "updated_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("imb_id")
);
COMMENT ON TABLE "public"."import_batches_imb" IS 'One import upload (CSV pair or JSON document) aimed at one master plan, from staging to promotion or rollback';
COMMENT ON COLUMN "public"."import_batches_imb"."imb_source_type" IS 'CSV or JSON';
COMMENT ON COLUMN "public"."import_batches_imb"."imb_source_names" IS 'File names as uploaded, for the validation report';
COMMENT ON COLUMN "public"."import_batches_imb"."plm_id" IS 'Target master plan';
COMMENT ON COLUMN "public"."import_batches_imb"."iqm_request_id" IS 'Queue request (stg_import_queue_management_iqm.iqm_request_id) that runs this batch';
COMMENT ON COLUMN "public"."import_batches_imb"."imb_status" IS 'UPLOADED > STAGED > INVALID | VALIDATED > PROMOTING > PROMOTED | FAILED; PROMOTED > ROLLED_BACK';
COMMENT ON COLUMN "public"."import_batches_imb"."imb_validation_report" IS 'Every problem found: [{file, line, column, message}]';
CREATE INDEX idx_imb_status ON public.import_batches_imb USING btree (imb_status);
CREATE INDEX idx_imb_plm_id ON public.import_batches_imb USING btree (plm_id);
CREATE INDEX idx_imb_audit ON public.import_batches_imb USING btree (created_at);
ALTER TABLE "public"."import_batches_imb" ADD FOREIGN KEY ("plm_id") REFERENCES "public"."plans_master_plm"("plm_id") ON DELETE SET NULL;

-- The resumable run of one batch stage (parse, stage, validate, promote, rollback), chunked to fit
-- Forge's invocation time limit; the cursor says where the next chunk starts.
CREATE TABLE "public"."stg_import_orchestrations_ior" (
    "ior_id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "imb_id" uuid NOT NULL,
    "ior_stage" varchar(20) NOT NULL CHECK ((ior_stage)::text = ANY ((ARRAY['PARSE'::character varying, 'STAGE'::character varying, 'VALIDATE'::character varying, 'PROMOTE'::character varying, 'ROLLBACK'::character varying])::text[])),
    "ior_status" varchar(20) NOT NULL DEFAULT 'PENDING'::character varying CHECK ((ior_status)::text = ANY ((ARRAY['PENDING'::character varying, 'IN_PROGRESS'::character varying, 'COMPLETED'::character varying, 'FAILED'::character varying, 'CANCELLED'::character varying])::text[])),
    "ior_cursor" jsonb,
    "ior_worker" varchar(50),
    "ior_heartbeat_at" timestamptz,
    "ior_started_at" timestamptz,
    "ior_completed_at" timestamptz,
    "ior_error_message" text,
    "created_by" varchar(255) DEFAULT 'system'::character varying,
    "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    "updated_by" varchar(255) DEFAULT 'system'::character varying,
    "updated_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("ior_id")
);
COMMENT ON TABLE "public"."stg_import_orchestrations_ior" IS 'Resumable, chunked run of one stage of an import batch';
COMMENT ON COLUMN "public"."stg_import_orchestrations_ior"."ior_cursor" IS 'Where the next chunk resumes (e.g. {"line": 1200})';
COMMENT ON COLUMN "public"."stg_import_orchestrations_ior"."ior_heartbeat_at" IS 'Last sign of life of the worker; a stale heartbeat lets another worker resume';
CREATE UNIQUE INDEX uq_ior_imb_stage ON public.stg_import_orchestrations_ior USING btree (imb_id, ior_stage);
CREATE INDEX idx_ior_status ON public.stg_import_orchestrations_ior USING btree (ior_status, ior_heartbeat_at);
ALTER TABLE "public"."stg_import_orchestrations_ior" ADD FOREIGN KEY ("imb_id") REFERENCES "public"."import_batches_imb"("imb_id") ON DELETE CASCADE;

-- The seed's orchestration dependencies finally point at orchestrations.
ALTER TABLE "public"."stg_orchestration_dependencies_od" ADD FOREIGN KEY ("od_orchestration_id") REFERENCES "public"."stg_import_orchestrations_ior"("ior_id") ON DELETE CASCADE;
ALTER TABLE "public"."stg_orchestration_dependencies_od" ADD FOREIGN KEY ("od_depends_on_orchestration") REFERENCES "public"."stg_import_orchestrations_ior"("ior_id") ON DELETE CASCADE;

-- Progress of a batch per entity type, shown on the admin page.
CREATE SEQUENCE IF NOT EXISTS stg_import_progress_tracking_ipt_ipt_id_seq;
CREATE TABLE "public"."stg_import_progress_tracking_ipt" (
    "ipt_id" int4 NOT NULL DEFAULT nextval('stg_import_progress_tracking_ipt_ipt_id_seq'::regclass),
    "imb_id" uuid NOT NULL,
    "ior_id" uuid,
    "ipt_entity_type" varchar(50) NOT NULL CHECK ((ipt_entity_type)::text = ANY ((ARRAY['STEP'::character varying, 'INSTRUCTION'::character varying, 'IMPACTED_TEAM'::character varying, 'ITERATION_TYPE'::character varying, 'LABEL'::character varying])::text[])),
    "ipt_total" int4 NOT NULL DEFAULT 0 CHECK (ipt_total >= 0),
    "ipt_processed" int4 NOT NULL DEFAULT 0 CHECK (ipt_processed >= 0),
    "ipt_failed" int4 NOT NULL DEFAULT 0 CHECK (ipt_failed >= 0),
    "ipt_last_key" varchar(255),
    "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    "updated_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("ipt_id")
);
COMMENT ON TABLE "public"."stg_import_progress_tracking_ipt" IS 'Import progress per batch and entity type (total, processed, failed)';
COMMENT ON COLUMN "public"."stg_import_progress_tracking_ipt"."ipt_last_key" IS 'Business key of the last entity processed, to resume after it';
CREATE UNIQUE INDEX uq_ipt_imb_entity ON public.stg_import_progress_tracking_ipt USING btree (imb_id, ipt_entity_type);
ALTER TABLE "public"."stg_import_progress_tracking_ipt" ADD FOREIGN KEY ("imb_id") REFERENCES "public"."import_batches_imb"("imb_id") ON DELETE CASCADE;
ALTER TABLE "public"."stg_import_progress_tracking_ipt" ADD FOREIGN KEY ("ior_id") REFERENCES "public"."stg_import_orchestrations_ior"("ior_id") ON DELETE SET NULL;

-- What promoting a batch changed, row by row, so a rollback can restore the master exactly.
CREATE SEQUENCE IF NOT EXISTS stg_import_rollback_actions_ira_ira_id_seq;
CREATE TABLE "public"."stg_import_rollback_actions_ira" (
    "ira_id" int4 NOT NULL DEFAULT nextval('stg_import_rollback_actions_ira_ira_id_seq'::regclass),
    "imb_id" uuid NOT NULL,
    "ira_sequence" int4 NOT NULL,
    "ira_action" varchar(10) NOT NULL CHECK ((ira_action)::text = ANY ((ARRAY['INSERTED'::character varying, 'UPDATED'::character varying, 'DELETED'::character varying])::text[])),
    "ira_table_name" varchar(100) NOT NULL,
    "ira_entity_key" jsonb NOT NULL,
    "ira_previous_row" jsonb,
    "ira_undone_at" timestamptz,
    "created_by" varchar(255) DEFAULT 'system'::character varying,
    "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("ira_id")
);
COMMENT ON TABLE "public"."stg_import_rollback_actions_ira" IS 'Undo log of a promoted import batch, replayed in reverse ira_sequence order by a rollback';
COMMENT ON COLUMN "public"."stg_import_rollback_actions_ira"."ira_entity_key" IS 'Primary key of the changed row, e.g. {"stm_id": "..."}';
COMMENT ON COLUMN "public"."stg_import_rollback_actions_ira"."ira_previous_row" IS 'The whole row before an UPDATED or DELETED action; null for INSERTED';
CREATE UNIQUE INDEX uq_ira_imb_sequence ON public.stg_import_rollback_actions_ira USING btree (imb_id, ira_sequence);
ALTER TABLE "public"."stg_import_rollback_actions_ira" ADD FOREIGN KEY ("imb_id") REFERENCES "public"."import_batches_imb"("imb_id") ON DELETE CASCADE;

-- Dependencies between entities of one batch (step predecessors, instruction -> step), used to
-- order promotion and to find predecessor cycles before anything is written.
CREATE SEQUENCE IF NOT EXISTS stg_import_entity_dependencies_ied_ied_id_seq;
CREATE TABLE "public"."stg_import_entity_dependencies_ied" (
    "ied_id" int4 NOT NULL DEFAULT nextval('stg_import_entity_dependencies_ied_ied_id_seq'::regclass),
    "imb_id" uuid NOT NULL,
    "ied_entity_type" varchar(50) NOT NULL,
    "ied_entity_key" varchar(255) NOT NULL,
    "ied_depends_on_type" varchar(50) NOT NULL,
    "ied_depends_on_key" varchar(255) NOT NULL,
    "ied_dependency_type" varchar(20) NOT NULL CHECK ((ied_dependency_type)::text = ANY ((ARRAY['PREDECESSOR'::character varying, 'PARENT'::character varying, 'REFERENCE'::character varying])::text[])),
    "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("ied_id")
);
COMMENT ON TABLE "public"."stg_import_entity_dependencies_ied" IS 'Dependencies between the entities of one import batch (predecessors, parents), for ordering and cycle detection';
CREATE UNIQUE INDEX uq_ied_edge ON public.stg_import_entity_dependencies_ied USING btree (imb_id, ied_entity_type, ied_entity_key, ied_depends_on_type, ied_depends_on_key);
CREATE INDEX idx_ied_depends_on ON public.stg_import_entity_dependencies_ied USING btree (imb_id, ied_depends_on_type, ied_depends_on_key);
ALTER TABLE "public"."stg_import_entity_dependencies_ied" ADD FOREIGN KEY ("imb_id") REFERENCES "public"."import_batches_imb"("imb_id") ON DELETE CASCADE;

-- Staging rows belong to a batch and remember where they came from, so the validation report
-- can name file, line and column. Rows stay raw (possibly invalid): the instruction -> step link
-- is checked by validation and reported, not enforced by a FK that would stop at the first error.
ALTER TABLE "public"."stg_steps" ADD COLUMN "imb_id" uuid;
ALTER TABLE "public"."stg_steps" ADD COLUMN "source_line" int4;
ALTER TABLE "public"."stg_step_instructions" ADD COLUMN "imb_id" uuid;
ALTER TABLE "public"."stg_step_instructions" ADD COLUMN "source_line" int4;
COMMENT ON COLUMN "public"."stg_steps"."imb_id" IS 'Import batch this staged row belongs to';
COMMENT ON COLUMN "public"."stg_steps"."source_line" IS 'Line of the source file (1 = header) or JSON path index';
COMMENT ON COLUMN "public"."stg_step_instructions"."imb_id" IS 'Import batch this staged row belongs to';
COMMENT ON COLUMN "public"."stg_step_instructions"."source_line" IS 'Line of the source file (1 = header) or JSON path index';
CREATE INDEX idx_stg_steps_imb_step ON public.stg_steps USING btree (imb_id, step_id);
CREATE INDEX idx_stg_step_instructions_imb_step ON public.stg_step_instructions USING btree (imb_id, step_id);
ALTER TABLE "public"."stg_steps" ADD FOREIGN KEY ("imb_id") REFERENCES "public"."import_batches_imb"("imb_id") ON DELETE CASCADE;
ALTER TABLE "public"."stg_step_instructions" ADD FOREIGN KEY ("imb_id") REFERENCES "public"."import_batches_imb"("imb_id") ON DELETE CASCADE;

-- The seed's schedule tables name sis_id without a FK.
ALTER TABLE "public"."stg_schedule_execution_history_seh" ADD FOREIGN KEY ("sis_id") REFERENCES "public"."stg_scheduled_import_schedules_sis"("sis_id") ON DELETE CASCADE;
ALTER TABLE "public"."stg_schedule_resource_reservations_srr" ADD FOREIGN KEY ("sis_id") REFERENCES "public"."stg_scheduled_import_schedules_sis"("sis_id") ON DELETE CASCADE;
