-- 0004: indexes on the foreign keys the runsheet walks (iteration > plan > sequence > phase >
-- step > instruction/control) and on the master hierarchy that instantiation copies. The seed
-- indexes almost none of its FK columns; without these every runsheet read is a sequential scan.
CREATE INDEX idx_ite_mig_id ON public.iterations_ite USING btree (mig_id);
CREATE INDEX idx_pli_ite_id ON public.plans_instance_pli USING btree (ite_id);
CREATE INDEX idx_pli_plm_id ON public.plans_instance_pli USING btree (plm_id);
CREATE INDEX idx_sqi_pli_id ON public.sequences_instance_sqi USING btree (pli_id);
CREATE INDEX idx_phi_sqi_id ON public.phases_instance_phi USING btree (sqi_id);
CREATE INDEX idx_sti_phi_id ON public.steps_instance_sti USING btree (phi_id);
CREATE INDEX idx_sti_stm_id ON public.steps_instance_sti USING btree (stm_id);
CREATE INDEX idx_sti_updated_at ON public.steps_instance_sti USING btree (updated_at);
CREATE INDEX idx_ini_sti_id ON public.instructions_instance_ini USING btree (sti_id);
CREATE INDEX idx_cti_phi_id ON public.controls_instance_cti USING btree (phi_id);
CREATE INDEX idx_sqm_plm_id ON public.sequences_master_sqm USING btree (plm_id);
CREATE INDEX idx_phm_sqm_id ON public.phases_master_phm USING btree (sqm_id);
CREATE INDEX idx_stm_phm_id ON public.steps_master_stm USING btree (phm_id);
CREATE INDEX idx_ctm_phm_id ON public.controls_master_ctm USING btree (phm_id);
CREATE INDEX idx_inm_stm_id ON public.instructions_master_inm USING btree (stm_id);
CREATE INDEX idx_tms_x_usr_usr_id ON public.teams_tms_x_users_usr USING btree (usr_id);
CREATE INDEX idx_stm_x_tms_impacted_tms_id ON public.steps_master_stm_x_teams_tms_impacted USING btree (tms_id);
CREATE INDEX idx_lbl_x_stm_stm_id ON public.labels_lbl_x_steps_master_stm USING btree (stm_id);
CREATE INDEX idx_aud_entity ON public.audit_log_aud USING btree (aud_entity_type, aud_entity_id, aud_timestamp);
