import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import {
  controlInstances,
  instructionInstances,
  iterations,
  labels,
  masterControls,
  masterInstructions,
  masterPhases,
  masterPlans,
  masterSequences,
  masterStepImpactedTeams,
  masterStepIterationTypes,
  masterSteps,
  migrations,
  phaseInstances,
  roles,
  sequenceInstances,
  stepInstances,
  stepLabels,
  teamMembers,
  teams,
  users,
} from '../../src/db/schema';
import { CONTAINER_STATUS_ID } from '../../src/domain/statuses';
import { instantiatePlan } from '../../src/services/planning/instantiation';
import { resolveActor } from '../../src/services/identity';
import { makeCaller } from './call';
import { openTestDatabase, type TestDatabase } from './test-database';

/** Users of every kind a permission test needs; `accountId` is what Forge would send. */
export const ACCOUNTS = {
  admin: 'acc-admin',
  pilot: 'acc-pilot',
  normalInTeam: 'acc-normal-in',
  normalImpacted: 'acc-normal-impacted',
  normalOutside: 'acc-normal-out',
  itValidator: 'acc-it-validator',
  bizValidator: 'acc-biz-validator',
  inactive: 'acc-inactive',
  unknown: 'acc-never-registered',
} as const;
export type AccountKey = keyof typeof ACCOUNTS;

export interface ScenarioUser {
  id: number;
  code: string;
  accountId: string;
}

export interface ScenarioStep {
  id: string;
  masterId: string;
  /** e.g. TRT-010 */
  code: string;
  phaseId: string;
  predecessorId: string | null;
  sequenceIndex: number;
  phaseIndex: number;
  ownerTeamId: number;
}

export interface ScenarioPhase {
  id: string;
  masterId: string;
  sequenceIndex: number;
  phaseIndex: number;
  controlIds: string[];
  criticalControlId: string | null;
}

export interface Scenario {
  database: TestDatabase;
  db: Db;
  users: Record<Exclude<AccountKey, 'unknown'>, ScenarioUser>;
  teams: { owner: number; impacted: number; other: number };
  migrationId: string;
  /** The dress rehearsal (type DR) that was instantiated. */
  iterationId: string;
  /** A production run (type RUN) with no instance yet. */
  runIterationId: string;
  masterPlanId: string;
  planInstanceId: string;
  labelId: number;
  /** Instance steps in runsheet order (sequence, phase, step number). */
  steps: ScenarioStep[];
  phases: ScenarioPhase[];
  /** The master step tagged RUN only: it is not in the DR instance. */
  runOnlyMasterStepId: string;
  call: ReturnType<typeof makeCaller>['call'];
  callRaw: ReturnType<typeof makeCaller>['callRaw'];
  close(): Promise<void>;
}

/**
 * A small, complete world on a fresh migrated database: teams, users of every role, a migration
 * with a DR and a RUN iteration, and a master plan of 2 sequences x 2 phases x 3 steps (2
 * instructions each, a control per phase, critical in each sequence's first phase) instantiated
 * into the DR iteration, with validators assigned to every control.
 *
 * Predecessors: each step follows the previous one in its phase; a phase's first step follows the
 * previous phase's last step; phases and sequences chain in order. Step 2 of each phase impacts
 * the "impacted" team; step 3 of the very first phase is tagged RUN only.
 */
export async function createScenario(): Promise<Scenario> {
  const database = await openTestDatabase();
  const db = database.db;
  const roleIds = Object.fromEntries((await db.select().from(roles)).map((r) => [r.code, r.id])) as Record<string, number>;

  const [owner, impacted, other] = await db
    .insert(teams)
    .values([
      { name: 'Cutover Ops', email: 'ops@example.com' },
      { name: 'Database Team', email: 'dba@example.com' },
      { name: 'Network Team', email: 'net@example.com' },
    ])
    .returning({ id: teams.id });
  const teamIds = { owner: owner!.id, impacted: impacted!.id, other: other!.id };

  const people: Array<{ key: Exclude<AccountKey, 'unknown'>; code: string; role: string; teams: number[]; active?: boolean }> = [
    { key: 'admin', code: 'ADM', role: 'ADMIN', teams: [] },
    { key: 'pilot', code: 'PIL', role: 'PILOT', teams: [] },
    { key: 'normalInTeam', code: 'NIN', role: 'NORMAL', teams: [teamIds.owner] },
    { key: 'normalImpacted', code: 'NIM', role: 'NORMAL', teams: [teamIds.impacted] },
    { key: 'normalOutside', code: 'NOU', role: 'NORMAL', teams: [teamIds.other] },
    { key: 'itValidator', code: 'ITV', role: 'NORMAL', teams: [teamIds.other] },
    { key: 'bizValidator', code: 'BZV', role: 'NORMAL', teams: [] },
    { key: 'inactive', code: 'INA', role: 'ADMIN', teams: [teamIds.owner], active: false },
  ];
  const scenarioUsers = {} as Scenario['users'];
  for (const person of people) {
    const [row] = await db
      .insert(users)
      .values({
        code: person.code,
        firstName: person.code,
        lastName: 'Tester',
        email: `${person.code.toLowerCase()}@example.com`,
        roleId: roleIds[person.role],
        active: person.active ?? true,
        confluenceUserId: ACCOUNTS[person.key],
      })
      .returning({ id: users.id });
    scenarioUsers[person.key] = { id: row!.id, code: person.code, accountId: ACCOUNTS[person.key] };
    if (person.teams.length > 0) await db.insert(teamMembers).values(person.teams.map((teamId) => ({ teamId, userId: row!.id })));
  }

  const [migration] = await db
    .insert(migrations)
    .values({ ownerId: scenarioUsers.admin.id, name: 'Core banking move', type: 'APPLICATION', statusId: CONTAINER_STATUS_ID.Migration.PLANNING, startDate: '2026-12-01' })
    .returning({ id: migrations.id });
  const [plan] = await db
    .insert(masterPlans)
    .values({ teamId: teamIds.owner, name: 'Cutover master', description: 'The master runsheet', statusId: CONTAINER_STATUS_ID.Plan.PLANNING })
    .returning({ id: masterPlans.id });
  const [dr, run] = await db
    .insert(iterations)
    .values([
      { migrationId: migration!.id, masterPlanId: plan!.id, iterationTypeCode: 'DR', name: 'Dress rehearsal 1', statusId: CONTAINER_STATUS_ID.Iteration.PLANNING, startDate: '2026-12-05' },
      { migrationId: migration!.id, masterPlanId: plan!.id, iterationTypeCode: 'RUN', name: 'Production run', statusId: CONTAINER_STATUS_ID.Iteration.PLANNING, startDate: '2026-12-20' },
    ])
    .returning({ id: iterations.id });
  const [label] = await db.insert(labels).values({ migrationId: migration!.id, name: 'critical-path', color: '#FF0000' }).returning({ id: labels.id });

  let previousSequence: string | null = null;
  let previousPhase: string | null = null;
  let previousStep: string | null = null;
  let runOnlyMasterStepId = '';
  for (let s = 0; s < 2; s++) {
    const [sequence]: Array<{ id: string }> = await db
      .insert(masterSequences)
      .values({ planId: plan!.id, order: s + 1, name: `Sequence ${s + 1}`, predecessorId: previousSequence })
      .returning({ id: masterSequences.id });
    previousSequence = sequence!.id;
    for (let p = 0; p < 2; p++) {
      const [phase]: Array<{ id: string }> = await db
        .insert(masterPhases)
        .values({ sequenceId: sequence!.id, order: p + 1, name: `Phase ${s + 1}.${p + 1}`, predecessorId: p === 0 ? null : previousPhase })
        .returning({ id: masterPhases.id });
      previousPhase = phase!.id;
      await db.insert(masterControls).values({
        phaseId: phase!.id,
        code: `C${s + 1}${p + 1}`,
        order: 1,
        name: `Gate ${s + 1}.${p + 1}`,
        type: 'QUALITY',
        isCritical: p === 0,
      });
      for (let n = 1; n <= 3; n++) {
        const [step]: Array<{ id: string }> = await db
          .insert(masterSteps)
          .values({
            phaseId: phase!.id,
            ownerTeamId: teamIds.owner,
            stepTypeCode: 'TRT',
            number: n * 10,
            name: `Step ${s + 1}.${p + 1}.${n}`,
            description: `Do step ${n}`,
            durationMinutes: 10 * n,
            predecessorId: previousStep,
            environmentRoleId: 1,
          })
          .returning({ id: masterSteps.id });
        previousStep = step!.id;
        await db.insert(masterInstructions).values([
          { stepId: step!.id, order: 1, body: 'First instruction', durationMinutes: 5 },
          { stepId: step!.id, order: 2, body: 'Second instruction', durationMinutes: 5 },
        ]);
        if (n === 2) await db.insert(masterStepImpactedTeams).values({ stepId: step!.id, teamId: teamIds.impacted });
        if (n === 1) await db.insert(stepLabels).values({ labelId: label!.id, masterStepId: step!.id });
        if (s === 0 && p === 0 && n === 3) {
          runOnlyMasterStepId = step!.id;
          await db.insert(masterStepIterationTypes).values({ stepId: step!.id, iterationTypeCode: 'RUN' });
        }
      }
    }
  }

  const admin = await resolveActor(db, ACCOUNTS.admin);
  const instance = await instantiatePlan({ db, actor: admin, now: () => new Date() }, { iterationId: dr!.id, masterPlanId: plan!.id });
  await db
    .update(controlInstances)
    .set({ itValidatorId: scenarioUsers.itValidator.id, bizValidatorId: scenarioUsers.bizValidator.id })
    .where(
      inArray(
        controlInstances.phaseId,
        db
          .select({ id: phaseInstances.id })
          .from(phaseInstances)
          .innerJoin(sequenceInstances, eq(sequenceInstances.id, phaseInstances.sequenceId))
          .where(eq(sequenceInstances.planId, instance.planInstanceId)),
      ),
    );

  const stepRows = await db
    .select({
      id: stepInstances.id,
      masterId: stepInstances.masterStepId,
      number: masterSteps.number,
      phaseId: stepInstances.phaseId,
      predecessorId: stepInstances.predecessorId,
      sequenceOrder: sequenceInstances.order,
      phaseOrder: phaseInstances.order,
      ownerTeamId: masterSteps.ownerTeamId,
    })
    .from(stepInstances)
    .innerJoin(masterSteps, eq(masterSteps.id, stepInstances.masterStepId))
    .innerJoin(phaseInstances, eq(phaseInstances.id, stepInstances.phaseId))
    .innerJoin(sequenceInstances, eq(sequenceInstances.id, phaseInstances.sequenceId))
    .where(eq(sequenceInstances.planId, instance.planInstanceId))
    .orderBy(asc(sequenceInstances.order), asc(phaseInstances.order), asc(masterSteps.number));
  const phaseRows = await db
    .select({ id: phaseInstances.id, masterId: phaseInstances.masterPhaseId, sequenceOrder: sequenceInstances.order, phaseOrder: phaseInstances.order })
    .from(phaseInstances)
    .innerJoin(sequenceInstances, eq(sequenceInstances.id, phaseInstances.sequenceId))
    .where(eq(sequenceInstances.planId, instance.planInstanceId))
    .orderBy(asc(sequenceInstances.order), asc(phaseInstances.order));
  const controlRows = await db
    .select({ id: controlInstances.id, phaseId: controlInstances.phaseId, critical: controlInstances.isCritical })
    .from(controlInstances)
    .where(inArray(controlInstances.phaseId, phaseRows.map((p) => p.id)));
  // Touch the instruction table once so a broken copy fails here, not deep inside a test.
  await db.select({ id: instructionInstances.id }).from(instructionInstances).limit(1);

  const { call, callRaw } = makeCaller(db);
  return {
    database,
    db,
    users: scenarioUsers,
    teams: teamIds,
    migrationId: migration!.id,
    iterationId: dr!.id,
    runIterationId: run!.id,
    masterPlanId: plan!.id,
    planInstanceId: instance.planInstanceId,
    labelId: label!.id,
    runOnlyMasterStepId,
    steps: stepRows.map((row) => ({
      id: row.id,
      masterId: row.masterId,
      code: `TRT-${String(row.number).padStart(3, '0')}`,
      phaseId: row.phaseId,
      predecessorId: row.predecessorId,
      sequenceIndex: (row.sequenceOrder ?? 1) - 1,
      phaseIndex: (row.phaseOrder ?? 1) - 1,
      ownerTeamId: row.ownerTeamId ?? teamIds.owner,
    })),
    phases: phaseRows.map((row) => {
      const controls = controlRows.filter((c) => c.phaseId === row.id);
      return {
        id: row.id,
        masterId: row.masterId,
        sequenceIndex: (row.sequenceOrder ?? 1) - 1,
        phaseIndex: (row.phaseOrder ?? 1) - 1,
        controlIds: controls.map((c) => c.id),
        criticalControlId: controls.find((c) => c.critical)?.id ?? null,
      };
    }),
    call,
    callRaw,
    close: () => database.close(),
  };
}
