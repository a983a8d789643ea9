/**
 * The download templates the admin page offers: the two CSV headers, and a worked example of each
 * format (the same files as docs/examples/, which a test keeps identical). The example imports
 * into a plan with a sequence "Cutover weekend" holding phases "Freeze" and "Data migration",
 * and teams "Cutover Ops", "Database Team" and "Network Team".
 */
import { INSTRUCTION_COLUMNS, STEP_COLUMNS } from './csv-source';
import { JSON_FORMAT_NAME, JSON_FORMAT_VERSION } from './json-source';

export const STEPS_CSV_EXAMPLE = [
  'step_id,name,description,phase_id,owner_team,duration_minutes,environments,target_environment,teams_impacted,iteration_types,predecessor',
  'PRE-010,Announce the change freeze,"Mail all teams, then post on the cutover channel",Cutover weekend / Freeze,Cutover Ops,15,PROD,,Network Team,,',
  'PRE-020,Stop the batch scheduler,,Cutover weekend / Freeze,Database Team,30,PROD,,,DR|RUN|CUTOVER,PRE-010',
  'TRT-010,Export the customer database,Full export with the standard parameter file,Cutover weekend / Data migration,Database Team,120,PROD,BACKUP,Cutover Ops|Network Team,,PRE-020',
  'CHK-010,Compare row counts,,Cutover weekend / Data migration,Cutover Ops,20,TEST,,Database Team,DR,TRT-010',
  '',
].join('\r\n');

export const INSTRUCTIONS_CSV_EXAMPLE = [
  'instruction_id,step_id,instruction_text,order_number,duration_minutes,team',
  'I-1,PRE-010,Send the freeze announcement,1,5,',
  'I-2,PRE-010,Post the freeze on the cutover channel,2,5,',
  'I-3,PRE-020,Put the scheduler on hold,1,10,Database Team',
  'I-4,PRE-020,"Check that no job is running (""jobs -l"" is empty)",2,20,',
  'I-5,TRT-010,Start the export,1,100,',
  'I-6,TRT-010,Archive the export log,2,20,Cutover Ops',
  'I-7,CHK-010,Run the row count script on both sides,1,20,',
  '',
].join('\r\n');

export const JSON_EXAMPLE = {
  format: JSON_FORMAT_NAME,
  version: JSON_FORMAT_VERSION,
  plan: { name: 'Core banking cutover', description: 'Example plan' },
  sequences: [
    {
      name: 'Cutover weekend',
      order: 1,
      phases: [
        { name: 'Freeze', order: 1 },
        { name: 'Data migration', order: 2 },
      ],
    },
  ],
  steps: [
    {
      code: 'PRE-010',
      name: 'Announce the change freeze',
      description: 'Mail all teams, then post on the cutover channel',
      phase: 'Freeze',
      ownerTeam: 'Cutover Ops',
      durationMinutes: 15,
      predecessor: null,
      environmentRole: 'PROD',
      targetEnvironmentRole: null,
      impactedTeams: ['Network Team'],
      iterationTypes: [],
      instructions: [
        { order: 1, text: 'Send the freeze announcement', durationMinutes: 5, team: null },
        { order: 2, text: 'Post the freeze on the cutover channel', durationMinutes: 5, team: null },
      ],
    },
    {
      code: 'PRE-020',
      name: 'Stop the batch scheduler',
      description: null,
      phase: 'Freeze',
      ownerTeam: 'Database Team',
      durationMinutes: 30,
      predecessor: 'PRE-010',
      environmentRole: 'PROD',
      targetEnvironmentRole: null,
      impactedTeams: [],
      iterationTypes: ['DR', 'RUN', 'CUTOVER'],
      instructions: [
        { order: 1, text: 'Put the scheduler on hold', durationMinutes: 10, team: 'Database Team' },
        { order: 2, text: 'Check that no job is running ("jobs -l" is empty)', durationMinutes: 20, team: null },
      ],
    },
    {
      code: 'TRT-010',
      name: 'Export the customer database',
      description: 'Full export with the standard parameter file',
      phase: 'Data migration',
      ownerTeam: 'Database Team',
      durationMinutes: 120,
      predecessor: 'PRE-020',
      environmentRole: 'PROD',
      targetEnvironmentRole: 'BACKUP',
      impactedTeams: ['Cutover Ops', 'Network Team'],
      iterationTypes: [],
      instructions: [
        { order: 1, text: 'Start the export', durationMinutes: 100, team: null },
        { order: 2, text: 'Archive the export log', durationMinutes: 20, team: 'Cutover Ops' },
      ],
    },
    {
      code: 'CHK-010',
      name: 'Compare row counts',
      description: null,
      phase: 'Data migration',
      ownerTeam: 'Cutover Ops',
      durationMinutes: 20,
      predecessor: 'TRT-010',
      environmentRole: 'TEST',
      targetEnvironmentRole: null,
      impactedTeams: ['Database Team'],
      iterationTypes: ['DR'],
      instructions: [{ order: 1, text: 'Run the row count script on both sides', durationMinutes: 20, team: null }],
    },
  ],
};

export interface ImportTemplates {
  csv: {
    steps: { fileName: string; header: string; example: string };
    instructions: { fileName: string; header: string; example: string };
  };
  json: { fileName: string; example: string };
  /** Where the formats are described in full. */
  documentation: string;
}

export function importTemplates(): ImportTemplates {
  return {
    csv: {
      steps: { fileName: 'steps.csv', header: `${STEP_COLUMNS.join(',')}\r\n`, example: STEPS_CSV_EXAMPLE },
      instructions: { fileName: 'instructions.csv', header: `${INSTRUCTION_COLUMNS.join(',')}\r\n`, example: INSTRUCTIONS_CSV_EXAMPLE },
    },
    json: { fileName: 'plan.json', example: `${JSON.stringify(JSON_EXAMPLE, null, 2)}\n` },
    documentation: 'docs/import-format.md',
  };
}
