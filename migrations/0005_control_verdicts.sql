-- 0005: what a control verdict needs. The seed stores who validates a control instance
-- (usr_id_it_validator, usr_id_biz_validator) and its derived status, but not the verdicts
-- themselves, so a status could not be recomputed, nor told apart from who signed it and when.
-- One set of columns per slot: the verdict, who recorded it, when, and the validator's comment.
ALTER TABLE "public"."controls_instance_cti"
    ADD COLUMN "cti_it_verdict" varchar(10),
    ADD COLUMN "cti_it_verdict_by" int4,
    ADD COLUMN "cti_it_verdict_at" timestamptz,
    ADD COLUMN "cti_it_comment" text,
    ADD COLUMN "cti_biz_verdict" varchar(10),
    ADD COLUMN "cti_biz_verdict_by" int4,
    ADD COLUMN "cti_biz_verdict_at" timestamptz,
    ADD COLUMN "cti_biz_comment" text,
    ADD CONSTRAINT "controls_instance_cti_cti_it_verdict_check" CHECK (cti_it_verdict IN ('PASSED', 'FAILED')),
    ADD CONSTRAINT "controls_instance_cti_cti_biz_verdict_check" CHECK (cti_biz_verdict IN ('PASSED', 'FAILED')),
    ADD CONSTRAINT "controls_instance_cti_cti_it_verdict_by_fkey" FOREIGN KEY ("cti_it_verdict_by") REFERENCES "public"."users_usr"("usr_id"),
    ADD CONSTRAINT "controls_instance_cti_cti_biz_verdict_by_fkey" FOREIGN KEY ("cti_biz_verdict_by") REFERENCES "public"."users_usr"("usr_id");

COMMENT ON COLUMN "public"."controls_instance_cti"."cti_it_verdict" IS 'IT validator verdict: PASSED or FAILED; null until signed';
COMMENT ON COLUMN "public"."controls_instance_cti"."cti_it_verdict_by" IS 'User who recorded the IT verdict (the validator, or a pilot/admin on their behalf)';
COMMENT ON COLUMN "public"."controls_instance_cti"."cti_it_verdict_at" IS 'When the IT verdict was recorded';
COMMENT ON COLUMN "public"."controls_instance_cti"."cti_it_comment" IS 'Comment given with the IT verdict';
COMMENT ON COLUMN "public"."controls_instance_cti"."cti_biz_verdict" IS 'Business validator verdict: PASSED or FAILED; null until signed';
COMMENT ON COLUMN "public"."controls_instance_cti"."cti_biz_verdict_by" IS 'User who recorded the business verdict (the validator, or a pilot/admin on their behalf)';
COMMENT ON COLUMN "public"."controls_instance_cti"."cti_biz_verdict_at" IS 'When the business verdict was recorded';
COMMENT ON COLUMN "public"."controls_instance_cti"."cti_biz_comment" IS 'Comment given with the business verdict';
