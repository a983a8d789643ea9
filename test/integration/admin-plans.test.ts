import { asc, count, eq } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import {
  masterInstructions,
  masterPhases,
  masterPlans,
  masterSequences,
  masterSteps,
  migrations,
} from '../../src/db/schema';
import { codeOf, expectOk, messageOf } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/** Rules of migrations, iterations and the master plan tree (steps, predecessors, controls). */

const ADMIN = ACCOUNTS.admin;
const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';


describe('admin migrations and master plans', () => {
  let s: Scenario;
  /** Master steps of the scenario plan, in runsheet order (12: TRT-010..030 in 4 phases). */
  let masterStepIds: string[];
  let sequenceIds: string[];
  beforeAll(async () => {
    s = await createScenario();
    const steps = expectOk(await s.call(ADMIN, 'admin/masterSteps/list', { planId: s.masterPlanId }));
    masterStepIds = steps.map((step) => step.id);
    sequenceIds = (await s.db.select().from(masterSequences).where(eq(masterSequences.planId, s.masterPlanId)).orderBy(asc(masterSequences.order))).map((row) => row.id);
  });
  afterAll(() => s.close());

  async function countRows(table: PgTable): Promise<number> {
    const [row] = await s.db.select({ n: count() }).from(table);
    return Number(row!.n);
  }

  async function newPlan(name: string) {
    const plan = expectOk(await s.call(ADMIN, 'admin/masterPlans/create', { teamId: s.teams.other, name }));
    const sequence = expectOk(await s.call(ADMIN, 'admin/masterSequences/create', { planId: plan.id, name: `${name} S1`, order: 1 }));
    const phase = expectOk(await s.call(ADMIN, 'admin/masterPhases/create', { sequenceId: sequence.id, name: `${name} P1`, order: 1 }));
    return { plan, sequence, phase };
  }

  describe('migrations and iterations', () => {
    it('defaults the owner and status, and checks type, status kind and dates', async () => {
      const created = expectOk(await s.call(ADMIN, 'admin/migrations/create', { name: 'Data centre exit', type: 'INFRASTRUCTURE' }));
      expect(created).toMatchObject({ ownerId: s.users.admin.id, statusId: 1, createdBy: 'ADM' });
      const before = await countRows(migrations);
      const unknownType = await s.call(ADMIN, 'admin/migrations/create', { name: 'X', type: 'NOPE' });
      expect(codeOf(unknownType)).toBe('NOT_FOUND');
      expect(messageOf(unknownType)).toBe('Migration type "NOPE" does not exist.');
      const stepStatus = await s.call(ADMIN, 'admin/migrations/create', { name: 'X', type: 'DATABASE', statusId: 21 });
      expect(codeOf(stepStatus)).toBe('VALIDATION');
      expect(messageOf(stepStatus)).toBe('Status "PENDING" is a step status; choose one of the migration statuses.');
      expect(messageOf(await s.call(ADMIN, 'admin/migrations/create', { name: 'X', type: 'DATABASE', statusId: 999 }))).toBe('Status with id 999 does not exist.');
      const backwards = await s.call(ADMIN, 'admin/migrations/create', { name: 'X', type: 'DATABASE', startDate: '2027-05-01', endDate: '2027-04-01' });
      expect(messageOf(backwards)).toBe('The end date (2027-04-01) is before the start date (2027-05-01).');
      expect(codeOf(await s.callRaw(ADMIN, 'admin/migrations/create', { name: 'X', type: 'DATABASE', startDate: '01/05/2027' }))).toBe('VALIDATION');
      expect(codeOf(await s.call(ADMIN, 'admin/migrations/create', { name: 'X', type: 'DATABASE', ownerId: 999_999 }))).toBe('NOT_FOUND');
      expect(await countRows(migrations)).toBe(before);
    });

    it('checks the iteration type, migration and plan an iteration points at', async () => {
      const created = expectOk(await s.call(ADMIN, 'admin/iterations/create', { migrationId: s.migrationId, iterationTypeCode: 'RUN', name: 'Run 2', masterPlanId: s.masterPlanId }));
      expect(created).toMatchObject({ statusId: 9, iterationTypeCode: 'RUN' });
      const unknownType = await s.call(ADMIN, 'admin/iterations/create', { migrationId: s.migrationId, iterationTypeCode: 'ZZZ', name: 'X' });
      expect(messageOf(unknownType)).toBe('Iteration type "ZZZ" does not exist.');
      const unknownMigration = await s.call(ADMIN, 'admin/iterations/create', { migrationId: UNKNOWN_UUID, iterationTypeCode: 'DR', name: 'X' });
      expect(messageOf(unknownMigration)).toBe(`Migration with id ${UNKNOWN_UUID} does not exist.`);
      const unknownPlan = await s.call(ADMIN, 'admin/iterations/update', { id: created.id, expectedUpdatedAt: created.updatedAt, masterPlanId: UNKNOWN_UUID });
      expect(messageOf(unknownPlan)).toBe(`Master plan with id ${UNKNOWN_UUID} does not exist.`);
      const planStatus = await s.call(ADMIN, 'admin/iterations/update', { id: created.id, expectedUpdatedAt: created.updatedAt, statusId: 5 });
      expect(codeOf(planStatus)).toBe('VALIDATION');
      const listed = expectOk(await s.call(ACCOUNTS.normalInTeam, 'admin/iterations/list', { migrationId: s.migrationId }));
      expect(listed.map((iteration) => iteration.name)).toEqual(['Dress rehearsal 1', 'Production run', 'Run 2']);
    });

    it('refuses to delete a migration that still has iterations', async () => {
      const result = await s.call(ADMIN, 'admin/migrations/delete', { id: s.migrationId });
      expect(codeOf(result)).toBe('CONFLICT');
      expect(messageOf(result)).toBe('Migration "Core banking move" is still used by 3 iterations; remove those first.');
      expect(await s.db.select().from(migrations).where(eq(migrations.id, s.migrationId))).toHaveLength(1);
    });
  });

  describe('master plan tree', () => {
    it('refuses to delete a plan, sequence or step still in use, naming the users with counts', async () => {
      const plan = await s.call(ADMIN, 'admin/masterPlans/delete', { id: s.masterPlanId });
      expect(messageOf(plan)).toBe('Master plan "Cutover master" is still used by 3 iterations, 2 master sequences and 1 plan instance; remove those first.');
      const sequence = await s.call(ADMIN, 'admin/masterSequences/delete', { id: sequenceIds[0]! });
      expect(messageOf(sequence)).toBe('Master sequence "Sequence 1" is still used by 2 master phases, 1 master sequence and 1 sequence instance; remove those first.');
      const step = await s.call(ADMIN, 'admin/masterSteps/delete', { id: masterStepIds[0]! });
      expect(messageOf(step)).toBe('Master step "TRT-010 Step 1.1.1" is still used by 2 master instructions, 1 master step and 1 step instance; remove those first.');
      expect(await countRows(masterPlans)).toBe(1);
      expect(await countRows(masterSteps)).toBe(12);
    });

    it('shows and stores the step code, and keeps it unique within the master plan', async () => {
      const phaseId = s.phases[0]!.masterId;
      const step = expectOk(await s.call(ADMIN, 'admin/masterSteps/create', { phaseId, stepTypeCode: 'CHK', number: 5, name: 'Check backups' }));
      expect(step).toMatchObject({ code: 'CHK-005', impactedTeamIds: [], iterationTypeCodes: [], labelIds: [] });
      const [row] = await s.db.select().from(masterSteps).where(eq(masterSteps.id, step.id));
      expect(row!.code).toBe('CHK-005');
      const before = await countRows(masterSteps);
      const duplicate = await s.call(ADMIN, 'admin/masterSteps/create', { phaseId, stepTypeCode: 'TRT', number: 10, name: 'Again' });
      expect(codeOf(duplicate)).toBe('CONFLICT');
      expect(messageOf(duplicate)).toBe('Phase "Phase 1.1" already has a step TRT-010; choose another number.');
      const renumber = await s.call(ADMIN, 'admin/masterSteps/update', { id: step.id, expectedUpdatedAt: step.updatedAt, stepTypeCode: 'TRT', number: 20 });
      expect(messageOf(renumber)).toBe('Phase "Phase 1.1" already has a step TRT-020; choose another number.');
      const unknownType = await s.call(ADMIN, 'admin/masterSteps/create', { phaseId, stepTypeCode: 'ZZZ', number: 1, name: 'X' });
      expect(codeOf(unknownType)).toBe('NOT_FOUND');
      expect(messageOf(unknownType)).toBe('Step type "ZZZ" does not exist.');
      expect(messageOf(await s.call(ADMIN, 'admin/masterSteps/create', { phaseId: UNKNOWN_UUID, stepTypeCode: 'TRT', number: 1, name: 'X' }))).toBe(
        `Master phase with id ${UNKNOWN_UUID} does not exist.`,
      );
      expect(codeOf(await s.call(ADMIN, 'admin/masterSteps/create', { phaseId, stepTypeCode: 'TRT', number: 1, name: 'X', ownerTeamId: 999_999 }))).toBe('NOT_FOUND');
      for (const bad of [{ number: -1 }, { number: 1.5 }, { stepTypeCode: 'trt' }, { stepTypeCode: 'TR-' }, { durationMinutes: -5 }]) {
        expect(codeOf(await s.callRaw(ADMIN, 'admin/masterSteps/create', { phaseId, stepTypeCode: 'TRT', number: 1, name: 'X', ...bad }))).toBe('VALIDATION');
      }
      // The same code in another phase of the plan is refused too (codes are unique per plan); another plan may reuse it.
      const elsewhere = await s.call(ADMIN, 'admin/masterSteps/create', { phaseId: s.phases[1]!.masterId, stepTypeCode: 'CHK', number: 5, name: 'Check again' });
      expect(codeOf(elsewhere)).toBe('CONFLICT');
      expect(messageOf(elsewhere)).toBe('Step CHK-005 already exists in phase "Phase 1.1" of this master plan; a step code names one step of a plan, so choose another number.');
      const otherPhaseStep = expectOk(await s.call(ADMIN, 'admin/masterSteps/create', { phaseId: s.phases[1]!.masterId, stepTypeCode: 'CHK', number: 6, name: 'Check again' }));
      const clash = await s.call(ADMIN, 'admin/masterSteps/update', { id: otherPhaseStep.id, expectedUpdatedAt: otherPhaseStep.updatedAt, number: 5 });
      expect(messageOf(clash)).toBe('Step CHK-005 already exists in phase "Phase 1.1" of this master plan; a step code names one step of a plan, so choose another number.');
      const [unchangedOther] = await s.db.select().from(masterSteps).where(eq(masterSteps.id, otherPhaseStep.id));
      expect(unchangedOther).toMatchObject({ code: 'CHK-006', number: 6 });
      expect(await countRows(masterSteps)).toBe(before + 1);
      const renumbered = expectOk(await s.call(ADMIN, 'admin/masterSteps/update', { id: step.id, expectedUpdatedAt: step.updatedAt, number: 7 }));
      expect(renumbered.code).toBe('CHK-007');
      const [renumberedRow] = await s.db.select().from(masterSteps).where(eq(masterSteps.id, step.id));
      expect(renumberedRow).toMatchObject({ code: 'CHK-007', number: 7, updatedBy: 'ADM' });
    });

    it('keeps step predecessors inside the master plan and out of circles', async () => {
      const other = await newPlan('Fallback');
      const foreign = expectOk(await s.call(ADMIN, 'admin/masterSteps/create', { phaseId: other.phase.id, stepTypeCode: 'TRT', number: 10, name: 'Foreign' }));
      const crossPlan = await s.call(ADMIN, 'admin/masterSteps/create', { phaseId: s.phases[0]!.masterId, stepTypeCode: 'BUS', number: 1, name: 'X', predecessorId: foreign.id });
      expect(codeOf(crossPlan)).toBe('VALIDATION');
      expect(messageOf(crossPlan)).toBe('The predecessor must be a step of the same master plan.');

      // Step 1.1.1 (TRT-010) <- 1.1.2 (TRT-020) <- 1.1.3 (TRT-030): make the first wait for the third.
      const first = expectOk(await s.call(ADMIN, 'admin/masterSteps/get', { id: masterStepIds[0]! }));
      const circle = await s.call(ADMIN, 'admin/masterSteps/update', { id: first.id, expectedUpdatedAt: first.updatedAt, predecessorId: masterStepIds[2]! });
      expect(codeOf(circle)).toBe('VALIDATION');
      expect(messageOf(circle)).toBe('That predecessor would make the steps wait for each other in a circle: TRT-010 → TRT-030 → TRT-020 → TRT-010.');
      const self = await s.call(ADMIN, 'admin/masterSteps/update', { id: first.id, expectedUpdatedAt: first.updatedAt, predecessorId: first.id });
      expect(messageOf(self)).toBe('That predecessor would make the steps wait for each other in a circle: TRT-010 → TRT-010.');
      const [unchanged] = await s.db.select().from(masterSteps).where(eq(masterSteps.id, first.id));
      expect(unchanged!.predecessorId).toBeNull();

      // Moving a step to another phase of its own plan is fine; to another plan it is not.
      const moved = expectOk(await s.call(ADMIN, 'admin/masterSteps/update', { id: first.id, expectedUpdatedAt: first.updatedAt, phaseId: s.phases[3]!.masterId, number: 990 }));
      expect(moved).toMatchObject({ phaseId: s.phases[3]!.masterId, code: 'TRT-990' });
      const away = await s.call(ADMIN, 'admin/masterSteps/update', { id: first.id, expectedUpdatedAt: moved.updatedAt, phaseId: other.phase.id });
      expect(messageOf(away)).toBe('A step can only move to another phase of its own master plan.');
    });

    it('keeps sequence and phase predecessors inside their plan and sequence, and out of circles', async () => {
      const other = await newPlan('Rollback');
      const crossPlan = await s.call(ADMIN, 'admin/masterSequences/create', { planId: s.masterPlanId, name: 'S3', predecessorId: other.sequence.id });
      expect(messageOf(crossPlan)).toBe('The predecessor must be a sequence of the same master plan.');
      const first = expectOk(await s.call(ADMIN, 'admin/masterSequences/get', { id: sequenceIds[0]! }));
      const circle = await s.call(ADMIN, 'admin/masterSequences/update', { id: first.id, expectedUpdatedAt: first.updatedAt, predecessorId: sequenceIds[1]! });
      expect(messageOf(circle)).toBe('That predecessor would make the sequences wait for each other in a circle: "Sequence 1" → "Sequence 2" → "Sequence 1".');

      const phases = await s.db.select().from(masterPhases).where(eq(masterPhases.sequenceId, sequenceIds[0]!)).orderBy(asc(masterPhases.order));
      const crossSequence = await s.call(ADMIN, 'admin/masterPhases/create', { sequenceId: sequenceIds[1]!, name: 'P', predecessorId: phases[0]!.id });
      expect(messageOf(crossSequence)).toBe('The predecessor must be a phase of the same sequence.');
      const firstPhase = expectOk(await s.call(ADMIN, 'admin/masterPhases/get', { id: phases[0]!.id }));
      const phaseCircle = await s.call(ADMIN, 'admin/masterPhases/update', { id: firstPhase.id, expectedUpdatedAt: firstPhase.updatedAt, predecessorId: phases[1]!.id });
      expect(codeOf(phaseCircle)).toBe('VALIDATION');
      // Parents are fixed: a sequence cannot be moved to another plan.
      expect(codeOf(await s.callRaw(ADMIN, 'admin/masterSequences/update', { id: first.id, expectedUpdatedAt: first.updatedAt, planId: other.plan.id }))).toBe('VALIDATION');
    });

    it('ties an instruction to a control of its own phase, and keeps control codes unique', async () => {
      const controls = expectOk(await s.call(ADMIN, 'admin/masterControls/list', { phaseId: s.phases[0]!.masterId }));
      const otherControls = expectOk(await s.call(ADMIN, 'admin/masterControls/list', { phaseId: s.phases[1]!.masterId }));
      const stepId = masterStepIds[1]!; // in phase 1.1
      const before = await countRows(masterInstructions);
      const wrongPhase = await s.call(ADMIN, 'admin/masterInstructions/create', { stepId, order: 3, body: 'Sign', controlId: otherControls[0]!.id });
      expect(messageOf(wrongPhase)).toBe("The control must belong to the same phase as the instruction's step.");
      expect(await countRows(masterInstructions)).toBe(before);
      const instruction = expectOk(await s.call(ADMIN, 'admin/masterInstructions/create', { stepId, order: 3, body: 'Sign', controlId: controls[0]!.id }));
      expect(instruction).toMatchObject({ stepId, controlId: controls[0]!.id, order: 3 });
      expect(codeOf(await s.callRaw(ADMIN, 'admin/masterInstructions/create', { stepId, body: 'No order' }))).toBe('VALIDATION');
      expect(codeOf(await s.callRaw(ADMIN, 'admin/masterInstructions/create', { stepId, order: 4, body: 'x'.repeat(50_001) }))).toBe('VALIDATION');

      const duplicate = await s.call(ADMIN, 'admin/masterControls/create', { phaseId: s.phases[2]!.masterId, code: 'C11', name: 'Again' });
      expect(messageOf(duplicate)).toBe('A master control with code "C11" already exists.');
      // A control checked by an instruction cannot go.
      expect(messageOf(await s.call(ADMIN, 'admin/masterControls/delete', { id: controls[0]!.id }))).toBe(
        'Master control "C11 Gate 1.1" is still used by 1 control instance and 1 master instruction; remove those first.',
      );
    });

    it('builds and removes a whole plan bottom-up', async () => {
      const { plan, sequence, phase } = await newPlan('Disposable');
      const step = expectOk(await s.call(ADMIN, 'admin/masterSteps/create', { phaseId: phase.id, stepTypeCode: 'PRE', number: 10, name: 'Prepare' }));
      const instruction = expectOk(await s.call(ADMIN, 'admin/masterInstructions/create', { stepId: step.id, order: 1, body: 'Do it' }));
      expect(messageOf(await s.call(ADMIN, 'admin/masterPlans/delete', { id: plan.id }))).toBe('Master plan "Disposable" is still used by 1 master sequence; remove those first.');
      for (const [key, id] of [
        ['admin/masterInstructions/delete', instruction.id],
        ['admin/masterSteps/delete', step.id],
        ['admin/masterPhases/delete', phase.id],
        ['admin/masterSequences/delete', sequence.id],
        ['admin/masterPlans/delete', plan.id],
      ] as const) {
        expect([key, codeOf(await s.callRaw(ADMIN, key, { id }))]).toEqual([key, 'OK']);
      }
      expect(await s.db.select().from(masterPlans).where(eq(masterPlans.id, plan.id))).toEqual([]);
    });
  });
});
