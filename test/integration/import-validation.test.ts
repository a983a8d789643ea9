import { eq } from 'drizzle-orm';
import { importBatches, teams } from '../../src/db/schema';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { createEmptyPlan, dumpMaster, errorOf, expectData, type ImportCaller, makeImportCaller } from './import-fixtures';

/** file:line:column:rule, the part of a report entry a test can pin down. */
function keys(report: Array<{ file: string; line: number | null; column: string | null; rule: string }>): string[] {
  return report.map((problem) => `${problem.file}:${problem.line ?? '-'}:${problem.column ?? '-'}:${problem.rule}`);
}

describe('import validation', () => {
  let s: Scenario;
  let caller: ImportCaller;
  let planId: string;
  let databaseTeamId: number;
  const admin = ACCOUNTS.admin;

  beforeAll(async () => {
    s = await createScenario();
    caller = makeImportCaller(s.db);
    ({ planId } = await createEmptyPlan(s.db, s.teams.owner, {
      name: 'Validation target',
      sequences: [
        { name: 'Cutover weekend', phases: ['Freeze', 'Data migration'] },
        { name: 'Fallback', phases: ['Freeze'] },
      ],
    }));
    await s.db.insert(teams).values([{ name: 'Twins' }, { name: 'twins ' }]);
    databaseTeamId = s.teams.impacted;
  });
  afterAll(() => s.close());

  async function upload(files: Array<{ name: string; content: string }>, format: 'CSV' | 'JSON' = 'CSV') {
    const before = await dumpMaster(s.db);
    const view = expectData(await caller.call(admin, 'imports/upload', { masterPlanId: planId, format, files }));
    expect(view.status).toBe('INVALID');
    expect(view.next).toBeNull();
    expect(view.counts.errors).toBe(view.report.length);
    const promote = errorOf(await caller.call(admin, 'imports/promote', { batchId: view.batchId }));
    expect(promote.code).toBe('VALIDATION');
    expect(await dumpMaster(s.db)).toEqual(before);
    return view;
  }

  it('reports every kind of problem of a CSV pair with its file, line and column, and changes nothing', async () => {
    const header =
      'step_id,name,description,phase_id,owner_team,owner_team_id,environments,environment_id,target_environment,app_id,applications,order_number,duration_minutes,step_type,teams_impacted,iteration_types,predecessor,colour';
    const steps = [
      header, // 1
      'PRE-010,Good step,,Cutover weekend / Freeze,Cutover Ops,,PROD,,,,,,15,,,,,', // 2
      'PRE-020,,desc,Nowhere,Ghost team,,MARS,,,,,,ten,,Network Team|Phantoms,XX,PRE-999,', // 3
      'ZZZ-010,Unknown type,,Data migration,,,,,,,,,,,,,,', // 4
      'TRT-1O,Bad code,,Data migration,,,,,,,,,-5,,,,,', // 5
      'PRE-010,Duplicate,,Cutover weekend / Freeze,,,,,,,,,1.5,,,,,', // 6
      'TRT-010,Cycle A,,Data migration,,,,,,,,,,,,,TRT-020,', // 7
      'TRT-020,Cycle B,,Data migration,,,,,,,,,,,,,TRT-010,', // 8
      'CHK-020,Check,,Data migration,,,,,,,,,,,,,,', // 9
      'PRE-030,Waits for a later phase (allowed),,Cutover weekend / Freeze,,,,,,,,,,,,,CHK-020,', // 10
      'PRE-040,Twins owned,,Cutover weekend / Freeze,Twins,,,,,,,,,,,,,', // 11
      `PRE-050,Conflicting owner,,Cutover weekend / Freeze,Cutover Ops,${databaseTeamId},,,,,,,,,,,,`, // 12
      'PRE-060,Bad ids,,Cutover weekend / Freeze,,99999,,99999,BOGUS,99999,NOPE,70,,,,,,', // 13
      'PRE-070,Type mismatch,,Cutover weekend / Freeze,,,,,,,,,,TRT,,,,', // 14
      'PRE-080,Short', // 15
      'CHK-030,Twin code A,,Data migration,,,,,,,,,,,,,,', // 16
      'CHK-030,Twin code B,,Fallback / Freeze,,,,,,,,,,,,,,', // 17
      'PRE-090,Ambiguous predecessor,,Cutover weekend / Freeze,,,,,,,,,,,,,CHK-030,', // 18
      'PRE-095,Ambiguous phase,,Freeze,,,,,,,,,,,,,,', // 19
    ].join('\n');
    const instructions = [
      'instruction_id,step_id,instruction_text,order_number,duration_minutes,team', // 1
      'I1,CHK-020,Do it,1,5,', // 2
      'I1,CHK-020,Again,1,x,Ghost', // 3
      'I3,NOPE-1,Bad reference,1,,', // 4
      'I4,CHK-404,Unknown step,1,,', // 5
      'I5,CHK-030,Ambiguous step,1,,', // 6
      'I6,CHK-020,,2,,', // 7
      'I7,CHK-020,No order,,,', // 8
    ].join('\n');
    const view = await upload([
      { name: 'steps.csv', content: steps },
      { name: 'instructions.csv', content: instructions },
    ]);
    expect(keys(view.report)).toEqual([
      'instructions.csv:3:duration_minutes:NOT_A_NUMBER',
      'instructions.csv:3:instruction_id:DUPLICATE_INSTRUCTION_ID',
      'instructions.csv:3:order_number:DUPLICATE_INSTRUCTION',
      'instructions.csv:3:team:UNKNOWN_TEAM',
      'instructions.csv:4:step_id:BAD_STEP_CODE',
      'instructions.csv:5:step_id:UNKNOWN_STEP',
      'instructions.csv:6:step_id:AMBIGUOUS_STEP',
      'instructions.csv:7:instruction_text:REQUIRED',
      'instructions.csv:8:order_number:REQUIRED',
      'steps.csv:1:colour:UNKNOWN_COLUMN',
      'steps.csv:3:duration_minutes:NOT_A_NUMBER',
      'steps.csv:3:environments:UNKNOWN_ENVIRONMENT_ROLE',
      'steps.csv:3:iteration_types:UNKNOWN_ITERATION_TYPE',
      'steps.csv:3:name:REQUIRED',
      'steps.csv:3:owner_team:UNKNOWN_TEAM',
      'steps.csv:3:phase_id:UNKNOWN_PHASE',
      'steps.csv:3:predecessor:UNKNOWN_PREDECESSOR',
      'steps.csv:3:teams_impacted:UNKNOWN_TEAM',
      'steps.csv:4:step_id:UNKNOWN_STEP_TYPE',
      'steps.csv:5:duration_minutes:NOT_A_NUMBER',
      'steps.csv:5:step_id:BAD_STEP_CODE',
      'steps.csv:6:duration_minutes:NOT_A_NUMBER',
      'steps.csv:6:step_id:DUPLICATE_STEP',
      'steps.csv:7:predecessor:PREDECESSOR_CYCLE',
      'steps.csv:11:owner_team:AMBIGUOUS_TEAM',
      'steps.csv:12:owner_team:CONFLICTING_VALUES',
      'steps.csv:13:app_id:UNKNOWN_APPLICATION',
      'steps.csv:13:applications:UNKNOWN_APPLICATION',
      'steps.csv:13:environment_id:UNKNOWN_ENVIRONMENT_ROLE',
      'steps.csv:13:order_number:CONFLICTING_VALUES',
      'steps.csv:13:owner_team_id:UNKNOWN_TEAM',
      'steps.csv:13:target_environment:UNKNOWN_ENVIRONMENT_ROLE',
      'steps.csv:14:step_type:CONFLICTING_VALUES',
      'steps.csv:15:-:FIELD_COUNT',
      'steps.csv:15:phase_id:REQUIRED',
      'steps.csv:16:step_id:STEP_CODE_IN_OTHER_PHASE',
      'steps.csv:17:step_id:STEP_CODE_IN_OTHER_PHASE',
      'steps.csv:18:predecessor:AMBIGUOUS_PREDECESSOR',
      'steps.csv:19:phase_id:AMBIGUOUS_PHASE',
    ]);
    const sentence = (line: number, rule: string) => view.report.find((p) => p.file === 'steps.csv' && p.line === line && p.rule === rule)?.message;
    expect(sentence(3, 'NOT_A_NUMBER')).toBe('duration_minutes must be a whole number of minutes from 0 to 10,080 (7 days); found "ten".');
    expect(sentence(3, 'UNKNOWN_PHASE')).toBe('The plan has no phase "Nowhere"; write the phase name, or "Sequence name / Phase name".');
    expect(sentence(7, 'PREDECESSOR_CYCLE')).toBe('Predecessors form a circle: TRT-010 (Cutover weekend / Data migration) → TRT-020 (Cutover weekend / Data migration) → TRT-010 (Cutover weekend / Data migration).');
    expect(sentence(6, 'DUPLICATE_STEP')).toBe('Step PRE-010 appears twice in the same phase (first on line 2).');
    expect(sentence(16, 'STEP_CODE_IN_OTHER_PHASE')).toBe(
      'Step "CHK-030" already exists in phase "Fallback / Freeze" of this plan; a step code names one step of a plan, so choose another number.',
    );
    expect(sentence(18, 'AMBIGUOUS_PREDECESSOR')).toBe('Several phases have a step "CHK-030"; write the predecessor as "Phase name / CHK-030".');
    const [batch] = await s.db.select().from(importBatches).where(eq(importBatches.id, view.batchId));
    expect(batch!.validationReport).toEqual(view.report);
    expect(batch!.errorCount).toBe(39);
  });

  it('reports JSON problems with the line of the value and its path', async () => {
    const document = [
      '{', // 1
      '  "version": 2,', // 2
      '  "extra": true,', // 3
      '  "steps": [', // 4
      '    {', // 5
      '      "code": "PRE-010", "name": "A", "phase": "Cutover weekend / Freeze",', // 6
      '      "durationMinutes": "soon",', // 7
      '      "impactedTeams": "Network Team",', // 8
      '      "colour": 1,', // 9
      '      "instructions": [', // 10
      '        { "text": 5 },', // 11
      '        "oops"', // 12
      '      ]', // 13
      '    },', // 14
      '    "not an object",', // 15
      '    {', // 16
      '      "code": "PRE-020", "name": "B", "phase": "Data migration",', // 17
      '      "predecessor": "PRE-010", "ownerTeam": "Nobody",', // 18
      '      "instructions": [{ "text": "ok", "team": "Nobody either" }]', // 19
      '    }', // 20
      '  ]', // 21
      '}', // 22
    ].join('\n');
    const view = await upload([{ name: 'plan.json', content: document }], 'JSON');
    expect(keys(view.report)).toEqual([
      'plan.json:2:version:WRONG_TYPE',
      'plan.json:3:extra:UNKNOWN_FIELD',
      'plan.json:7:steps[0].durationMinutes:NOT_A_NUMBER',
      'plan.json:8:steps[0].impactedTeams:WRONG_TYPE',
      'plan.json:9:steps[0].colour:UNKNOWN_FIELD',
      'plan.json:11:steps[0].instructions[0].text:WRONG_TYPE',
      'plan.json:12:steps[0].instructions[1]:WRONG_TYPE',
      'plan.json:15:steps[1]:WRONG_TYPE',
      'plan.json:16:steps[2].ownerTeam:UNKNOWN_TEAM',
      'plan.json:19:steps[2].instructions[0].team:UNKNOWN_TEAM',
    ]);
  });

  it('says where a file stops being CSV or JSON', async () => {
    const csv = await upload([
      { name: 'steps.csv', content: 'step_id,name,phase_id\nPRE-010,"Bad"x,Freeze\nPRE-020,Fine,Freeze\n' },
      { name: 'instructions.csv', content: 'step_id,instruction_text,order_number\n' },
    ]);
    expect(keys(csv.report)).toEqual(['steps.csv:2:name:PARSE_ERROR']);
    expect(csv.report[0]!.message).toBe(
      'A quoted value is followed by other characters; inside a quoted value write a double quote as two (""). Nothing after this point of the file could be read.',
    );
    const json = await upload([{ name: 'plan.json', content: '{\n  "steps": [\n    { "code": "PRE-010", }\n  ]\n}' }], 'JSON');
    expect(keys(json.report)).toEqual(['plan.json:3:-:PARSE_ERROR']);
    expect(json.report[0]!.message).toBe('The file is not valid JSON: Expected a property name in double quotes (line 3, character 26).');
    const empty = await upload([{ name: 'plan.json', content: '{ "steps": [] }' }], 'JSON');
    expect(keys(empty.report)).toEqual(['plan.json:1:steps:EMPTY_FILE']);
  });

  it('refuses to drop instructions that an iteration run already copied', async () => {
    const document = {
      steps: [
        {
          code: 'TRT-010',
          name: 'Step 1.1.1',
          description: 'Do step 1',
          phase: 'Phase 1.1',
          ownerTeam: 'Cutover Ops',
          durationMinutes: 10,
          environmentRole: 'PROD',
          instructions: [{ order: 1, text: 'First instruction', durationMinutes: 5 }],
        },
      ],
    };
    const before = await dumpMaster(s.db);
    const view = expectData(
      await caller.call(admin, 'imports/upload', { masterPlanId: s.masterPlanId, format: 'JSON', files: [{ name: 'p.json', content: JSON.stringify(document) }] }),
    );
    expect(keys(view.report)).toEqual(['p.json:1:steps[0].instructions:INSTRUCTION_IN_USE']);
    expect(view.report[0]!.message).toBe('Instructions 2 of this step are used by iteration runs and cannot be removed; keep them in the file.');
    expect(await dumpMaster(s.db)).toEqual(before);
  });

  it('lets only administrators import, checking that before the payload', async () => {
    const good = { masterPlanId: planId, format: 'JSON', files: [{ name: 'p.json', content: '{"steps":[]}' }] };
    const keysToTry: Array<[string, unknown]> = [
      ['imports/templates', {}],
      ['imports/upload', good],
      ['imports/upload', { nonsense: true }],
      ['imports/continue', { batchId: 'x' }],
      ['imports/promote', { batchId: '00000000-0000-4000-8000-000000000000' }],
      ['imports/rollback', { batchId: '00000000-0000-4000-8000-000000000000' }],
      ['imports/get', { batchId: '00000000-0000-4000-8000-000000000000' }],
      ['imports/list', {}],
      ['imports/schedules/list', {}],
      ['imports/schedules/create', {}],
      ['imports/schedules/pause', { scheduleId: '00000000-0000-4000-8000-000000000000' }],
      ['imports/schedules/resume', { scheduleId: '00000000-0000-4000-8000-000000000000' }],
      ['exports/masterPlanJson', { masterPlanId: planId }],
    ];
    const before = await dumpMaster(s.db);
    const batchesBefore = await s.db.select().from(importBatches);
    for (const [key, payload] of keysToTry) {
      for (const account of [ACCOUNTS.pilot, ACCOUNTS.normalInTeam]) {
        const result = await caller.callRaw(account, key, payload);
        expect([key, result.ok ? 'OK' : result.error.code]).toEqual([key, 'FORBIDDEN']);
      }
      expect(errorOf(await caller.callRaw(ACCOUNTS.unknown, key, payload)).code).toBe('UNKNOWN_USER');
      expect(errorOf(await caller.callRaw(ACCOUNTS.inactive, key, payload)).code).toBe('UNKNOWN_USER');
      expect(errorOf(await caller.callRaw(undefined, key, payload)).code).toBe('UNKNOWN_USER');
    }
    expect(await dumpMaster(s.db)).toEqual(before);
    expect(await s.db.select().from(importBatches)).toEqual(batchesBefore);
  });

  it('rejects malformed requests with VALIDATION and unknown targets with NOT_FOUND, writing nothing', async () => {
    const batchesBefore = await s.db.select().from(importBatches);
    const file = { name: 'p.json', content: '{"steps":[]}' };
    const bad: unknown[] = [
      null,
      'DROP TABLE users_usr',
      {},
      { masterPlanId: 'x', format: 'JSON', files: [file] },
      { masterPlanId: planId, format: 'XML', files: [file] },
      { masterPlanId: planId, format: 'JSON', files: [] },
      { masterPlanId: planId, format: 'JSON', files: [file, file, file] },
      { masterPlanId: planId, format: 'JSON', files: [{ name: '', content: '' }] },
      { masterPlanId: planId, format: 'JSON', files: [file], extra: 1 },
      { masterPlanId: planId, format: 'JSON', files: [file], chunkSize: 0 },
      { masterPlanId: planId, format: 'JSON', files: [file], priority: 21 },
      { masterPlanId: planId, format: 'JSON', files: [{ name: 'big.json', content: 'x'.repeat(21 * 1024 * 1024) }] },
      { masterPlanId: planId, format: 'JSON', files: [{ name: 'a.json', content: 'é'.repeat(6 * 1024 * 1024) }, { name: 'b.json', content: 'é'.repeat(6 * 1024 * 1024) }] },
      { masterPlanId: planId, format: 'CSV', files: [file] },
      { masterPlanId: planId, format: 'CSV', files: [{ name: 'a.csv', content: 'step_id\n' }, { name: 'b.csv', content: 'step_id\n' }] },
      { masterPlanId: planId, format: 'JSON', files: [file, file] },
    ];
    for (const payload of bad) {
      expect(errorOf(await caller.callRaw(admin, 'imports/upload', payload)).code).toBe('VALIDATION');
    }
    for (const key of ['imports/get', 'imports/continue', 'imports/promote', 'imports/rollback']) {
      expect(errorOf(await caller.callRaw(admin, key, { batchId: 'nope' })).code).toBe('VALIDATION');
      expect(errorOf(await caller.callRaw(admin, key, { batchId: '00000000-0000-4000-8000-000000000000' })).code).toBe('NOT_FOUND');
    }
    const unknownPlan = await caller.call(admin, 'imports/upload', { masterPlanId: '00000000-0000-4000-8000-000000000000', format: 'JSON', files: [file] });
    expect(errorOf(unknownPlan).code).toBe('NOT_FOUND');
    expect(await s.db.select().from(importBatches)).toEqual(batchesBefore);
  });
});
