import { adminList, type AdminCreate } from '../../shared/admin-api';
import type { Option, OptionSource } from '../../shared/admin-options';
import { umig } from '../../shared/api';

/**
 * Where the admin forms' choices and the tables' names come from: the list resolvers, one call
 * per source and scope, shared through the option cache.
 */

export const teams: OptionSource = {
  key: 'teams',
  entities: ['teams'],
  load: async () => (await adminList('teams')).map((team) => ({ value: team.id, label: team.name })),
};

export const users: OptionSource = {
  key: 'users',
  entities: ['users'],
  load: async () => (await adminList('users')).map((user) => ({ value: user.id, label: `${user.firstName} ${user.lastName} (${user.code})` })),
};

export const applications: OptionSource = {
  key: 'applications',
  entities: ['applications'],
  load: async () => (await adminList('applications')).map((app) => ({ value: app.id, label: app.name ? `${app.name} (${app.code})` : app.code })),
};

export const environments: OptionSource = {
  key: 'environments',
  entities: ['environments'],
  load: async () =>
    (await adminList('environments')).map((env) => ({ value: env.id, label: env.name ? `${env.name}${env.code ? ` (${env.code})` : ''}` : (env.code ?? `#${env.id}`) })),
};

/** Seeded reference data, listed but never edited: no admin change makes these stale. */
export const environmentRoles: OptionSource = {
  key: 'environmentRoles',
  entities: [],
  load: async () =>
    (await umig('admin/environmentRoles/list', {})).map((role) => ({ value: role.id, label: role.description ? `${role.name} – ${role.description}` : role.name, short: role.name })),
};

export const migrations: OptionSource = {
  key: 'migrations',
  entities: ['migrations'],
  load: async () => (await adminList('migrations')).map((migration) => ({ value: migration.id, label: migration.name })),
};

export const masterPlans: OptionSource = {
  key: 'masterPlans',
  entities: ['masterPlans'],
  load: async () => (await adminList('masterPlans')).map((plan) => ({ value: plan.id, label: plan.name })),
};

/** Migration types by code: migrations store the code. */
export const migrationTypes: OptionSource = {
  key: 'migrationTypes',
  entities: ['migrationTypes'],
  load: async () => (await adminList('migrationTypes')).map((type) => ({ value: type.code, label: `${type.name} (${type.code})` })),
};

export const iterationTypes: OptionSource = {
  key: 'iterationTypes',
  entities: ['iterationTypes'],
  load: async () => (await adminList('iterationTypes')).map((type) => ({ value: type.code, label: `${type.name} (${type.code})`, short: type.code })),
};

export const stepTypes: OptionSource = {
  key: 'stepTypes',
  entities: ['stepTypes'],
  load: async () => (await adminList('stepTypes')).map((type) => ({ value: type.code, label: `${type.code} – ${type.name}`, short: type.code })),
};

export const labels: OptionSource = {
  key: 'labels',
  entities: ['labels', 'migrations'],
  load: async () => {
    const [all, owners] = await Promise.all([adminList('labels'), adminList('migrations')]);
    const migrationName = new Map(owners.map((migration) => [migration.id, migration.name]));
    return all.map((label) => ({ value: label.id, label: `${label.name} (${migrationName.get(label.migrationId) ?? 'migration'})`, short: label.name }));
  },
};

export const masterControls: OptionSource = {
  key: 'masterControls',
  entities: ['masterControls'],
  load: async () =>
    (await adminList('masterControls')).map((control) => ({ value: control.id, label: [control.code, control.name].filter(Boolean).join(' ') || control.id })),
};

const statusSources = new Map<string, OptionSource>();

/** Every status, or those of one kind (a migration only takes a migration status). */
export function statuses(kind?: StatusKind): OptionSource {
  const key = kind ? `statuses?type=${kind}` : 'statuses';
  let source = statusSources.get(key);
  if (!source) {
    source = {
      key,
      entities: ['statuses'],
      load: async () =>
        (await adminList('statuses'))
          .filter((status) => !kind || status.type === kind)
          .map((status) => ({ value: status.id, label: kind ? status.name : `${status.name} (${status.type})` })),
    };
    statusSources.set(key, source);
  }
  return source;
}

export function sequencesOfPlan(planId: string): OptionSource {
  return {
    key: `masterSequences?planId=${planId}`,
    entities: ['masterSequences'],
    load: async () =>
      (await adminList('masterSequences', { planId })).map((sequence) => ({ value: sequence.id, label: sequence.name ?? `Sequence ${sequence.order ?? ''}` })),
  };
}

export function phasesOfSequence(sequenceId: string): OptionSource {
  return {
    key: `masterPhases?sequenceId=${sequenceId}`,
    entities: ['masterPhases'],
    load: async () =>
      (await adminList('masterPhases', { sequenceId })).map((phase) => ({ value: phase.id, label: phase.name ?? `Phase ${phase.order ?? ''}` })),
  };
}

/** The phases of a whole plan, "Sequence › Phase": a step may move to any of them. */
export function phasesOfPlan(planId: string): OptionSource {
  return {
    key: `masterPhases?planId=${planId}`,
    entities: ['masterPhases', 'masterSequences'],
    load: async () => {
      const sequences = await adminList('masterSequences', { planId });
      const options: Option[] = [];
      for (const sequence of sequences) {
        const phases = await adminList('masterPhases', { sequenceId: sequence.id });
        for (const phase of phases) {
          const name = phase.name ?? `Phase ${phase.order ?? ''}`;
          options.push({ value: phase.id, label: `${sequence.name ?? 'Sequence'} › ${name}`, short: name });
        }
      }
      return options;
    },
  };
}

export function stepsOfPlan(planId: string): OptionSource {
  return {
    key: `masterSteps?planId=${planId}`,
    entities: ['masterSteps'],
    load: async () =>
      (await adminList('masterSteps', { planId })).map((step) => ({
        value: step.id,
        label: [step.code, step.name].filter(Boolean).join(' ') || step.id,
        short: step.code ?? step.name ?? step.id,
      })),
  };
}

export function controlsOfPhase(phaseId: string): OptionSource {
  return {
    key: `masterControls?phaseId=${phaseId}`,
    entities: ['masterControls'],
    load: async () =>
      (await adminList('masterControls', { phaseId })).map((control) => ({ value: control.id, label: [control.code, control.name].filter(Boolean).join(' ') || control.id })),
  };
}

// Fixed choices, typed by the payloads that carry them: a renamed value fails the typecheck.
type Choice<T> = NonNullable<T>;

const ROLES: ReadonlyArray<Choice<AdminCreate<'users'>['roleCode']>> = ['ADMIN', 'PILOT', 'NORMAL'];
const ROLE_NAMES: Record<(typeof ROLES)[number], string> = { ADMIN: 'Administrator', PILOT: 'Pilot', NORMAL: 'Normal user' };
export const ROLE_OPTIONS: Option[] = ROLES.map((role) => ({ value: role, label: `${ROLE_NAMES[role]} (${role})` }));

const STATUS_KINDS: ReadonlyArray<Choice<AdminCreate<'statuses'>['type']>> = ['Migration', 'Iteration', 'Plan', 'Sequence', 'Phase', 'Step', 'Control'];
export type StatusKind = (typeof STATUS_KINDS)[number];
export const STATUS_KIND_OPTIONS: Option[] = STATUS_KINDS.map((kind) => ({ value: kind, label: kind }));

const CATEGORIES: ReadonlyArray<Choice<AdminCreate<'systemConfiguration'>['category']>> = ['MACRO_LOCATION', 'API_CONFIG', 'SYSTEM_SETTING'];
export const CONFIGURATION_CATEGORY_OPTIONS: Option[] = CATEGORIES.map((value) => ({ value, label: value }));
const DATA_TYPES: ReadonlyArray<Choice<AdminCreate<'systemConfiguration'>['dataType']>> = ['STRING', 'NUMBER', 'BOOLEAN', 'JSON'];
export const CONFIGURATION_DATA_TYPE_OPTIONS: Option[] = DATA_TYPES.map((value) => ({ value, label: value }));
const TEMPLATE_TYPES: ReadonlyArray<Choice<AdminCreate<'emailTemplates'>['type']>> = ['STEP_NOTIFICATION', 'MIGRATION_UPDATE', 'SYSTEM_ALERT'];
export const EMAIL_TEMPLATE_TYPE_OPTIONS: Option[] = TEMPLATE_TYPES.map((value) => ({ value, label: value }));
