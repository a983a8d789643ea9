-- 0010: chunked uploads of import files. See docs/decisions.md ("imports: uploads in parts").
-- A file larger than one call (the UMIG service takes 1 MiB per request, Forge's GraphQL gateway
-- 5 MB) arrives in parts under one upload id; a retried part replaces itself, so an upload can be
-- resumed after a lost answer. The parts are assembled and deleted when the upload is finished.

CREATE TABLE "public"."import_uploads_iup" (
    "iup_id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "plm_id" uuid NOT NULL,
    "iup_format" varchar(10) NOT NULL CHECK ((iup_format)::text = ANY ((ARRAY['CSV'::character varying, 'JSON'::character varying])::text[])),
    "iup_files" jsonb NOT NULL CHECK (jsonb_typeof(iup_files) = 'array' AND jsonb_array_length(iup_files) BETWEEN 1 AND 2),
    "iup_options" jsonb NOT NULL DEFAULT '{}'::jsonb,
    "iup_status" varchar(20) NOT NULL DEFAULT 'RECEIVING'::character varying CHECK ((iup_status)::text = ANY ((ARRAY['RECEIVING'::character varying, 'FINISHED'::character varying])::text[])),
    "imb_id" uuid,
    "iup_expires_at" timestamptz NOT NULL,
    "created_by" varchar(255) DEFAULT 'system'::character varying,
    "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    "updated_by" varchar(255) DEFAULT 'system'::character varying,
    "updated_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("iup_id")
);
COMMENT ON TABLE "public"."import_uploads_iup" IS 'An import upload sent in parts: the files announced, the options of the batch it becomes, and that batch once finished';
COMMENT ON COLUMN "public"."import_uploads_iup"."iup_files" IS 'The files announced: [{"name": "steps.csv", "bytes": 5242880}], bytes in UTF-8';
COMMENT ON COLUMN "public"."import_uploads_iup"."iup_options" IS 'What the batch is created with: priority, chunkSize, createMissing';
COMMENT ON COLUMN "public"."import_uploads_iup"."imb_id" IS 'The import batch the finished upload became';
COMMENT ON COLUMN "public"."import_uploads_iup"."iup_expires_at" IS 'An unfinished upload past this time is deleted by housekeeping';
CREATE INDEX idx_iup_plm_id ON public.import_uploads_iup USING btree (plm_id);
CREATE INDEX idx_iup_expires_at ON public.import_uploads_iup USING btree (iup_expires_at);
CREATE INDEX idx_iup_imb_id ON public.import_uploads_iup USING btree (imb_id);
CREATE INDEX idx_iup_audit ON public.import_uploads_iup USING btree (created_at);
ALTER TABLE "public"."import_uploads_iup" ADD FOREIGN KEY ("plm_id") REFERENCES "public"."plans_master_plm"("plm_id") ON DELETE CASCADE;
ALTER TABLE "public"."import_uploads_iup" ADD FOREIGN KEY ("imb_id") REFERENCES "public"."import_batches_imb"("imb_id") ON DELETE SET NULL;

CREATE TABLE "public"."import_upload_parts_iupp" (
    "iup_id" uuid NOT NULL,
    "iupp_file" int2 NOT NULL CHECK (iupp_file >= 0 AND iupp_file <= 1),
    "iupp_index" int4 NOT NULL CHECK (iupp_index >= 0),
    "iupp_bytes" int4 NOT NULL CHECK (iupp_bytes >= 0),
    "iupp_content" text NOT NULL,
    "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("iup_id", "iupp_file", "iupp_index")
);
COMMENT ON TABLE "public"."import_upload_parts_iupp" IS 'One part of one file of a chunked import upload; the parts of a file in index order are the file';
COMMENT ON COLUMN "public"."import_upload_parts_iupp"."iupp_file" IS 'Position of the file in import_uploads_iup.iup_files (0 or 1)';
COMMENT ON COLUMN "public"."import_upload_parts_iupp"."iupp_bytes" IS 'Length of the content in UTF-8 bytes';
ALTER TABLE "public"."import_upload_parts_iupp" ADD FOREIGN KEY ("iup_id") REFERENCES "public"."import_uploads_iup"("iup_id") ON DELETE CASCADE;
