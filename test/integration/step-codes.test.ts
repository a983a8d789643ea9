import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrator';
import { queryRows } from '../../src/db/query';
import { firstStepNumber, generateMasterPlan } from '../../src/local/demo-plan';
import { masterSteps } from '../../src/db/schema';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { openEmptyDatabase, openTestDatabase, type TestDatabase } from '../helpers/test-database';
import { createEmptyPlan, dumpMaster, errorOf, expectData, makeImportCaller } from './import-fixtures';

/** A step code names one step of a master plan (docs/decisions.md, weekend). */

describe('migration 0011: repeated step codes within a plan', () => {
  let database: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    database = await openEmptyDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'umig-0011-'));
    for (const file of await readdir(MIGRATIONS_DIR)) if (file < '0011') await cp(path.join(MIGRATIONS_DIR, file), path.join(dir, file));
    await migrate(database.raw, { dir });
  });
  afterAll(async () => {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the first step of each code, renumbers the later ones after the highest, and audits each', async () => {
    // Two plans; plan A repeats TRT-010 in three phases and CHK-020 in two; plan B reuses TRT-010 once.
    await database.raw.exec(`
      INSERT INTO teams_tms (tms_id, tms_name) VALUES (9001, 'Ops');
      INSERT INTO plans_master_plm (plm_id, tms_id, plm_name, plm_status) VALUES
        ('00000000-0000-0000-0000-00000000000a', 9001, 'A', 5), ('00000000-0000-0000-0000-00000000000b', 9001, 'B', 5);
      INSERT INTO sequences_master_sqm (sqm_id, plm_id, sqm_order, sqm_name) VALUES
        ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-00000000000a', 1, 'S1'),
        ('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-00000000000a', 2, 'S2'),
        ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-00000000000b', 1, 'S1');
      INSERT INTO phases_master_phm (phm_id, sqm_id, phm_order, phm_name) VALUES
        ('00000000-0000-0000-0000-000000000a11', '00000000-0000-0000-0000-0000000000a1', 1, 'P11'),
        ('00000000-0000-0000-0000-000000000a12', '00000000-0000-0000-0000-0000000000a1', 2, 'P12'),
        ('00000000-0000-0000-0000-000000000a21', '00000000-0000-0000-0000-0000000000a2', 1, 'P21'),
        ('00000000-0000-0000-0000-000000000b11', '00000000-0000-0000-0000-0000000000b1', 1, 'P11');
      INSERT INTO steps_master_stm (stm_id, phm_id, stt_code, stm_number, stm_code, stm_name) VALUES
        ('00000000-0000-0000-0000-0000000a2101', '00000000-0000-0000-0000-000000000a21', 'TRT', 10, 'TRT-010', 'third'),
        ('00000000-0000-0000-0000-0000000a1101', '00000000-0000-0000-0000-000000000a11', 'TRT', 10, 'TRT-010', 'first'),
        ('00000000-0000-0000-0000-0000000a1201', '00000000-0000-0000-0000-000000000a12', 'TRT', 10, 'TRT-010', 'second'),
        ('00000000-0000-0000-0000-0000000a1102', '00000000-0000-0000-0000-000000000a11', 'TRT', 990, 'TRT-990', 'highest'),
        ('00000000-0000-0000-0000-0000000a1103', '00000000-0000-0000-0000-000000000a11', 'CHK', 20, 'CHK-020', 'check one'),
        ('00000000-0000-0000-0000-0000000a2102', '00000000-0000-0000-0000-000000000a21', 'CHK', 20, 'CHK-020', 'check two'),
        ('00000000-0000-0000-0000-0000000b1101', '00000000-0000-0000-0000-000000000b11', 'TRT', 10, 'TRT-010', 'other plan');
    `);
    await migrate(database.raw);
    const steps = await queryRows<{ name: string; code: string; number: number; updatedBy: string }>(
      database.db,
      sql`SELECT stm_name AS name, stm_code AS code, stm_number AS number, updated_by AS "updatedBy" FROM steps_master_stm ORDER BY stm_name`,
    );
    expect(steps.map((step) => [step.name, step.code, step.number])).toEqual([
      ['check one', 'CHK-020', 20],
      ['check two', 'CHK-030', 30],
      ['first', 'TRT-010', 10],
      ['highest', 'TRT-990', 990],
      ['other plan', 'TRT-010', 10],
      ['second', 'TRT-1000', 1000],
      ['third', 'TRT-1010', 1010],
    ]);
    const audit = await queryRows<{ entity: string; details: { from: string; to: string; planId: string } }>(
      database.db,
      sql`SELECT aud_entity_id AS entity, aud_details AS details FROM audit_log_aud WHERE aud_action = 'STEP_CODE_RENUMBERED' ORDER BY aud_details->>'to'`,
    );
    expect(audit.map((row) => [row.entity, row.details.from, row.details.to])).toEqual([
      ['00000000-0000-0000-0000-0000000a2102', 'CHK-020', 'CHK-030'],
      ['00000000-0000-0000-0000-0000000a1201', 'TRT-010', 'TRT-1000'],
      ['00000000-0000-0000-0000-0000000a2101', 'TRT-010', 'TRT-1010'],
    ]);
  });
});

describe('demo data step codes', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('gives every step of the demo plan its own code, all of one width, so a code search finds one step', async () => {
    const plan = await generateMasterPlan(database.db, { sequences: 3, phasesPerSequence: 4, stepsPerPhase: 25, instructionsPerStep: 1, controlsPerPhase: 1, teams: 4, users: 8, seed: 3 });
    const codes = await queryRows<{ code: string }>(
      database.db,
      sql`SELECT stm_code AS code FROM steps_master_stm s JOIN phases_master_phm p ON p.phm_id = s.phm_id JOIN sequences_master_sqm q ON q.sqm_id = p.sqm_id WHERE q.plm_id = ${plan.masterPlanId}`,
    );
    expect(codes).toHaveLength(300);
    expect(new Set(codes.map((row) => row.code)).size).toBe(300);
    for (const { code } of codes) expect(codes.filter((other) => other.code.includes(code))).toHaveLength(1);
    expect(codes.every((row) => /^[A-Z]{3}-\d{4}$/.test(row.code))).toBe(true);
  });

  it('numbers plans of any size with one width', () => {
    expect(firstStepNumber(24)).toBe(100);
    expect(firstStepNumber(95)).toBe(1000);
    expect(firstStepNumber(1000)).toBe(10000);
    expect(firstStepNumber(990)).toBe(10000);
  });
});

describe('imports keep step codes unique within the plan', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  it('refuses a new step whose code another phase holds, and changes nothing', async () => {
    const caller = makeImportCaller(s.db);
    const { planId, phaseIds } = await createEmptyPlan(s.db, s.teams.owner, {
      name: 'Unique codes',
      sequences: [{ name: 'Weekend', phases: ['Freeze', 'Move'] }],
    });
    await s.db.insert(masterSteps).values({ phaseId: phaseIds.Freeze!, stepTypeCode: 'TRT', number: 500, code: 'TRT-500', name: 'Held' });
    const before = await dumpMaster(s.db);
    const view = expectData(
      await caller.call(ACCOUNTS.admin, 'imports/upload', {
        masterPlanId: planId,
        format: 'CSV',
        files: [
          { name: 'steps.csv', content: 'step_id,name,phase_id\nTRT-500,Again,Weekend / Move\nTRT-510,Fine,Weekend / Move\n' },
          { name: 'instructions.csv', content: 'instruction_id,step_id,instruction_text,order_number\n' },
        ],
      }),
    );
    expect(view.status).toBe('INVALID');
    expect(view.report.map((problem) => [problem.line, problem.rule, problem.message])).toEqual([
      [2, 'STEP_CODE_IN_OTHER_PHASE', 'Step "TRT-500" already exists in phase "Weekend / Freeze" of this plan; a step code names one step of a plan, so choose another number.'],
    ]);
    expect(errorOf(await caller.call(ACCOUNTS.admin, 'imports/promote', { batchId: view.batchId })).code).toBe('VALIDATION');
    expect(await dumpMaster(s.db)).toEqual(before);
  });
});
