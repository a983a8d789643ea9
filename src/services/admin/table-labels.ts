/**
 * What a person calls the rows of each table, so generated sentences read "still used by 12
 * master steps and 1 master plan" instead of naming tables. Keyed by the database table name,
 * because that is what Drizzle's foreign-key metadata gives back.
 */

export interface TableLabel {
  singular: string;
  plural: string;
}

function label(singular: string, plural = `${singular}s`): TableLabel {
  return { singular, plural };
}

const LABELS: Readonly<Record<string, TableLabel>> = {
  status_sts: label('status', 'statuses'),
  step_types_stt: label('step type'),
  iteration_types_itt: label('iteration type'),
  roles_rls: label('role'),
  environment_roles_enr: label('environment role'),
  migration_types_mit: label('migration type'),
  teams_tms: label('team'),
  users_usr: label('user'),
  teams_tms_x_users_usr: label('team membership'),
  applications_app: label('application'),
  environments_env: label('environment'),
  environments_env_x_applications_app: label('environment–application link'),
  teams_tms_x_applications_app: label('team–application link'),
  labels_lbl: label('label'),
  labels_lbl_x_steps_master_stm: label('step label'),
  labels_lbl_x_applications_app: label('application label'),
  labels_lbl_x_controls_master_ctm: label('control label'),
  migrations_mig: label('migration'),
  iterations_ite: label('iteration'),
  environments_env_x_iterations_ite: label('iteration environment'),
  plans_master_plm: label('master plan'),
  sequences_master_sqm: label('master sequence'),
  phases_master_phm: label('master phase'),
  steps_master_stm: label('master step'),
  controls_master_ctm: label('master control'),
  instructions_master_inm: label('master instruction'),
  steps_master_stm_x_iteration_types_itt: label('step iteration type'),
  steps_master_stm_x_teams_tms_impacted: label('impacted-team link'),
  step_pilot_comments_spc: label('pilot comment'),
  plans_instance_pli: label('plan instance'),
  sequences_instance_sqi: label('sequence instance'),
  phases_instance_phi: label('phase instance'),
  steps_instance_sti: label('step instance'),
  controls_instance_cti: label('control instance'),
  instructions_instance_ini: label('instruction instance'),
  step_instance_comments_sic: label('step comment'),
  import_batches_imb: label('import batch', 'import batches'),
  system_configuration_scf: label('configuration setting'),
  email_templates_emt: label('email template'),
  audit_log_aud: label('audit log entry', 'audit log entries'),
};

/** Tables added later still get a readable name: "foo_bar_xyz" becomes "foo bar". */
function fallback(tableName: string): TableLabel {
  const words = tableName.replace(/_[a-z]{2,3}$/, '').replace(/^stg_/, 'staged ').replace(/_x_/g, ' ').replace(/_/g, ' ');
  return label(`${words} row`);
}

export function tableLabel(tableName: string): TableLabel {
  return LABELS[tableName] ?? fallback(tableName);
}

export function hasTableLabel(tableName: string): boolean {
  return tableName in LABELS;
}

/** "1 master plan", "12 master steps". */
export function countOf(n: number, tableName: string): string {
  const { singular, plural } = tableLabel(tableName);
  return `${n} ${n === 1 ? singular : plural}`;
}

/** "a, b and c". */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]!}`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "a team", "an email template", "a user". */
export function withArticle(noun: string): string {
  return `${/^[aeio]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}
