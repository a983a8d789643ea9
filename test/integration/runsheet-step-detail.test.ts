import { sql } from 'drizzle-orm';
import {
  applications,
  auditLog,
  environmentApplications,
  environments,
  iterationEnvironments,
  stepComments,
} from '../../src/db/schema';
import { queryRows } from '../../src/db/query';
import { CONTROL_STATUS_ID } from '../../src/domain/statuses';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

describe('steps/get', () => {
  let s: Scenario;
  /** Step 2 of phase 1.2: owned by "Cutover Ops", impacting "Database Team", phase blocked by C11. */
  let stepId: string;
  let instructionIds: string[];
  let ownComment: number;
  let otherComment: number;

  beforeAll(async () => {
    s = await createScenario();
    stepId = s.steps.find((step) => step.phaseId === s.phases[1]!.id && step.code === 'TRT-020')!.id;
    instructionIds = (
      await queryRows<{ id: string }>(s.db, sql`SELECT ini_id AS id FROM instructions_instance_ini WHERE sti_id = ${stepId} ORDER BY ini_order`)
    ).map((row) => row.id);
    await s.db.execute(sql`UPDATE instructions_instance_ini SET ini_is_completed = true, usr_id_completed_by = ${s.users.normalInTeam.id},
                              ini_completed_at = '2026-12-05T10:15:00Z' WHERE ini_id = ${instructionIds[0]!}`);

    const [own, other] = await s.db
      .insert(stepComments)
      .values([
        { stepId, body: 'Database is in read-only mode.', createdBy: s.users.normalInTeam.id, createdAt: new Date('2026-12-05T10:00:00Z') },
        { stepId, body: 'Network path confirmed.', createdBy: s.users.normalOutside.id, createdAt: new Date('2026-12-05T10:05:00Z') },
      ])
      .returning({ id: stepComments.id });
    ownComment = own!.id;
    otherComment = other!.id;

    // Environments: the DR iteration runs on a PROD and a TEST environment; the step targets PROD (role 1).
    const [prod, test] = await s.db
      .insert(environments)
      .values([
        { code: 'PRD1', name: 'Production 1' },
        { code: 'TST1', name: 'Test 1' },
      ])
      .returning({ id: environments.id });
    const [core, crm, lab] = await s.db
      .insert(applications)
      .values([
        { code: 'CORE', name: 'Core banking' },
        { code: 'CRM', name: 'Customer relations' },
        { code: 'LAB', name: 'Test harness' },
      ])
      .returning({ id: applications.id });
    await s.db.insert(iterationEnvironments).values([
      { environmentId: prod!.id, iterationId: s.iterationId, environmentRoleId: 1 },
      { environmentId: test!.id, iterationId: s.iterationId, environmentRoleId: 2 },
    ]);
    await s.db.insert(environmentApplications).values([
      { environmentId: prod!.id, applicationId: core!.id },
      { environmentId: prod!.id, applicationId: crm!.id },
      { environmentId: test!.id, applicationId: lab!.id },
    ]);

    // History: 104 entries for the step and its instructions, and some that belong to others.
    const base = Date.parse('2026-12-05T09:00:00Z');
    await s.db.insert(auditLog).values([
      ...Array.from({ length: 100 }, (_, i) => ({
        userId: s.users.pilot.id,
        action: 'STEP_STATUS_CHANGED',
        entityType: 'step_instance',
        entityId: stepId,
        details: { by: 'PIL', n: i },
        timestamp: new Date(base + i * 1_000),
      })),
      ...instructionIds.map((id, i) => ({
        userId: s.users.normalInTeam.id,
        action: 'INSTRUCTION_COMPLETED',
        entityType: 'instruction_instance',
        entityId: id,
        details: { by: 'NIN' },
        timestamp: new Date(base + 200_000 + i * 1_000),
      })),
      { userId: null, action: 'IMPORTED', entityType: 'step_instance', entityId: stepId, details: { by: 'ghost' }, timestamp: new Date(base - 60_000) },
      { userId: s.users.admin.id, action: 'STEP_STATUS_CHANGED', entityType: 'step_instance', entityId: s.steps[0]!.id, details: {}, timestamp: new Date(base + 300_000) },
      { userId: s.users.admin.id, action: 'OTHER', entityType: 'plan_instance', entityId: stepId, details: {}, timestamp: new Date(base + 400_000) },
    ]);
  });
  afterAll(() => s.close());

  const detail = async (account: string = ACCOUNTS.normalInTeam) => expectOk(await s.call(account, 'steps/get', { stepId }));

  it('shows the step with its type, teams, status, labels, environment role and predecessor', async () => {
    const { step, iteration, planInstance, sequence, phase } = await detail();
    expect(step).toMatchObject({
      id: stepId,
      code: 'TRT-020',
      name: 'Step 1.2.2',
      description: 'Do step 2',
      type: { code: 'TRT', name: 'Treatments' },
      ownerTeam: { id: s.teams.owner, name: 'Cutover Ops' },
      impactedTeams: [{ id: s.teams.impacted, name: 'Database Team' }],
      status: { id: 21, name: 'PENDING', color: '#DDDDDD' },
      durationMinutes: 20,
      predecessorCode: 'TRT-010',
      instructions: { done: 1, total: 2 },
      labels: [],
      environmentRole: { id: 1, name: 'PROD' },
    });
    expect(iteration).toEqual({ id: s.iterationId, name: 'Dress rehearsal 1' });
    expect(planInstance).toEqual({ id: s.planInstanceId, name: 'Cutover master' });
    expect(sequence).toMatchObject({ name: 'Sequence 1', order: 1 });
    expect(phase).toMatchObject({ id: s.phases[1]!.id, name: 'Phase 1.2', status: { name: 'PLANNING' }, blocked: true, blockedBy: ['C11'] });
  });

  it('lists the instructions in order with who completed them', async () => {
    const { instructions } = await detail();
    expect(instructions).toEqual([
      {
        id: instructionIds[0],
        order: 1,
        body: 'First instruction',
        durationMinutes: 5,
        completed: true,
        completedBy: { id: s.users.normalInTeam.id, code: 'NIN', name: 'NIN Tester' },
        completedAt: '2026-12-05T10:15:00.000Z',
        teamId: null,
      },
      { id: instructionIds[1], order: 2, body: 'Second instruction', durationMinutes: 5, completed: false, completedBy: null, completedAt: null, teamId: null },
    ]);
  });

  it("marks the comments the caller may edit: their own, or any for an administrator", async () => {
    const mine = await detail(ACCOUNTS.normalInTeam);
    expect(mine.comments.map((comment) => [comment.id, comment.author?.code, comment.canEdit])).toEqual([
      [ownComment, 'NIN', true],
      [otherComment, 'NOU', false],
    ]);
    expect(mine.comments[0]).toMatchObject({ body: 'Database is in read-only mode.', createdAt: '2026-12-05T10:00:00.000Z', updatedAt: null });
    expect((await detail(ACCOUNTS.admin)).comments.map((comment) => comment.canEdit)).toEqual([true, true]);
    expect((await detail(ACCOUNTS.pilot)).comments.map((comment) => comment.canEdit)).toEqual([false, false]);
  });

  it("shows the phase's controls with validators and the caller's slots", async () => {
    const { controls } = await detail(ACCOUNTS.itValidator);
    expect(controls).toEqual([
      expect.objectContaining({
        code: 'C12',
        name: 'Gate 1.2',
        type: 'QUALITY',
        critical: false,
        status: { id: CONTROL_STATUS_ID.TODO, name: 'TODO', color: '#FFFF00' },
        itValidator: { id: s.users.itValidator.id, code: 'ITV', name: 'ITV Tester' },
        bizValidator: { id: s.users.bizValidator.id, code: 'BZV', name: 'BZV Tester' },
        it: { verdict: null, by: null, at: null, comment: null, override: null },
        biz: { verdict: null, by: null, at: null, comment: null, override: null },
        mySlots: ['IT'],
      }),
    ]);
    expect((await detail(ACCOUNTS.pilot)).controls[0]!.mySlots).toEqual(['IT', 'BIZ']);
    expect((await detail(ACCOUNTS.normalInTeam)).controls[0]!.mySlots).toEqual([]);
  });

  it("lists the iteration's environments and the applications of the step's environment role", async () => {
    const { environments: envs, applications: apps } = await detail();
    expect(envs).toEqual([
      { id: expect.any(Number), code: 'PRD1', name: 'Production 1', role: { id: 1, name: 'PROD' } },
      { id: expect.any(Number), code: 'TST1', name: 'Test 1', role: { id: 2, name: 'TEST' } },
    ]);
    expect(apps.map((app) => [app.code, app.environment.code])).toEqual([
      ['CORE', 'PRD1'],
      ['CRM', 'PRD1'],
    ]);
  });

  it('shows the newest 100 audit entries of the step and its instructions', async () => {
    const { history } = await detail();
    expect(history).toHaveLength(100);
    expect(history.slice(0, 2).map((entry) => [entry.action, entry.entityType, entry.entityId, entry.by])).toEqual([
      ['INSTRUCTION_COMPLETED', 'instruction_instance', instructionIds[1], 'NIN'],
      ['INSTRUCTION_COMPLETED', 'instruction_instance', instructionIds[0], 'NIN'],
    ]);
    expect(history[2]).toMatchObject({ action: 'STEP_STATUS_CHANGED', by: 'PIL', at: '2026-12-05T09:01:39.000Z', details: { by: 'PIL', n: 99 } });
    const times = history.map((entry) => Date.parse(entry.at!));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Entries of other steps and of other entity types never show; the oldest fall off the list.
    expect(history.every((entry) => entry.entityId === stepId || instructionIds.includes(entry.entityId!))).toBe(true);
    expect(history.some((entry) => entry.action === 'OTHER' || entry.action === 'IMPORTED')).toBe(false);
  });

  it('tells the caller what they may do with the step', async () => {
    expect((await detail(ACCOUNTS.normalInTeam)).permissions).toEqual({ canExecute: true, allowedTransitions: ['TODO'], canComment: true });
    expect((await detail(ACCOUNTS.normalImpacted)).permissions.canExecute).toBe(true);
    expect((await detail(ACCOUNTS.normalOutside)).permissions).toEqual({ canExecute: false, allowedTransitions: [], canComment: true });
  });

  it('answers NOT_FOUND for an unknown step, VALIDATION for malformed payloads, UNKNOWN_USER for strangers', async () => {
    expect(codeOf(await s.call(ACCOUNTS.admin, 'steps/get', { stepId: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    for (const payload of [{}, { stepId: 'TRT-020' }, { stepId, extra: 1 }, { stepId: 'x'.repeat(1_000_000) }, [stepId]]) {
      expect(codeOf(await s.callRaw(ACCOUNTS.admin, 'steps/get', payload))).toBe('VALIDATION');
    }
    expect(codeOf(await s.call(ACCOUNTS.unknown, 'steps/get', { stepId }))).toBe('UNKNOWN_USER');
  });
});

describe('phases/controls and iterations/controls', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  it('shows the controls of one phase with validators, summary and the gate before it', async () => {
    const phase = expectOk(await s.call(ACCOUNTS.bizValidator, 'phases/controls', { phaseId: s.phases[1]!.id }));
    expect(phase).toMatchObject({
      id: s.phases[1]!.id,
      name: 'Phase 1.2',
      order: 2,
      status: { name: 'PLANNING' },
      planInstance: { id: s.planInstanceId, name: 'Cutover master' },
      sequence: { name: 'Sequence 1', order: 1 },
      summary: { total: 1, passed: 0, failed: 0, criticalNotPassed: [] },
      blocked: true,
      blockedBy: ['C11'],
    });
    expect(phase.controls).toEqual([
      expect.objectContaining({ code: 'C12', critical: false, mySlots: ['BIZ'], itValidator: expect.objectContaining({ code: 'ITV' }) }),
    ]);
  });

  it('opens the next phase once the critical control passed, or was waived', async () => {
    const gate = s.phases[0]!.criticalControlId!;
    try {
      for (const status of [CONTROL_STATUS_ID.PASSED, CONTROL_STATUS_ID.CANCELLED]) {
        await s.db.execute(sql`UPDATE controls_instance_cti SET cti_status = ${status} WHERE cti_id = ${gate}`);
        const phase = expectOk(await s.call(ACCOUNTS.normalOutside, 'phases/controls', { phaseId: s.phases[1]!.id }));
        expect([phase.blocked, phase.blockedBy]).toEqual([false, []]);
      }
      await s.db.execute(sql`UPDATE controls_instance_cti SET cti_status = ${CONTROL_STATUS_ID.FAILED} WHERE cti_id = ${gate}`);
      const first = expectOk(await s.call(ACCOUNTS.normalOutside, 'phases/controls', { phaseId: s.phases[0]!.id }));
      expect(first.summary).toEqual({ total: 1, passed: 0, failed: 1, criticalNotPassed: ['C11'] });
    } finally {
      await s.db.execute(sql`UPDATE controls_instance_cti SET cti_status = ${CONTROL_STATUS_ID.TODO} WHERE cti_id = ${gate}`);
    }
  });

  it("shows each slot's verdict, who recorded it and when", async () => {
    const controlId = s.phases[1]!.controlIds[0]!;
    const before = Date.now();
    expectOk(await s.call(ACCOUNTS.itValidator, 'controls/recordVerdict', { controlId, verdict: 'PASSED', comment: 'Row counts match', expectedStatus: 'TODO' }));

    const phase = expectOk(await s.call(ACCOUNTS.normalOutside, 'phases/controls', { phaseId: s.phases[1]!.id }));
    const control = phase.controls.find((c) => c.id === controlId)!;
    expect(control.it).toEqual({
      verdict: 'PASSED',
      by: { id: s.users.itValidator.id, code: 'ITV', name: 'ITV Tester' },
      at: expect.any(String),
      comment: 'Row counts match',
      override: null,
    });
    expect(Date.parse(control.it.at!)).toBeGreaterThanOrEqual(before - 60_000);
    expect(control.biz).toEqual({ verdict: null, by: null, at: null, comment: null, override: null });
    // One approval of two: the control waits for the business validator.
    expect(control.status.name).toBe('TODO');

    const all = expectOk(await s.call(ACCOUNTS.normalOutside, 'iterations/controls', { iterationId: s.iterationId }));
    expect(all.phases[1]!.controls[0]!.it).toEqual(control.it);
  });

  it('lists every phase of the iteration in runsheet order with its controls', async () => {
    const result = expectOk(await s.call(ACCOUNTS.normalOutside, 'iterations/controls', { iterationId: s.iterationId }));
    expect(result.iteration).toMatchObject({ id: s.iterationId, name: 'Dress rehearsal 1' });
    expect(result.phases.map((phase) => [phase.name, phase.controls.map((control) => control.code), phase.controls[0]!.critical, phase.blockedBy])).toEqual([
      ['Phase 1.1', ['C11'], true, []],
      ['Phase 1.2', ['C12'], false, ['C11']],
      ['Phase 2.1', ['C21'], true, []],
      ['Phase 2.2', ['C22'], false, ['C21']],
    ]);
    expect(result.phases[0]!.controls[0]!.mySlots).toEqual([]);
  });

  it('answers NOT_FOUND, VALIDATION and UNKNOWN_USER as the other reads do', async () => {
    const none = '00000000-0000-4000-8000-000000000000';
    expect(codeOf(await s.call(ACCOUNTS.admin, 'phases/controls', { phaseId: none }))).toBe('NOT_FOUND');
    expect(codeOf(await s.call(ACCOUNTS.admin, 'iterations/controls', { iterationId: none }))).toBe('NOT_FOUND');
    expect(codeOf(await s.callRaw(ACCOUNTS.admin, 'phases/controls', { phaseId: 'x' }))).toBe('VALIDATION');
    expect(codeOf(await s.callRaw(ACCOUNTS.admin, 'iterations/controls', { iterationId: s.iterationId, phaseId: s.phases[0]!.id }))).toBe('VALIDATION');
    expect(codeOf(await s.call(ACCOUNTS.unknown, 'iterations/controls', { iterationId: s.iterationId }))).toBe('UNKNOWN_USER');
  });
});
