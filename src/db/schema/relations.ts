import { relations } from 'drizzle-orm';
import { applicationLabels, applications, controlLabels, environmentApplications, environments, labels, stepLabels, teamApplications } from './catalog';
import {
  controlInstances,
  instructionInstances,
  phaseInstances,
  planInstances,
  sequenceInstances,
  stepComments,
  stepInstances,
} from './execution';
import {
  importBatches,
  importEntityDependencies,
  importOrchestrations,
  importProgress,
  importRollbackActions,
  importSchedules,
  orchestrationDependencies,
  scheduleExecutions,
  scheduleReservations,
  stagedInstructions,
  stagedSteps,
} from './imports';
import {
  masterControls,
  masterInstructions,
  masterPhases,
  masterPlans,
  masterSequences,
  masterStepImpactedTeams,
  masterStepIterationTypes,
  masterSteps,
  pilotComments,
} from './master';
import { teamMembers, teams, users } from './people';
import { iterationEnvironments, iterations, migrations } from './programme';
import { environmentRoles, iterationTypes, roles, statuses, stepTypes } from './reference';
import { auditLog, systemConfiguration } from './system';

// Relations for db.query. A `many` finds its columns through the one `one` pointing back, so
// a table pointing at another twice (validators, created/updated by) gets no `many` back
// unless both sides carry a relationName.

// People

export const rolesRelations = relations(roles, ({ many }) => ({
  users: many(users),
}));

export const usersRelations = relations(users, ({ one, many }) => ({
  role: one(roles, { fields: [users.roleId], references: [roles.id] }),
  teamMemberships: many(teamMembers),
}));

export const teamsRelations = relations(teams, ({ many }) => ({
  members: many(teamMembers),
  applications: many(teamApplications),
  impactedSteps: many(masterStepImpactedTeams),
}));

export const teamMembersRelations = relations(teamMembers, ({ one }) => ({
  team: one(teams, { fields: [teamMembers.teamId], references: [teams.id] }),
  user: one(users, { fields: [teamMembers.userId], references: [users.id] }),
}));

// Catalog

export const applicationsRelations = relations(applications, ({ many }) => ({
  environments: many(environmentApplications),
  teams: many(teamApplications),
  labels: many(applicationLabels),
}));

export const environmentsRelations = relations(environments, ({ many }) => ({
  applications: many(environmentApplications),
  iterations: many(iterationEnvironments),
  configuration: many(systemConfiguration),
}));

export const environmentApplicationsRelations = relations(environmentApplications, ({ one }) => ({
  environment: one(environments, { fields: [environmentApplications.environmentId], references: [environments.id] }),
  application: one(applications, { fields: [environmentApplications.applicationId], references: [applications.id] }),
}));

export const teamApplicationsRelations = relations(teamApplications, ({ one }) => ({
  team: one(teams, { fields: [teamApplications.teamId], references: [teams.id] }),
  application: one(applications, { fields: [teamApplications.applicationId], references: [applications.id] }),
}));

export const labelsRelations = relations(labels, ({ one, many }) => ({
  migration: one(migrations, { fields: [labels.migrationId], references: [migrations.id] }),
  steps: many(stepLabels),
  applications: many(applicationLabels),
  controls: many(controlLabels),
}));

export const stepLabelsRelations = relations(stepLabels, ({ one }) => ({
  label: one(labels, { fields: [stepLabels.labelId], references: [labels.id] }),
  masterStep: one(masterSteps, { fields: [stepLabels.masterStepId], references: [masterSteps.id] }),
}));

export const applicationLabelsRelations = relations(applicationLabels, ({ one }) => ({
  label: one(labels, { fields: [applicationLabels.labelId], references: [labels.id] }),
  application: one(applications, { fields: [applicationLabels.applicationId], references: [applications.id] }),
}));

export const controlLabelsRelations = relations(controlLabels, ({ one }) => ({
  label: one(labels, { fields: [controlLabels.labelId], references: [labels.id] }),
  masterControl: one(masterControls, { fields: [controlLabels.masterControlId], references: [masterControls.id] }),
}));

// Programme: migration > iterations > plan instances

export const migrationsRelations = relations(migrations, ({ one, many }) => ({
  owner: one(users, { fields: [migrations.ownerId], references: [users.id] }),
  status: one(statuses, { fields: [migrations.statusId], references: [statuses.id] }),
  iterations: many(iterations),
  labels: many(labels),
}));

export const iterationTypesRelations = relations(iterationTypes, ({ many }) => ({
  iterations: many(iterations),
  masterSteps: many(masterStepIterationTypes),
}));

export const iterationsRelations = relations(iterations, ({ one, many }) => ({
  migration: one(migrations, { fields: [iterations.migrationId], references: [migrations.id] }),
  masterPlan: one(masterPlans, { fields: [iterations.masterPlanId], references: [masterPlans.id] }),
  iterationType: one(iterationTypes, { fields: [iterations.iterationTypeCode], references: [iterationTypes.code] }),
  status: one(statuses, { fields: [iterations.statusId], references: [statuses.id] }),
  planInstances: many(planInstances),
  environments: many(iterationEnvironments),
}));

export const iterationEnvironmentsRelations = relations(iterationEnvironments, ({ one }) => ({
  environment: one(environments, { fields: [iterationEnvironments.environmentId], references: [environments.id] }),
  iteration: one(iterations, { fields: [iterationEnvironments.iterationId], references: [iterations.id] }),
  environmentRole: one(environmentRoles, { fields: [iterationEnvironments.environmentRoleId], references: [environmentRoles.id] }),
}));

// Master templates: plan > sequences > phases > steps > instructions; phase > controls

export const masterPlansRelations = relations(masterPlans, ({ one, many }) => ({
  team: one(teams, { fields: [masterPlans.teamId], references: [teams.id] }),
  status: one(statuses, { fields: [masterPlans.statusId], references: [statuses.id] }),
  sequences: many(masterSequences),
  iterations: many(iterations),
  instances: many(planInstances),
  importBatches: many(importBatches),
}));

export const masterSequencesRelations = relations(masterSequences, ({ one, many }) => ({
  plan: one(masterPlans, { fields: [masterSequences.planId], references: [masterPlans.id] }),
  predecessor: one(masterSequences, { fields: [masterSequences.predecessorId], references: [masterSequences.id] }),
  phases: many(masterPhases),
}));

export const masterPhasesRelations = relations(masterPhases, ({ one, many }) => ({
  sequence: one(masterSequences, { fields: [masterPhases.sequenceId], references: [masterSequences.id] }),
  predecessor: one(masterPhases, { fields: [masterPhases.predecessorId], references: [masterPhases.id] }),
  steps: many(masterSteps),
  controls: many(masterControls),
}));

export const masterStepsRelations = relations(masterSteps, ({ one, many }) => ({
  phase: one(masterPhases, { fields: [masterSteps.phaseId], references: [masterPhases.id] }),
  ownerTeam: one(teams, { fields: [masterSteps.ownerTeamId], references: [teams.id] }),
  stepType: one(stepTypes, { fields: [masterSteps.stepTypeCode], references: [stepTypes.code] }),
  predecessor: one(masterSteps, { fields: [masterSteps.predecessorId], references: [masterSteps.id] }),
  targetEnvironmentRole: one(environmentRoles, { fields: [masterSteps.targetEnvironmentRoleId], references: [environmentRoles.id] }),
  environmentRole: one(environmentRoles, { fields: [masterSteps.environmentRoleId], references: [environmentRoles.id] }),
  instructions: many(masterInstructions),
  iterationTypes: many(masterStepIterationTypes),
  impactedTeams: many(masterStepImpactedTeams),
  labels: many(stepLabels),
  pilotComments: many(pilotComments),
  instances: many(stepInstances),
}));

export const masterControlsRelations = relations(masterControls, ({ one, many }) => ({
  phase: one(masterPhases, { fields: [masterControls.phaseId], references: [masterPhases.id] }),
  instructions: many(masterInstructions),
  labels: many(controlLabels),
  instances: many(controlInstances),
}));

export const masterInstructionsRelations = relations(masterInstructions, ({ one }) => ({
  step: one(masterSteps, { fields: [masterInstructions.stepId], references: [masterSteps.id] }),
  team: one(teams, { fields: [masterInstructions.teamId], references: [teams.id] }),
  control: one(masterControls, { fields: [masterInstructions.controlId], references: [masterControls.id] }),
}));

export const masterStepIterationTypesRelations = relations(masterStepIterationTypes, ({ one }) => ({
  step: one(masterSteps, { fields: [masterStepIterationTypes.stepId], references: [masterSteps.id] }),
  iterationType: one(iterationTypes, { fields: [masterStepIterationTypes.iterationTypeCode], references: [iterationTypes.code] }),
}));

export const masterStepImpactedTeamsRelations = relations(masterStepImpactedTeams, ({ one }) => ({
  step: one(masterSteps, { fields: [masterStepImpactedTeams.stepId], references: [masterSteps.id] }),
  team: one(teams, { fields: [masterStepImpactedTeams.teamId], references: [teams.id] }),
}));

export const pilotCommentsRelations = relations(pilotComments, ({ one }) => ({
  step: one(masterSteps, { fields: [pilotComments.stepId], references: [masterSteps.id] }),
  createdByUser: one(users, { fields: [pilotComments.createdBy], references: [users.id] }),
  updatedByUser: one(users, { fields: [pilotComments.updatedBy], references: [users.id] }),
}));

// Execution: plan instance > sequences > phases > steps > instructions; phase > controls

export const planInstancesRelations = relations(planInstances, ({ one, many }) => ({
  masterPlan: one(masterPlans, { fields: [planInstances.masterPlanId], references: [masterPlans.id] }),
  iteration: one(iterations, { fields: [planInstances.iterationId], references: [iterations.id] }),
  owner: one(users, { fields: [planInstances.ownerId], references: [users.id] }),
  status: one(statuses, { fields: [planInstances.statusId], references: [statuses.id] }),
  sequences: many(sequenceInstances),
}));

export const sequenceInstancesRelations = relations(sequenceInstances, ({ one, many }) => ({
  plan: one(planInstances, { fields: [sequenceInstances.planId], references: [planInstances.id] }),
  masterSequence: one(masterSequences, { fields: [sequenceInstances.masterSequenceId], references: [masterSequences.id] }),
  status: one(statuses, { fields: [sequenceInstances.statusId], references: [statuses.id] }),
  predecessor: one(sequenceInstances, { fields: [sequenceInstances.predecessorId], references: [sequenceInstances.id] }),
  phases: many(phaseInstances),
}));

export const phaseInstancesRelations = relations(phaseInstances, ({ one, many }) => ({
  sequence: one(sequenceInstances, { fields: [phaseInstances.sequenceId], references: [sequenceInstances.id] }),
  masterPhase: one(masterPhases, { fields: [phaseInstances.masterPhaseId], references: [masterPhases.id] }),
  status: one(statuses, { fields: [phaseInstances.statusId], references: [statuses.id] }),
  predecessor: one(phaseInstances, { fields: [phaseInstances.predecessorId], references: [phaseInstances.id] }),
  steps: many(stepInstances),
  controls: many(controlInstances),
}));

export const stepInstancesRelations = relations(stepInstances, ({ one, many }) => ({
  phase: one(phaseInstances, { fields: [stepInstances.phaseId], references: [phaseInstances.id] }),
  masterStep: one(masterSteps, { fields: [stepInstances.masterStepId], references: [masterSteps.id] }),
  status: one(statuses, { fields: [stepInstances.statusId], references: [statuses.id] }),
  predecessor: one(stepInstances, { fields: [stepInstances.predecessorId], references: [stepInstances.id] }),
  environmentRole: one(environmentRoles, { fields: [stepInstances.environmentRoleId], references: [environmentRoles.id] }),
  instructions: many(instructionInstances),
  comments: many(stepComments),
}));

export const controlInstancesRelations = relations(controlInstances, ({ one }) => ({
  phase: one(phaseInstances, { fields: [controlInstances.phaseId], references: [phaseInstances.id] }),
  masterControl: one(masterControls, { fields: [controlInstances.masterControlId], references: [masterControls.id] }),
  status: one(statuses, { fields: [controlInstances.statusId], references: [statuses.id] }),
  itValidator: one(users, { fields: [controlInstances.itValidatorId], references: [users.id] }),
  bizValidator: one(users, { fields: [controlInstances.bizValidatorId], references: [users.id] }),
}));

export const instructionInstancesRelations = relations(instructionInstances, ({ one }) => ({
  step: one(stepInstances, { fields: [instructionInstances.stepId], references: [stepInstances.id] }),
  masterInstruction: one(masterInstructions, { fields: [instructionInstances.masterInstructionId], references: [masterInstructions.id] }),
  completedBy: one(users, { fields: [instructionInstances.completedById], references: [users.id] }),
}));

export const stepCommentsRelations = relations(stepComments, ({ one }) => ({
  step: one(stepInstances, { fields: [stepComments.stepId], references: [stepInstances.id] }),
  createdByUser: one(users, { fields: [stepComments.createdBy], references: [users.id] }),
  updatedByUser: one(users, { fields: [stepComments.updatedBy], references: [users.id] }),
}));

// Imports

export const importBatchesRelations = relations(importBatches, ({ one, many }) => ({
  masterPlan: one(masterPlans, { fields: [importBatches.masterPlanId], references: [masterPlans.id] }),
  stagedSteps: many(stagedSteps),
  stagedInstructions: many(stagedInstructions),
  orchestrations: many(importOrchestrations),
  progress: many(importProgress),
  rollbackActions: many(importRollbackActions),
  entityDependencies: many(importEntityDependencies),
}));

export const stagedStepsRelations = relations(stagedSteps, ({ one }) => ({
  batch: one(importBatches, { fields: [stagedSteps.batchId], references: [importBatches.id] }),
}));

export const stagedInstructionsRelations = relations(stagedInstructions, ({ one }) => ({
  batch: one(importBatches, { fields: [stagedInstructions.batchId], references: [importBatches.id] }),
}));

export const importOrchestrationsRelations = relations(importOrchestrations, ({ one, many }) => ({
  batch: one(importBatches, { fields: [importOrchestrations.batchId], references: [importBatches.id] }),
  progress: many(importProgress),
  dependsOn: many(orchestrationDependencies, { relationName: 'orchestrationDependsOn' }),
  dependedOnBy: many(orchestrationDependencies, { relationName: 'orchestrationDependedOnBy' }),
}));

export const orchestrationDependenciesRelations = relations(orchestrationDependencies, ({ one }) => ({
  orchestration: one(importOrchestrations, {
    fields: [orchestrationDependencies.orchestrationId],
    references: [importOrchestrations.id],
    relationName: 'orchestrationDependsOn',
  }),
  dependsOnOrchestration: one(importOrchestrations, {
    fields: [orchestrationDependencies.dependsOnOrchestrationId],
    references: [importOrchestrations.id],
    relationName: 'orchestrationDependedOnBy',
  }),
}));

export const importProgressRelations = relations(importProgress, ({ one }) => ({
  batch: one(importBatches, { fields: [importProgress.batchId], references: [importBatches.id] }),
  orchestration: one(importOrchestrations, { fields: [importProgress.orchestrationId], references: [importOrchestrations.id] }),
}));

export const importRollbackActionsRelations = relations(importRollbackActions, ({ one }) => ({
  batch: one(importBatches, { fields: [importRollbackActions.batchId], references: [importBatches.id] }),
}));

export const importEntityDependenciesRelations = relations(importEntityDependencies, ({ one }) => ({
  batch: one(importBatches, { fields: [importEntityDependencies.batchId], references: [importBatches.id] }),
}));

export const importSchedulesRelations = relations(importSchedules, ({ many }) => ({
  executions: many(scheduleExecutions),
  reservations: many(scheduleReservations),
}));

export const scheduleExecutionsRelations = relations(scheduleExecutions, ({ one }) => ({
  schedule: one(importSchedules, { fields: [scheduleExecutions.scheduleId], references: [importSchedules.id] }),
}));

export const scheduleReservationsRelations = relations(scheduleReservations, ({ one }) => ({
  schedule: one(importSchedules, { fields: [scheduleReservations.scheduleId], references: [importSchedules.id] }),
}));

// System

export const systemConfigurationRelations = relations(systemConfiguration, ({ one }) => ({
  environment: one(environments, { fields: [systemConfiguration.environmentId], references: [environments.id] }),
}));

export const auditLogRelations = relations(auditLog, ({ one }) => ({
  user: one(users, { fields: [auditLog.userId], references: [users.id] }),
}));
