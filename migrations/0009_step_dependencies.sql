-- 0009: the dependency graph of steps and the backout markers of a plan. See docs/decisions.md
-- ("Time and dependencies"). A step may wait for several steps of the same plan, in any phase or
-- sequence: finish-to-start (FS, the default) or start-to-start (SS), each with a lag in minutes.
-- The seed's stm_id_predecessor / sti_id_predecessor stay true: they hold the step's first
-- dependency. Existing predecessor links become FS edges with no lag.

CREATE TABLE "public"."step_dependencies_master_sdm" (
    "sdm_id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "stm_id" uuid NOT NULL,
    "stm_id_predecessor" uuid NOT NULL,
    "sdm_kind" varchar(2) NOT NULL DEFAULT 'FS'::character varying CHECK ((sdm_kind)::text = ANY ((ARRAY['FS'::character varying, 'SS'::character varying])::text[])),
    "sdm_lag_minutes" int4 NOT NULL DEFAULT 0 CHECK (sdm_lag_minutes >= 0),
    "sdm_order" int4 NOT NULL DEFAULT 0,
    "created_by" varchar(255) DEFAULT 'system'::character varying,
    "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    "updated_by" varchar(255) DEFAULT 'system'::character varying,
    "updated_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("sdm_id"),
    CHECK (stm_id <> stm_id_predecessor)
);
COMMENT ON TABLE "public"."step_dependencies_master_sdm" IS 'Master step dependency graph: stm_id waits for stm_id_predecessor (FS: its end, SS: its start) plus the lag';
COMMENT ON COLUMN "public"."step_dependencies_master_sdm"."sdm_order" IS 'Order of the step''s dependencies; the first is mirrored in steps_master_stm.stm_id_predecessor';
CREATE UNIQUE INDEX uq_sdm_step_predecessor ON public.step_dependencies_master_sdm USING btree (stm_id, stm_id_predecessor);
CREATE INDEX idx_sdm_predecessor ON public.step_dependencies_master_sdm USING btree (stm_id_predecessor);
ALTER TABLE "public"."step_dependencies_master_sdm" ADD FOREIGN KEY ("stm_id") REFERENCES "public"."steps_master_stm"("stm_id") ON DELETE CASCADE;
ALTER TABLE "public"."step_dependencies_master_sdm" ADD FOREIGN KEY ("stm_id_predecessor") REFERENCES "public"."steps_master_stm"("stm_id") ON DELETE CASCADE;

CREATE TABLE "public"."step_dependencies_instance_sdi" (
    "sdi_id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "sti_id" uuid NOT NULL,
    "sti_id_predecessor" uuid NOT NULL,
    "sdi_kind" varchar(2) NOT NULL DEFAULT 'FS'::character varying CHECK ((sdi_kind)::text = ANY ((ARRAY['FS'::character varying, 'SS'::character varying])::text[])),
    "sdi_lag_minutes" int4 NOT NULL DEFAULT 0 CHECK (sdi_lag_minutes >= 0),
    "sdi_order" int4 NOT NULL DEFAULT 0,
    "created_by" varchar(255) DEFAULT 'system'::character varying,
    "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    "updated_by" varchar(255) DEFAULT 'system'::character varying,
    "updated_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("sdi_id"),
    CHECK (sti_id <> sti_id_predecessor)
);
COMMENT ON TABLE "public"."step_dependencies_instance_sdi" IS 'Instance step dependency graph, copied from the master''s at instantiation with every edge remapped';
CREATE UNIQUE INDEX uq_sdi_step_predecessor ON public.step_dependencies_instance_sdi USING btree (sti_id, sti_id_predecessor);
CREATE INDEX idx_sdi_predecessor ON public.step_dependencies_instance_sdi USING btree (sti_id_predecessor);
ALTER TABLE "public"."step_dependencies_instance_sdi" ADD FOREIGN KEY ("sti_id") REFERENCES "public"."steps_instance_sti"("sti_id") ON DELETE CASCADE;
ALTER TABLE "public"."step_dependencies_instance_sdi" ADD FOREIGN KEY ("sti_id_predecessor") REFERENCES "public"."steps_instance_sti"("sti_id") ON DELETE CASCADE;

-- Backout path and point of no return of a master plan: one row per marked sequence or phase, and
-- at most one POINT_OF_NO_RETURN step. Instances find theirs through their master ids.
CREATE TABLE "public"."plan_backout_markers_master_pbm" (
    "pbm_id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "plm_id" uuid NOT NULL,
    "pbm_kind" varchar(20) NOT NULL CHECK ((pbm_kind)::text = ANY ((ARRAY['BACKOUT_SEQUENCE'::character varying, 'BACKOUT_PHASE'::character varying, 'POINT_OF_NO_RETURN'::character varying])::text[])),
    "sqm_id" uuid,
    "phm_id" uuid,
    "stm_id" uuid,
    "created_by" varchar(255) DEFAULT 'system'::character varying,
    "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    "updated_by" varchar(255) DEFAULT 'system'::character varying,
    "updated_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("pbm_id"),
    CHECK (((pbm_kind)::text = 'BACKOUT_SEQUENCE' AND sqm_id IS NOT NULL AND phm_id IS NULL AND stm_id IS NULL)
        OR ((pbm_kind)::text = 'BACKOUT_PHASE' AND phm_id IS NOT NULL AND sqm_id IS NULL AND stm_id IS NULL)
        OR ((pbm_kind)::text = 'POINT_OF_NO_RETURN' AND stm_id IS NOT NULL AND sqm_id IS NULL AND phm_id IS NULL))
);
COMMENT ON TABLE "public"."plan_backout_markers_master_pbm" IS 'Backout path (sequences or phases) and point of no return (a step) of a master plan';
CREATE INDEX idx_pbm_plm_id ON public.plan_backout_markers_master_pbm USING btree (plm_id);
CREATE UNIQUE INDEX uq_pbm_point_of_no_return ON public.plan_backout_markers_master_pbm USING btree (plm_id) WHERE ((pbm_kind)::text = 'POINT_OF_NO_RETURN');
ALTER TABLE "public"."plan_backout_markers_master_pbm" ADD FOREIGN KEY ("plm_id") REFERENCES "public"."plans_master_plm"("plm_id") ON DELETE CASCADE;
ALTER TABLE "public"."plan_backout_markers_master_pbm" ADD FOREIGN KEY ("sqm_id") REFERENCES "public"."sequences_master_sqm"("sqm_id") ON DELETE CASCADE;
ALTER TABLE "public"."plan_backout_markers_master_pbm" ADD FOREIGN KEY ("phm_id") REFERENCES "public"."phases_master_phm"("phm_id") ON DELETE CASCADE;
ALTER TABLE "public"."plan_backout_markers_master_pbm" ADD FOREIGN KEY ("stm_id") REFERENCES "public"."steps_master_stm"("stm_id") ON DELETE CASCADE;

-- The seed's single predecessor becomes the first edge of the graph.
INSERT INTO step_dependencies_master_sdm (stm_id, stm_id_predecessor)
SELECT m.stm_id, m.stm_id_predecessor FROM steps_master_stm m
 WHERE m.stm_id_predecessor IS NOT NULL AND m.stm_id_predecessor <> m.stm_id;
INSERT INTO step_dependencies_instance_sdi (sti_id, sti_id_predecessor)
SELECT s.sti_id, s.sti_id_predecessor FROM steps_instance_sti s
  JOIN steps_instance_sti p ON p.sti_id = s.sti_id_predecessor
 WHERE s.sti_id <> s.sti_id_predecessor;
