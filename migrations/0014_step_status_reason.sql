-- 0014: why a step is blocked, failed or cancelled (or completed with instructions left open by a
-- pilot), as its mover wrote it. Shown in the runsheet; the audit log keeps every earlier reason.
-- Cleared when the step moves on to a status that needs none.
ALTER TABLE public.steps_instance_sti ADD COLUMN IF NOT EXISTS sti_status_reason varchar(2000);
