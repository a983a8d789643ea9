export { applicationEntity, environmentEntity, labelEntity } from './catalog';
export { masterControlEntity, masterInstructionEntity, masterPhaseEntity, masterPlanEntity, masterSequenceEntity, masterStepEntity, stepCodeOf } from './master';
export { teamEntity, userEntity } from './people';
export { iterationEntity, migrationEntity } from './programme';
export { iterationTypeEntity, migrationTypeEntity, statusEntity, stepTypeEntity } from './reference';
export { emailTemplateEntity, systemConfigurationEntity } from './system';
