import { defineAdminEntity, defineAdminLink, type EntityDescriptor } from '../../shared/admin-descriptors';
import * as source from './sources';

/**
 * Every entity of the administration page as a descriptor for the generic pieces
 * (static/shared/admin-*): columns, form fields and links. Field names and row properties are
 * checked against the backend's Definitions.
 */

const orName = (name: string | null | undefined, fallback: string) => (name && name.trim() !== '' ? name : fallback);

// ----- links

const teamMembersOfTeam = defineAdminLink({
  link: 'teamMembers',
  action: 'Members',
  ownerProp: 'teamId',
  otherProp: 'userId',
  other: { singular: 'user', plural: 'members', source: source.users },
  title: (team) => `Members of team ${team}`,
});

const teamsOfUser = defineAdminLink({
  link: 'teamMembers',
  action: 'Teams',
  ownerProp: 'userId',
  otherProp: 'teamId',
  other: { singular: 'team', plural: 'teams', source: source.teams },
  title: (user) => `Teams of ${user}`,
});

const applicationsOfTeam = defineAdminLink({
  link: 'teamApplications',
  action: 'Applications',
  ownerProp: 'teamId',
  otherProp: 'applicationId',
  other: { singular: 'application', plural: 'applications', source: source.applications },
  title: (team) => `Applications of team ${team}`,
});

const applicationsOfEnvironment = defineAdminLink({
  link: 'environmentApplications',
  action: 'Applications',
  ownerProp: 'environmentId',
  otherProp: 'applicationId',
  other: { singular: 'application', plural: 'applications', source: source.applications },
  title: (environment) => `Applications in environment ${environment}`,
});

const applicationsOfLabel = defineAdminLink({
  link: 'labelApplications',
  action: 'Applications',
  ownerProp: 'labelId',
  otherProp: 'applicationId',
  other: { singular: 'application', plural: 'applications', source: source.applications },
  title: (label) => `Applications labelled ${label}`,
});

const controlsOfLabel = defineAdminLink({
  link: 'labelControls',
  action: 'Controls',
  ownerProp: 'labelId',
  otherProp: 'masterControlId',
  other: { singular: 'control', plural: 'controls', source: source.masterControls },
  title: (label) => `Controls labelled ${label}`,
});

const environmentsOfIteration = defineAdminLink({
  link: 'iterationEnvironments',
  action: 'Environments',
  ownerProp: 'iterationId',
  otherProp: 'environmentId',
  other: { singular: 'environment', plural: 'environments', source: source.environments },
  extra: { prop: 'environmentRoleId', label: 'Environment role', source: source.environmentRoles },
  title: (iteration) => `Environments of iteration ${iteration}`,
});

const impactedTeamsOfStep = defineAdminLink({
  link: 'stepImpactedTeams',
  action: 'Impacted teams',
  ownerProp: 'stepId',
  otherProp: 'teamId',
  other: { singular: 'team', plural: 'impacted teams', source: source.teams },
  title: (step) => `Teams impacted by step ${step}`,
});

const iterationTypesOfStep = defineAdminLink({
  link: 'stepIterationTypes',
  action: 'Iteration types',
  ownerProp: 'stepId',
  otherProp: 'iterationTypeCode',
  other: { singular: 'iteration type', plural: 'iteration types (none: the step runs in every iteration)', source: source.iterationTypes },
  title: (step) => `Iteration types of step ${step}`,
});

const labelsOfStep = defineAdminLink({
  link: 'stepLabels',
  action: 'Labels',
  ownerProp: 'masterStepId',
  otherProp: 'labelId',
  other: { singular: 'label', plural: 'labels', source: source.labels },
  title: (step) => `Labels of step ${step}`,
});

const labelsOfControl = defineAdminLink({
  link: 'labelControls',
  action: 'Labels',
  ownerProp: 'masterControlId',
  otherProp: 'labelId',
  other: { singular: 'label', plural: 'labels', source: source.labels },
  title: (control) => `Labels of control ${control}`,
});

// ----- people

export const usersEntity = defineAdminEntity({
  entity: 'users',
  singular: 'user',
  plural: 'users',
  nameOf: (row) => `${row.firstName} ${row.lastName} (${row.code})`,
  columns: [
    { header: 'Code', value: (row) => row.code, width: '4rem', nowrap: true },
    { header: 'Name', value: (row) => `${row.firstName} ${row.lastName}` },
    { header: 'Email', value: (row) => row.email },
    { header: 'Confluence account id', value: (row) => row.confluenceUserId },
    { header: 'Role', value: (row) => row.roleCode },
    { header: 'Admin flag', value: (row) => row.isAdmin === true, kind: 'boolean' },
    { header: 'Active', value: (row) => row.active, kind: 'boolean' },
  ],
  fields: [
    { name: 'code', label: 'User code', kind: 'text', required: true, fixedAfterCreate: true, maxLength: 3, hint: 'Three letters or digits, e.g. JDO. It signs every change and cannot change later.' },
    { name: 'firstName', label: 'First name', kind: 'text', required: true, maxLength: 50 },
    { name: 'lastName', label: 'Last name', kind: 'text', required: true, maxLength: 50 },
    { name: 'email', label: 'Email', kind: 'email', required: true, maxLength: 255 },
    {
      name: 'confluenceUserId',
      label: 'Confluence account id',
      kind: 'text',
      clearable: true,
      maxLength: 255,
      hint: 'Filled in for you when you add the person with "Add people from Confluence" or when they open UMIG themselves; edit it only to relink someone.',
    },
    { name: 'roleCode', label: 'Role', kind: 'select', options: source.ROLE_OPTIONS, required: true, defaultValue: 'NORMAL' },
    { name: 'isAdmin', label: 'UMIG administrator, whatever the role', kind: 'boolean', defaultValue: false },
    { name: 'active', label: 'Active', kind: 'boolean', defaultValue: true, hint: 'Deactivate people who leave: their history stays.' },
  ],
  links: [teamsOfUser],
  emptyHint: 'Add the people who run migrations with "Add people from Confluence" above; anyone who opens UMIG joins by themselves.',
});

export const teamsEntity = defineAdminEntity({
  entity: 'teams',
  singular: 'team',
  plural: 'teams',
  nameOf: (row) => row.name,
  columns: [
    { header: 'Name', value: (row) => row.name },
    { header: 'Email', value: (row) => row.email },
    { header: 'Description', value: (row) => row.description, kind: 'long' },
  ],
  fields: [
    { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 64 },
    { name: 'email', label: 'Email', kind: 'email', clearable: true, maxLength: 255 },
    { name: 'description', label: 'Description', kind: 'textarea', clearable: true },
  ],
  links: [teamMembersOfTeam, applicationsOfTeam],
});

// ----- catalog

export const applicationsEntity = defineAdminEntity({
  entity: 'applications',
  singular: 'application',
  plural: 'applications',
  nameOf: (row) => orName(row.name, row.code),
  columns: [
    { header: 'Code', value: (row) => row.code, nowrap: true },
    { header: 'Name', value: (row) => row.name },
    { header: 'Description', value: (row) => row.description, kind: 'long' },
  ],
  fields: [
    { name: 'code', label: 'Code', kind: 'text', required: true, maxLength: 50, hint: 'Capital letters, digits, dots, dashes or underscores, e.g. CRM-CORE.' },
    { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 64 },
    { name: 'description', label: 'Description', kind: 'textarea', clearable: true },
  ],
});

export const environmentsEntity = defineAdminEntity({
  entity: 'environments',
  singular: 'environment',
  plural: 'environments',
  nameOf: (row) => orName(row.name, row.code ?? `#${row.id}`),
  columns: [
    { header: 'Code', value: (row) => row.code, nowrap: true },
    { header: 'Name', value: (row) => row.name },
    { header: 'Description', value: (row) => row.description, kind: 'long' },
  ],
  fields: [
    { name: 'code', label: 'Code', kind: 'text', required: true, maxLength: 10, hint: 'Up to 10 characters, e.g. PROD.' },
    { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 64 },
    { name: 'description', label: 'Description', kind: 'textarea', clearable: true },
  ],
  links: [applicationsOfEnvironment],
});

export const labelsEntity = defineAdminEntity({
  entity: 'labels',
  singular: 'label',
  plural: 'labels',
  concurrency: 'version',
  nameOf: (row) => row.name,
  columns: [
    { header: 'Name', value: (row) => row.name },
    { header: 'Migration', value: (row) => row.migrationId, source: source.migrations },
    { header: 'Colour', value: (row) => row.color, kind: 'color' },
    { header: 'Description', value: (row) => row.description, kind: 'long' },
  ],
  fields: [
    { name: 'migrationId', label: 'Migration', kind: 'select', source: source.migrations, required: true, fixedAfterCreate: true, hint: 'A label belongs to one migration for good.' },
    { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 100 },
    { name: 'color', label: 'Colour', kind: 'color', clearable: true, maxLength: 7 },
    { name: 'description', label: 'Description', kind: 'textarea', clearable: true },
  ],
  links: [applicationsOfLabel, controlsOfLabel],
});

// ----- reference data

export const iterationTypesEntity = defineAdminEntity({
  entity: 'iterationTypes',
  singular: 'iteration type',
  plural: 'iteration types',
  nameOf: (row) => row.name,
  columns: [
    { header: 'Code', value: (row) => row.code, nowrap: true },
    { header: 'Name', value: (row) => row.name },
    { header: 'Colour', value: (row) => row.color, kind: 'color' },
    { header: 'Order', value: (row) => row.displayOrder },
    { header: 'Active', value: (row) => row.active, kind: 'boolean' },
  ],
  fields: [
    { name: 'code', label: 'Code', kind: 'text', required: true, fixedAfterCreate: true, maxLength: 10, hint: 'Capitals, digits or underscores, e.g. DR. Steps and iterations refer to it, so it cannot change later.' },
    { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 100 },
    { name: 'description', label: 'Description', kind: 'textarea', clearable: true },
    { name: 'color', label: 'Colour', kind: 'color', clearable: true },
    { name: 'icon', label: 'Icon', kind: 'text', clearable: true, maxLength: 50 },
    { name: 'displayOrder', label: 'Display order', kind: 'number', clearable: true },
    { name: 'active', label: 'Active', kind: 'boolean', defaultValue: true },
  ],
});

export const migrationTypesEntity = defineAdminEntity({
  entity: 'migrationTypes',
  singular: 'migration type',
  plural: 'migration types',
  nameOf: (row) => row.name,
  columns: [
    { header: 'Code', value: (row) => row.code, nowrap: true },
    { header: 'Name', value: (row) => row.name },
    { header: 'Colour', value: (row) => row.color, kind: 'color' },
    { header: 'Order', value: (row) => row.displayOrder },
    { header: 'Active', value: (row) => row.active, kind: 'boolean' },
  ],
  fields: [
    { name: 'code', label: 'Code', kind: 'text', required: true, fixedAfterCreate: true, maxLength: 20, hint: 'Capitals, digits or underscores. Migrations refer to it, so it cannot change later.' },
    { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 100 },
    { name: 'description', label: 'Description', kind: 'textarea', clearable: true },
    { name: 'color', label: 'Colour', kind: 'color', clearable: true },
    { name: 'icon', label: 'Icon', kind: 'text', clearable: true, maxLength: 50 },
    { name: 'displayOrder', label: 'Display order', kind: 'number', clearable: true },
    { name: 'active', label: 'Active', kind: 'boolean', defaultValue: true },
  ],
});

export const stepTypesEntity = defineAdminEntity({
  entity: 'stepTypes',
  singular: 'step type',
  plural: 'step types',
  nameOf: (row) => `${row.code} ${row.name}`,
  columns: [
    { header: 'Code', value: (row) => row.code, width: '5rem', nowrap: true },
    { header: 'Name', value: (row) => row.name },
    { header: 'Description', value: (row) => row.description, kind: 'long' },
  ],
  fields: [
    { name: 'code', label: 'Code', kind: 'text', required: true, fixedAfterCreate: true, maxLength: 3, hint: 'One to three capitals or digits, e.g. TRT. It starts every step code (TRT-010).' },
    { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 50 },
    { name: 'description', label: 'Description', kind: 'textarea', clearable: true },
  ],
});

export const statusesEntity = defineAdminEntity({
  entity: 'statuses',
  singular: 'status',
  plural: 'statuses',
  nameOf: (row) => `${row.name} (${row.type})`,
  columns: [
    { header: 'Type', value: (row) => row.type },
    { header: 'Name', value: (row) => row.name },
    { header: 'Colour', value: (row) => row.color, kind: 'color' },
    { header: 'Built in', value: (row) => row.seeded, kind: 'boolean' },
  ],
  fields: [
    { name: 'type', label: 'Status of', kind: 'select', options: source.STATUS_KIND_OPTIONS, required: true },
    { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 50, hint: 'In capitals, e.g. ON_HOLD.' },
    { name: 'color', label: 'Colour', kind: 'color', required: true, maxLength: 7, defaultValue: '#6B778C' },
  ],
  emptyHint: 'UMIG installs its own statuses; they appear here once the database is migrated.',
});

// ----- system

export const systemConfigurationEntity = defineAdminEntity({
  entity: 'systemConfiguration',
  singular: 'setting',
  plural: 'settings',
  nameOf: (row) => row.key,
  columns: [
    { header: 'Environment', value: (row) => row.environmentId, source: source.environments },
    { header: 'Key', value: (row) => row.key },
    { header: 'Category', value: (row) => row.category },
    { header: 'Type', value: (row) => row.dataType },
    { header: 'Value', value: (row) => row.value, kind: 'long' },
    { header: 'Active', value: (row) => row.isActive, kind: 'boolean' },
    { header: 'Managed by UMIG', value: (row) => row.isSystemManaged, kind: 'boolean' },
  ],
  fields: [
    { name: 'environmentId', label: 'Environment', kind: 'select', source: source.environments, required: true },
    { name: 'key', label: 'Key', kind: 'text', required: true, maxLength: 255, hint: 'Letters, digits, dots, colons, dashes or underscores, e.g. api.timeout_ms.' },
    { name: 'category', label: 'Category', kind: 'select', options: source.CONFIGURATION_CATEGORY_OPTIONS, clearable: true },
    { name: 'dataType', label: 'Data type', kind: 'select', options: source.CONFIGURATION_DATA_TYPE_OPTIONS, defaultValue: 'STRING' },
    { name: 'value', label: 'Value', kind: 'textarea', clearable: true },
    { name: 'validationPattern', label: 'Validation pattern', kind: 'text', clearable: true, maxLength: 500, hint: 'A regular expression the value must match; write ^…$ to match the whole value.' },
    { name: 'description', label: 'Description', kind: 'textarea', clearable: true },
    { name: 'isActive', label: 'Active', kind: 'boolean', defaultValue: true },
  ],
});

export const emailTemplatesEntity = defineAdminEntity({
  entity: 'emailTemplates',
  singular: 'email template',
  plural: 'email templates',
  nameOf: (row) => orName(row.name, row.id),
  columns: [
    { header: 'Type', value: (row) => row.type },
    { header: 'Name', value: (row) => row.name },
    { header: 'Subject', value: (row) => row.subject, kind: 'long' },
    { header: 'Active', value: (row) => row.isActive, kind: 'boolean' },
  ],
  fields: [
    { name: 'type', label: 'Type', kind: 'select', options: source.EMAIL_TEMPLATE_TYPE_OPTIONS, required: true },
    { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 255 },
    { name: 'subject', label: 'Subject', kind: 'text', required: true, maxLength: 1000 },
    { name: 'bodyHtml', label: 'HTML body', kind: 'textarea', required: true },
    { name: 'bodyText', label: 'Plain-text body', kind: 'textarea', clearable: true },
    { name: 'isActive', label: 'Active', kind: 'boolean', defaultValue: true },
  ],
});

// ----- programme

export const migrationsEntity = defineAdminEntity({
  entity: 'migrations',
  singular: 'migration',
  plural: 'migrations',
  nameOf: (row) => row.name,
  columns: [
    { header: 'Name', value: (row) => row.name },
    { header: 'Type', value: (row) => row.type, source: source.migrationTypes },
    { header: 'Status', value: (row) => row.statusId, source: source.statuses('Migration') },
    { header: 'Start', value: (row) => row.startDate },
    { header: 'End', value: (row) => row.endDate },
    { header: 'Business cutover', value: (row) => row.businessCutoverDate },
    { header: 'Owner', value: (row) => row.ownerId, source: source.users },
  ],
  fields: [
    { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 255 },
    { name: 'type', label: 'Migration type', kind: 'select', source: source.migrationTypes, required: true },
    { name: 'statusId', label: 'Status', kind: 'select', source: source.statuses('Migration'), hint: 'New migrations start in PLANNING.' },
    { name: 'ownerId', label: 'Owner', kind: 'select', source: source.users, hint: 'Defaults to you.' },
    { name: 'startDate', label: 'Start date', kind: 'date', clearable: true },
    { name: 'endDate', label: 'End date', kind: 'date', clearable: true },
    { name: 'businessCutoverDate', label: 'Business cutover date', kind: 'date', clearable: true },
    { name: 'description', label: 'Description', kind: 'textarea', clearable: true },
  ],
});

export const iterationsEntity = defineAdminEntity({
  entity: 'iterations',
  singular: 'iteration',
  plural: 'iterations',
  nameOf: (row) => row.name,
  columns: [
    { header: 'Name', value: (row) => row.name },
    { header: 'Migration', value: (row) => row.migrationId, source: source.migrations },
    { header: 'Type', value: (row) => row.iterationTypeCode, source: source.iterationTypes },
    { header: 'Master plan', value: (row) => row.masterPlanId, source: source.masterPlans },
    { header: 'Status', value: (row) => row.statusId, source: source.statuses('Iteration') },
    { header: 'Start', value: (row) => row.startDate },
    { header: 'End', value: (row) => row.endDate },
  ],
  fields: [
    { name: 'migrationId', label: 'Migration', kind: 'select', source: source.migrations, required: true },
    { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 255 },
    { name: 'iterationTypeCode', label: 'Iteration type', kind: 'select', source: source.iterationTypes, required: true },
    { name: 'masterPlanId', label: 'Master plan', kind: 'select', source: source.masterPlans, clearable: true, hint: 'The plan this iteration runs; its plan instances are copied from it.' },
    { name: 'statusId', label: 'Status', kind: 'select', source: source.statuses('Iteration'), hint: 'New iterations start in PLANNING.' },
    { name: 'startDate', label: 'Start date', kind: 'date', clearable: true },
    { name: 'endDate', label: 'End date', kind: 'date', clearable: true },
    { name: 'description', label: 'Description', kind: 'textarea', clearable: true },
  ],
  links: [environmentsOfIteration],
});

// ----- master plan tree

export const masterPlansEntity = defineAdminEntity({
  entity: 'masterPlans',
  singular: 'master plan',
  plural: 'master plans',
  nameOf: (row) => row.name,
  columns: [
    { header: 'Name', value: (row) => row.name },
    { header: 'Team', value: (row) => row.teamId, source: source.teams },
    { header: 'Status', value: (row) => row.statusId, source: source.statuses('Plan') },
    { header: 'Description', value: (row) => row.description, kind: 'long' },
  ],
  fields: [
    { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 255 },
    { name: 'teamId', label: 'Owning team', kind: 'select', source: source.teams, required: true },
    { name: 'statusId', label: 'Status', kind: 'select', source: source.statuses('Plan'), hint: 'New plans start in PLANNING.' },
    { name: 'description', label: 'Description', kind: 'textarea', clearable: true },
  ],
});

export interface PlanRef {
  id: string;
  name: string;
}

export function masterSequencesEntity(plan: PlanRef): EntityDescriptor {
  const predecessors = source.sequencesOfPlan(plan.id);
  return defineAdminEntity({
    entity: 'masterSequences',
    singular: 'sequence',
    plural: 'sequences',
    filter: { planId: plan.id },
    fixed: { planId: plan.id },
    nameOf: (row) => orName(row.name, `Sequence ${row.order ?? ''}`.trim()),
    columns: [
      { header: 'Order', value: (row) => row.order, width: '4rem' },
      { header: 'Name', value: (row) => row.name },
      { header: 'Predecessor', value: (row) => row.predecessorId, source: predecessors },
      { header: 'Description', value: (row) => row.description, kind: 'long' },
    ],
    fields: [
      { name: 'order', label: 'Order', kind: 'number', clearable: true },
      { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 255 },
      { name: 'predecessorId', label: 'Predecessor', kind: 'select', source: predecessors, clearable: true, hint: 'A sequence of this plan that must finish first.' },
      { name: 'description', label: 'Description', kind: 'textarea', clearable: true },
    ],
    emptyHint: 'A plan runs as sequences of phases; create the first sequence.',
  });
}

export function masterPhasesEntity(sequence: PlanRef): EntityDescriptor {
  const predecessors = source.phasesOfSequence(sequence.id);
  return defineAdminEntity({
    entity: 'masterPhases',
    singular: 'phase',
    plural: 'phases',
    filter: { sequenceId: sequence.id },
    fixed: { sequenceId: sequence.id },
    nameOf: (row) => orName(row.name, `Phase ${row.order ?? ''}`.trim()),
    columns: [
      { header: 'Order', value: (row) => row.order, width: '4rem' },
      { header: 'Name', value: (row) => row.name },
      { header: 'Predecessor', value: (row) => row.predecessorId, source: predecessors },
      { header: 'Description', value: (row) => row.description, kind: 'long' },
    ],
    fields: [
      { name: 'order', label: 'Order', kind: 'number', clearable: true },
      { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 255 },
      { name: 'predecessorId', label: 'Predecessor', kind: 'select', source: predecessors, clearable: true, hint: 'A phase of this sequence whose gate opens this one.' },
      { name: 'description', label: 'Description', kind: 'textarea', clearable: true },
    ],
  });
}

export function masterStepsEntity(phase: PlanRef, planId: string): EntityDescriptor {
  const predecessors = source.stepsOfPlan(planId);
  return defineAdminEntity({
    entity: 'masterSteps',
    singular: 'step',
    plural: 'steps',
    filter: { phaseId: phase.id },
    fixed: { phaseId: phase.id },
    nameOf: (row) => [row.code, row.name].filter(Boolean).join(' ') || row.id,
    columns: [
      { header: 'Code', value: (row) => row.code, width: '6rem', nowrap: true },
      { header: 'Name', value: (row) => row.name },
      { header: 'Owner team', value: (row) => row.ownerTeamId, source: source.teams },
      { header: 'Minutes', value: (row) => row.durationMinutes, width: '5rem' },
      { header: 'Predecessor', value: (row) => row.predecessorId, source: predecessors },
      { header: 'Impacted teams', value: (row) => row.impactedTeamIds, source: source.teams },
      { header: 'Iteration types', value: (row) => row.iterationTypeCodes, source: source.iterationTypes },
      { header: 'Labels', value: (row) => row.labelIds, source: source.labels },
      { header: 'Environment role', value: (row) => row.environmentRoleId ?? row.targetEnvironmentRoleId, source: source.environmentRoles },
    ],
    fields: [
      { name: 'stepTypeCode', label: 'Step type', kind: 'select', source: source.stepTypes, required: true },
      { name: 'number', label: 'Number', kind: 'number', required: true, hint: 'With the type it makes the step code, e.g. TRT-010; unique in the phase.' },
      { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 255 },
      { name: 'ownerTeamId', label: 'Owner team', kind: 'select', source: source.teams, clearable: true },
      { name: 'durationMinutes', label: 'Duration (minutes)', kind: 'number', clearable: true },
      { name: 'predecessorId', label: 'Predecessor', kind: 'select', source: predecessors, clearable: true, hint: 'A step of this plan that must be completed first.' },
      { name: 'phaseId', label: 'Phase', kind: 'select', source: source.phasesOfPlan(planId), required: true, on: 'edit', hint: 'Move the step to another phase of this plan.' },
      { name: 'environmentRoleId', label: 'Environment role', kind: 'select', source: source.environmentRoles, clearable: true, hint: 'The environment the step runs on (PROD, TEST…); its applications are listed in the step view.' },
      { name: 'targetEnvironmentRoleId', label: 'Target environment role', kind: 'select', source: source.environmentRoles, clearable: true, hint: 'Used when no environment role is set, e.g. the environment data moves to.' },
      { name: 'description', label: 'Description', kind: 'textarea', clearable: true },
    ],
    links: [impactedTeamsOfStep, iterationTypesOfStep, labelsOfStep],
  });
}

export function masterControlsEntity(phase: PlanRef): EntityDescriptor {
  return defineAdminEntity({
    entity: 'masterControls',
    singular: 'control',
    plural: 'controls',
    filter: { phaseId: phase.id },
    fixed: { phaseId: phase.id },
    nameOf: (row) => [row.code, row.name].filter(Boolean).join(' ') || row.id,
    columns: [
      { header: 'Order', value: (row) => row.order, width: '4rem' },
      { header: 'Code', value: (row) => row.code, nowrap: true },
      { header: 'Name', value: (row) => row.name },
      { header: 'Type', value: (row) => row.type },
      { header: 'Critical', value: (row) => row.isCritical === true, kind: 'boolean' },
    ],
    fields: [
      { name: 'code', label: 'Code', kind: 'text', clearable: true, maxLength: 50, hint: 'Unique across all master plans, e.g. C-010.' },
      { name: 'order', label: 'Order', kind: 'number', clearable: true },
      { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: 255 },
      { name: 'type', label: 'Type', kind: 'text', clearable: true, maxLength: 50 },
      { name: 'isCritical', label: 'Critical: the next phase waits until it passes', kind: 'boolean', defaultValue: false },
      { name: 'description', label: 'Description', kind: 'textarea', clearable: true },
    ],
    links: [labelsOfControl],
  });
}

export function masterInstructionsEntity(step: PlanRef, phaseId: string): EntityDescriptor {
  const controls = source.controlsOfPhase(phaseId);
  return defineAdminEntity({
    entity: 'masterInstructions',
    singular: 'instruction',
    plural: 'instructions',
    filter: { stepId: step.id },
    fixed: { stepId: step.id },
    nameOf: (row) => `Instruction ${row.order}`,
    columns: [
      { header: 'Order', value: (row) => row.order, width: '4rem' },
      { header: 'Instruction', value: (row) => row.body, kind: 'long' },
      { header: 'Team', value: (row) => row.teamId, source: source.teams },
      { header: 'Control', value: (row) => row.controlId, source: controls },
      { header: 'Minutes', value: (row) => row.durationMinutes, width: '5rem' },
    ],
    fields: [
      { name: 'order', label: 'Order', kind: 'number', required: true },
      { name: 'body', label: 'Instruction', kind: 'textarea', clearable: true },
      { name: 'teamId', label: 'Team', kind: 'select', source: source.teams, clearable: true, hint: 'The team that ticks it, besides the step’s teams.' },
      { name: 'controlId', label: 'Control', kind: 'select', source: controls, clearable: true, hint: 'A control of this step’s phase that this instruction checks.' },
      { name: 'durationMinutes', label: 'Duration (minutes)', kind: 'number', clearable: true },
    ],
  });
}
