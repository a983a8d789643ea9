-- 0018: an import may create its master plan (issue #10 §3, docs/import-format.md "A new master
-- plan"). An upload in parts that names a new plan has no plan yet: its plm_id stays null and the
-- new plan (name, owner team) travels in iup_options until the upload becomes a batch.
ALTER TABLE public.import_uploads_iup ALTER COLUMN plm_id DROP NOT NULL;
COMMENT ON COLUMN "public"."import_uploads_iup"."iup_options" IS 'What the batch is created with: priority, chunkSize, createMissing, newPlan ({ name, ownerTeam, description }) when the import creates its plan';
