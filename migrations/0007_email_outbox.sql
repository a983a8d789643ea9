-- 0007: email notifications and system configuration. See docs/decisions.md ("Notifications and
-- configuration"). Three new tables (the outbox, the per-user opt-out, the per-migration switch),
-- the 'SYSTEM' environment that holds installation-wide settings, the settings UMIG reads, and the
-- default notification templates. Seed rows use ON CONFLICT DO NOTHING so the file is idempotent.

-- Emails waiting to be sent, written in the same transaction as the change they report, so a
-- rolled-back change sends nothing; a delivery worker claims due rows and sends them.
CREATE TABLE "public"."email_outbox_eob" (
    "eob_id" uuid NOT NULL DEFAULT gen_random_uuid(),
    "eob_event_type" varchar(50) NOT NULL CHECK ((eob_event_type)::text = ANY ((ARRAY['STEP_STATUS_CHANGED'::character varying, 'INSTRUCTION_TOGGLED'::character varying, 'CONTROL_VERDICT'::character varying])::text[])),
    "eob_entity_id" uuid NOT NULL,
    "emt_id" uuid,
    "eob_recipients" jsonb NOT NULL CHECK (jsonb_typeof(eob_recipients) = 'array' AND jsonb_array_length(eob_recipients) > 0),
    "eob_subject" text NOT NULL,
    "eob_body_html" text NOT NULL,
    "eob_body_text" text NOT NULL,
    "eob_status" varchar(10) NOT NULL DEFAULT 'PENDING'::character varying CHECK ((eob_status)::text = ANY ((ARRAY['PENDING'::character varying, 'SENDING'::character varying, 'SENT'::character varying, 'FAILED'::character varying])::text[])),
    "eob_attempts" int4 NOT NULL DEFAULT 0 CHECK (eob_attempts >= 0),
    "eob_next_attempt_at" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "eob_claimed_at" timestamptz,
    "eob_last_error" text,
    "eob_sent_at" timestamptz,
    "eob_dedupe_key" varchar(255) NOT NULL,
    "created_by" varchar(255) DEFAULT 'system'::character varying,
    "created_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    "updated_by" varchar(255) DEFAULT 'system'::character varying,
    "updated_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("eob_id")
);
COMMENT ON TABLE "public"."email_outbox_eob" IS 'Transactional outbox of notification emails: one row per message, PENDING > SENDING > SENT, or back to PENDING with backoff, FAILED after the last attempt';
COMMENT ON COLUMN "public"."email_outbox_eob"."eob_entity_id" IS 'The step, instruction or control instance the event is about (no FK: the email outlives the runsheet)';
COMMENT ON COLUMN "public"."email_outbox_eob"."eob_recipients" IS 'JSON array of the email addresses the message goes to, opt-outs already removed';
COMMENT ON COLUMN "public"."email_outbox_eob"."eob_attempts" IS 'Times a worker claimed the row to send it';
COMMENT ON COLUMN "public"."email_outbox_eob"."eob_claimed_at" IS 'When a worker claimed the row (SENDING); a claim older than the lease is taken over after a crash';
COMMENT ON COLUMN "public"."email_outbox_eob"."eob_last_error" IS 'Why the last attempt failed, for administrators';
COMMENT ON COLUMN "public"."email_outbox_eob"."eob_dedupe_key" IS 'One row per logical event: enqueueing the same event twice is a no-op';
CREATE UNIQUE INDEX uq_eob_dedupe_key ON public.email_outbox_eob USING btree (eob_dedupe_key);
CREATE INDEX idx_eob_status_next_attempt ON public.email_outbox_eob USING btree (eob_status, eob_next_attempt_at);
CREATE INDEX idx_eob_audit ON public.email_outbox_eob USING btree (created_at);
ALTER TABLE "public"."email_outbox_eob" ADD FOREIGN KEY ("emt_id") REFERENCES "public"."email_templates_emt"("emt_id") ON DELETE SET NULL;

-- A user's opt-out of notification emails. No row: the user receives them.
CREATE TABLE "public"."notification_preferences_npr" (
    "usr_id" int4 NOT NULL,
    "npr_email_enabled" bool NOT NULL DEFAULT true,
    "updated_by" varchar(255) DEFAULT 'system'::character varying,
    "updated_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("usr_id")
);
COMMENT ON TABLE "public"."notification_preferences_npr" IS 'Per-user email opt-out; applies to the user''s own address, not to team mailboxes';
ALTER TABLE "public"."notification_preferences_npr" ADD FOREIGN KEY ("usr_id") REFERENCES "public"."users_usr"("usr_id") ON DELETE CASCADE;

-- The per-migration switch. No row: the migration's notifications are on.
CREATE TABLE "public"."migration_notification_settings_mns" (
    "mig_id" uuid NOT NULL,
    "mns_email_enabled" bool NOT NULL DEFAULT true,
    "updated_by" varchar(255) DEFAULT 'system'::character varying,
    "updated_at" timestamptz DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY ("mig_id")
);
COMMENT ON TABLE "public"."migration_notification_settings_mns" IS 'Per-migration switch for notification emails; off: nothing is enqueued for the migration';
ALTER TABLE "public"."migration_notification_settings_mns" ADD FOREIGN KEY ("mig_id") REFERENCES "public"."migrations_mig"("mig_id") ON DELETE CASCADE;

-- system_configuration_scf.env_id is NOT NULL: installation-wide settings belong to a reserved
-- environment row, 'SYSTEM'. A row for another environment overrides the SYSTEM value there.
INSERT INTO environments_env (env_code, env_name, env_description, created_by, updated_by) VALUES
('SYSTEM', 'UMIG system settings', 'Reserved: holds installation-wide settings (system_configuration_scf); not a migration environment', 'migration', 'migration')
ON CONFLICT (env_code) DO NOTHING;

-- UMIG reads these settings (src/services/configuration/keys.ts), so they are system-managed: an
-- administrator edits them but cannot delete them. Patterns are anchored (^…$): a pattern is searched for.
INSERT INTO system_configuration_scf (env_id, scf_key, scf_category, scf_value, scf_description, scf_is_system_managed, scf_data_type, scf_validation_pattern, created_by, updated_by)
SELECT e.env_id, v.scf_key, v.scf_category, v.scf_value, v.scf_description, TRUE, v.scf_data_type, v.scf_validation_pattern, 'migration', 'migration'
  FROM environments_env e,
  (VALUES
    ('confluence.pageBaseUrl', 'MACRO_LOCATION', '', 'Address of the Confluence page holding the runsheet; emails link to it with the iteration and step ids (empty: no link)', 'STRING', '^(https://[^\s<>"]+)?$'),
    ('runsheet.refreshIntervalSeconds', 'SYSTEM_SETTING', '5', 'How often an open runsheet polls for changes, in seconds (2 to 300)', 'NUMBER', '^([2-9]|[1-9][0-9]|[12][0-9][0-9]|300)$'),
    ('email.enabled', 'SYSTEM_SETTING', 'false', 'Master switch of notification emails: false enqueues nothing', 'BOOLEAN', NULL),
    ('email.from', 'API_CONFIG', 'UMIG <umig@example.com>', 'Sender of notification emails: an address, or a name and <address>', 'STRING', '^([^\r\n<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$'),
    ('email.transport', 'API_CONFIG', 'SMTP', 'SMTP (a mail server) or HTTP (a JSON email API, for hosts that only allow HTTPS egress)', 'STRING', '^(SMTP|HTTP)$'),
    ('email.smtp.host', 'API_CONFIG', '', 'SMTP server host name; user and password come from UMIG_SMTP_USER / UMIG_SMTP_PASSWORD', 'STRING', '^[A-Za-z0-9.-]*$'),
    ('email.smtp.port', 'API_CONFIG', '587', 'SMTP server port', 'NUMBER', '^[1-9][0-9]{0,4}$'),
    ('email.smtp.secure', 'API_CONFIG', 'false', 'true: TLS from the first byte (port 465); false: STARTTLS when the server offers it', 'BOOLEAN', NULL),
    ('email.http.url', 'API_CONFIG', '', 'HTTPS endpoint of the JSON email API; its bearer token comes from UMIG_EMAIL_HTTP_TOKEN', 'STRING', '^(https://[^\s<>"]+)?$')
  ) AS v(scf_key, scf_category, scf_value, scf_description, scf_data_type, scf_validation_pattern)
 WHERE e.env_code = 'SYSTEM'
ON CONFLICT (env_id, scf_key) DO NOTHING;

-- The default notification templates, one per event; enqueueNotification finds them by name.
-- Variables ({{name}}) are listed in src/services/notifications/templates.ts.
INSERT INTO email_templates_emt (emt_type, emt_name, emt_subject, emt_body_html, emt_body_text, emt_is_active, created_by, updated_by) VALUES
('STEP_NOTIFICATION', 'Step status changed',
 '[UMIG] {{stepCode}} {{stepName}} is now {{statusTo}}',
 '<p>{{actorName}} ({{actorCode}}) moved step <strong>{{stepCode}} {{stepName}}</strong> from {{statusFrom}} to <strong>{{statusTo}}</strong>.</p>
<p>Migration: {{migrationName}}<br>Iteration: {{iterationName}}</p>
<p><a href="{{pageUrl}}">Open the runsheet</a></p>',
 '{{actorName}} ({{actorCode}}) moved step {{stepCode}} {{stepName}} from {{statusFrom}} to {{statusTo}}.

Migration: {{migrationName}}
Iteration: {{iterationName}}
Runsheet: {{pageUrl}}',
 TRUE, 'migration', 'migration'),
('STEP_NOTIFICATION', 'Instruction completed',
 '[UMIG] {{stepCode}} {{stepName}}: instruction done',
 '<p>{{actorName}} ({{actorCode}}) completed an instruction of step <strong>{{stepCode}} {{stepName}}</strong>:</p>
<blockquote>{{instructionText}}</blockquote>
<p>Migration: {{migrationName}}<br>Iteration: {{iterationName}}</p>
<p><a href="{{pageUrl}}">Open the runsheet</a></p>',
 '{{actorName}} ({{actorCode}}) completed an instruction of step {{stepCode}} {{stepName}}:

{{instructionText}}

Migration: {{migrationName}}
Iteration: {{iterationName}}
Runsheet: {{pageUrl}}',
 TRUE, 'migration', 'migration'),
('STEP_NOTIFICATION', 'Instruction reopened',
 '[UMIG] {{stepCode}} {{stepName}}: instruction reopened',
 '<p>{{actorName}} ({{actorCode}}) marked an instruction of step <strong>{{stepCode}} {{stepName}}</strong> as not done:</p>
<blockquote>{{instructionText}}</blockquote>
<p>Migration: {{migrationName}}<br>Iteration: {{iterationName}}</p>
<p><a href="{{pageUrl}}">Open the runsheet</a></p>',
 '{{actorName}} ({{actorCode}}) marked an instruction of step {{stepCode}} {{stepName}} as not done:

{{instructionText}}

Migration: {{migrationName}}
Iteration: {{iterationName}}
Runsheet: {{pageUrl}}',
 TRUE, 'migration', 'migration'),
('STEP_NOTIFICATION', 'Control verdict recorded',
 '[UMIG] Control {{controlCode}} {{controlName}}: {{verdict}}',
 '<p>{{actorName}} ({{actorCode}}) recorded the {{slot}} verdict <strong>{{verdict}}</strong> on control <strong>{{controlCode}} {{controlName}}</strong> (phase {{phaseName}}).</p>
<p>Comment: {{comment}}</p>
<p>Migration: {{migrationName}}<br>Iteration: {{iterationName}}</p>
<p><a href="{{pageUrl}}">Open the runsheet</a></p>',
 '{{actorName}} ({{actorCode}}) recorded the {{slot}} verdict {{verdict}} on control {{controlCode}} {{controlName}} (phase {{phaseName}}).

Comment: {{comment}}

Migration: {{migrationName}}
Iteration: {{iterationName}}
Runsheet: {{pageUrl}}',
 TRUE, 'migration', 'migration')
ON CONFLICT (emt_name) DO NOTHING;
