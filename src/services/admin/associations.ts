import { z } from 'zod';
import {
  applicationLabels,
  controlLabels,
  environmentApplications,
  iterationEnvironments,
  masterStepImpactedTeams,
  masterStepIterationTypes,
  stepLabels,
  teamApplications,
  teamMembers,
} from '../../db/schema';
import { applicationEntity, environmentEntity, labelEntity } from './entities/catalog';
import { masterControlEntity, masterStepEntity } from './entities/master';
import { teamEntity, userEntity } from './entities/people';
import { iterationEntity } from './entities/programme';
import { iterationTypeEntity } from './entities/reference';
import { serialId } from './fields';
import { defineLink } from './links';

const q = (name: string) => `"${name}"`;

export const teamMemberLink = defineLink({
  key: 'teamMembers',
  entityType: 'team_member',
  phrase: (team, user) => `User ${q(user)} in team ${q(team)}`,
  table: teamMembers,
  manage: 'referenceData',
  left: { prop: 'teamId', entity: teamEntity },
  right: { prop: 'userId', entity: userEntity },
  keys: z.strictObject({ teamId: serialId, userId: serialId }),
});

export const teamApplicationLink = defineLink({
  key: 'teamApplications',
  entityType: 'team_application',
  phrase: (team, application) => `Application ${q(application)} of team ${q(team)}`,
  table: teamApplications,
  manage: 'referenceData',
  left: { prop: 'teamId', entity: teamEntity },
  right: { prop: 'applicationId', entity: applicationEntity },
  keys: z.strictObject({ teamId: serialId, applicationId: serialId }),
});

export const environmentApplicationLink = defineLink({
  key: 'environmentApplications',
  entityType: 'environment_application',
  phrase: (environment, application) => `Application ${q(application)} in environment ${q(environment)}`,
  table: environmentApplications,
  manage: 'referenceData',
  left: { prop: 'environmentId', entity: environmentEntity },
  right: { prop: 'applicationId', entity: applicationEntity },
  keys: z.strictObject({ environmentId: serialId, applicationId: serialId }),
});

/** Adding an environment that is already linked with another role changes its role. */
export const iterationEnvironmentLink = defineLink({
  key: 'iterationEnvironments',
  entityType: 'iteration_environment',
  phrase: (iteration, environment) => `Environment ${q(environment)} of iteration ${q(iteration)}`,
  table: iterationEnvironments,
  manage: 'plans',
  left: { prop: 'iterationId', entity: iterationEntity },
  right: { prop: 'environmentId', entity: environmentEntity },
  keys: z.strictObject({ iterationId: z.uuid(), environmentId: serialId }),
  extra: z.strictObject({ environmentRoleId: serialId.nullable().optional() }),
});

export const stepImpactedTeamLink = defineLink({
  key: 'stepImpactedTeams',
  entityType: 'step_impacted_team',
  phrase: (step, team) => `Team ${q(team)} impacted by step ${q(step)}`,
  table: masterStepImpactedTeams,
  manage: 'plans',
  left: { prop: 'stepId', entity: masterStepEntity },
  right: { prop: 'teamId', entity: teamEntity },
  keys: z.strictObject({ stepId: z.uuid(), teamId: serialId }),
});

export const stepIterationTypeLink = defineLink({
  key: 'stepIterationTypes',
  entityType: 'step_iteration_type',
  phrase: (step, type) => `Step ${q(step)} runs in ${q(type)} iterations`,
  table: masterStepIterationTypes,
  manage: 'plans',
  left: { prop: 'stepId', entity: masterStepEntity },
  right: { prop: 'iterationTypeCode', entity: iterationTypeEntity },
  keys: z.strictObject({ stepId: z.uuid(), iterationTypeCode: z.string().min(1).max(10) }),
});

export const stepLabelLink = defineLink({
  key: 'stepLabels',
  entityType: 'step_label',
  phrase: (step, label) => `Label ${q(label)} on step ${q(step)}`,
  table: stepLabels,
  manage: 'plans',
  left: { prop: 'masterStepId', entity: masterStepEntity },
  right: { prop: 'labelId', entity: labelEntity },
  keys: z.strictObject({ masterStepId: z.uuid(), labelId: serialId }),
});

export const applicationLabelLink = defineLink({
  key: 'labelApplications',
  entityType: 'label_application',
  phrase: (label, application) => `Label ${q(label)} on application ${q(application)}`,
  table: applicationLabels,
  manage: 'referenceData',
  left: { prop: 'labelId', entity: labelEntity },
  right: { prop: 'applicationId', entity: applicationEntity },
  keys: z.strictObject({ labelId: serialId, applicationId: serialId }),
});

export const controlLabelLink = defineLink({
  key: 'labelControls',
  entityType: 'label_control',
  phrase: (label, control) => `Label ${q(label)} on control ${q(control)}`,
  table: controlLabels,
  manage: 'plans',
  left: { prop: 'labelId', entity: labelEntity },
  right: { prop: 'masterControlId', entity: masterControlEntity },
  keys: z.strictObject({ labelId: serialId, masterControlId: z.uuid() }),
});
