-- 0013: the planned start and the window end of a run. plans_instance_pli.pli_start_time and
-- pli_end_time already record when the run actually started and ended (rolled up from its steps),
-- so the plan of the run gets its own row. See docs/decisions.md ("Time and dependencies").
CREATE TABLE "public"."plan_instance_schedule_pis" (
    "pli_id" uuid NOT NULL,
    "pis_planned_start" timestamptz,
    "pis_window_end" timestamptz,
    "updated_by" varchar(255) DEFAULT 'system'::character varying,
    "updated_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("pli_id"),
    CHECK (pis_window_end IS NULL OR pis_planned_start IS NULL OR pis_window_end > pis_planned_start)
);
COMMENT ON TABLE "public"."plan_instance_schedule_pis" IS 'Planned start and cutover window end of a plan instance (a run); forecasts count from the planned start';
ALTER TABLE "public"."plan_instance_schedule_pis" ADD FOREIGN KEY ("pli_id") REFERENCES "public"."plans_instance_pli"("pli_id") ON DELETE CASCADE;
