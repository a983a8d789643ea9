-- 0008: open runsheets ask every few seconds for what changed since their last read
-- (runsheet/changesSince): a step, one of its instructions, or one of its phase's controls or the
-- phase itself. Without these, every such call scans every instruction of every iteration.
CREATE INDEX idx_ini_updated_at ON public.instructions_instance_ini USING btree (updated_at);
CREATE INDEX idx_cti_updated_at ON public.controls_instance_cti USING btree (updated_at);
CREATE INDEX idx_phi_updated_at ON public.phases_instance_phi USING btree (updated_at);
