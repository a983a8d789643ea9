-- 0016: archiving a plan instance (a run). An archived run is kept whole, for its history, but is
-- read-only and hidden from the plan-instance pickers; restoring clears the two columns.
-- See docs/decisions.md ("Plan instance lifecycle").
ALTER TABLE public.plans_instance_pli ADD COLUMN IF NOT EXISTS pli_archived_at timestamptz;
ALTER TABLE public.plans_instance_pli ADD COLUMN IF NOT EXISTS pli_archived_by varchar(255);
COMMENT ON COLUMN public.plans_instance_pli.pli_archived_at IS 'When an administrator archived the run (read-only, hidden from pickers); NULL while in use';
COMMENT ON COLUMN public.plans_instance_pli.pli_archived_by IS 'usr_code of the administrator who archived the run';
