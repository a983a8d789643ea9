-- 0017: four eyes on controls. The IT and the business verdict of a control are signed by two
-- different people; a pilot or administrator may sign the second slot themselves with a reason.
-- The reason is stored on the slot it was given for (null: signed by a second person, the normal
-- case), so the control card marks the slot as an override; the audit log keeps every reason.
ALTER TABLE public.controls_instance_cti ADD COLUMN IF NOT EXISTS cti_it_override_reason varchar(2000);
ALTER TABLE public.controls_instance_cti ADD COLUMN IF NOT EXISTS cti_biz_override_reason varchar(2000);
