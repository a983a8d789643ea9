-- 0003: reference data. Idempotent (ON CONFLICT DO NOTHING), and the status ids are fixed
-- because 0001's partial indexes (idx_active_migrations, idx_active_iterations) and the domain
-- code name them: Migration 1-4, Plan 5-8, Iteration 9-12, Sequence 13-16, Phase 17-20,
-- Step 21-27, Control 28-31.

INSERT INTO status_sts (sts_id, sts_name, sts_color, sts_type) VALUES
(1, 'PLANNING', '#FFA500', 'Migration'),
(2, 'IN_PROGRESS', '#0066CC', 'Migration'),
(3, 'COMPLETED', '#00AA00', 'Migration'),
(4, 'CANCELLED', '#CC0000', 'Migration'),
(5, 'PLANNING', '#FFA500', 'Plan'),
(6, 'IN_PROGRESS', '#0066CC', 'Plan'),
(7, 'COMPLETED', '#00AA00', 'Plan'),
(8, 'CANCELLED', '#CC0000', 'Plan'),
(9, 'PLANNING', '#FFA500', 'Iteration'),
(10, 'IN_PROGRESS', '#0066CC', 'Iteration'),
(11, 'COMPLETED', '#00AA00', 'Iteration'),
(12, 'CANCELLED', '#CC0000', 'Iteration'),
(13, 'PLANNING', '#FFA500', 'Sequence'),
(14, 'IN_PROGRESS', '#0066CC', 'Sequence'),
(15, 'COMPLETED', '#00AA00', 'Sequence'),
(16, 'CANCELLED', '#CC0000', 'Sequence'),
(17, 'PLANNING', '#FFA500', 'Phase'),
(18, 'IN_PROGRESS', '#0066CC', 'Phase'),
(19, 'COMPLETED', '#00AA00', 'Phase'),
(20, 'CANCELLED', '#CC0000', 'Phase'),
(21, 'PENDING', '#DDDDDD', 'Step'),
(22, 'TODO', '#FFFF00', 'Step'),
(23, 'IN_PROGRESS', '#0066CC', 'Step'),
(24, 'COMPLETED', '#00AA00', 'Step'),
(25, 'FAILED', '#FF0000', 'Step'),
(26, 'BLOCKED', '#FF6600', 'Step'),
(27, 'CANCELLED', '#CC0000', 'Step'),
(28, 'TODO', '#FFFF00', 'Control'),
(29, 'PASSED', '#00AA00', 'Control'),
(30, 'FAILED', '#FF0000', 'Control'),
(31, 'CANCELLED', '#CC0000', 'Control')
ON CONFLICT DO NOTHING;
-- New statuses continue after the seeded ids.
SELECT setval('status_sts_sts_id_seq', GREATEST((SELECT max(sts_id) FROM status_sts), 31));

INSERT INTO roles_rls (rls_code, rls_description) VALUES
('ADMIN', 'Administrator: configures reference data, users, plans and iterations'),
('NORMAL', 'Team member: reads everything, executes the steps of their teams'),
('PILOT', 'Pilot: runs iterations, may override step rules with a reason')
ON CONFLICT (rls_code) DO NOTHING;

INSERT INTO environment_roles_enr (enr_name, enr_description) VALUES
('PROD', 'Production environment'),
('TEST', 'Test environment'),
('BACKUP', 'Backup environment')
ON CONFLICT (enr_name) DO NOTHING;

INSERT INTO step_types_stt (stt_code, stt_name) VALUES
('TRT', 'Treatments'),
('PRE', 'Preparation'),
('IGO', 'IT Go'),
('CHK', 'Check'),
('BUS', 'Business'),
('SYS', 'System'),
('GON', 'Go/No-Go'),
('BGO', 'Business Go'),
('DUM', 'Dumps')
ON CONFLICT (stt_code) DO NOTHING;

INSERT INTO iteration_types_itt (itt_code, itt_name, itt_description, itt_color, itt_icon, itt_display_order, itt_active, created_by) VALUES
('RUN', 'Production Run', 'Production run iteration - Execute the actual migration plan', '#2E7D32', 'play-circle', 1, TRUE, 'system'),
('DR', 'Dress Rehearsal', 'Dress rehearsal iteration - Practice run before cutover', '#F57C00', 'refresh', 2, TRUE, 'system'),
('CUTOVER', 'Final Cutover', 'Final cutover iteration - Live production migration', '#C62828', 'check-circle', 3, TRUE, 'system')
ON CONFLICT (itt_code) DO NOTHING;

INSERT INTO migration_types_mit (mit_code, mit_name, mit_description, mit_color, mit_icon, mit_display_order, mit_active, created_by) VALUES
('INFRASTRUCTURE', 'Infrastructure Release', 'Server, network, and infrastructure component releases requiring physical or virtual resource changes', '#E65100', 'server', 1, TRUE, 'system'),
('APPLICATION', 'Application Release', 'Software application deployments, upgrades, and configuration changes affecting business applications', '#1976D2', 'desktop', 2, TRUE, 'system'),
('DATABASE', 'Database Release', 'Database schema changes, data releases, and database platform upgrades requiring careful coordination', '#388E3C', 'database', 3, TRUE, 'system'),
('NETWORK', 'Network Release', 'Network configuration changes, routing updates, and connectivity modifications affecting system communication', '#7B1FA2', 'globe', 4, TRUE, 'system'),
('SECURITY', 'Security Release', 'Security system updates, access control changes, and compliance-related releases requiring special handling', '#D32F2F', 'shield', 5, TRUE, 'system'),
('INTEGRATION', 'Integration Release', 'API changes, interface modifications, and system integration updates affecting inter-system communication', '#F57C00', 'link', 6, TRUE, 'system'),
('ACQUISITION', 'Acquisition Data Migration', 'Migration of customer, positions and contracts data as part of an external acquisition', '#5D4037', 'life-ring', 7, TRUE, 'system'),
('DECOMMISSION', 'System Decommission', 'End-of-life system shutdown, data archival, and cleanup releases activities', '#616161', 'trash', 8, TRUE, 'system')
ON CONFLICT (mit_code) DO NOTHING;
