-- 0013: what a Confluence user becomes when they open UMIG for the first time (self-registration,
-- docs/decisions.md "People"). AWAITING_APPROVAL: registered inactive, sees nothing until an
-- administrator activates them; NORMAL: registered active with the NORMAL role. System-managed:
-- UMIG reads it (src/services/configuration/keys.ts), an administrator edits it.
INSERT INTO system_configuration_scf (env_id, scf_key, scf_category, scf_value, scf_description, scf_is_system_managed, scf_data_type, scf_validation_pattern, created_by, updated_by)
SELECT e.env_id, 'people.newcomerAccess', 'SYSTEM_SETTING', 'AWAITING_APPROVAL',
       'What a Confluence user gets on first opening UMIG: AWAITING_APPROVAL (registered, sees nothing until an administrator activates them) or NORMAL (registered as an active NORMAL user)',
       TRUE, 'STRING', '^(AWAITING_APPROVAL|NORMAL)$', 'migration', 'migration'
  FROM environments_env e
 WHERE e.env_code = 'SYSTEM'
ON CONFLICT (env_id, scf_key) DO NOTHING;
