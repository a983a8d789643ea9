import { eq } from 'drizzle-orm';
import { instructionInstances } from '../../src/db/schema';
import { executionOperations } from '../../src/resolvers/execution';
import { codeOf } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { executionFingerprint, phaseAt, resetRunsheet, seedComment, seedPilotComment, setStepStatus, stepAt } from './execution-fixtures';

/**
 * Every mutating execution resolver against every kind of caller. Each case starts from a fresh
 * target prepared straight in the database; a refusal must leave every execution table as it was.
 */

const CALLERS = ['unknown', 'normalOutside', 'normalInTeam', 'pilot', 'admin'] as const;
type Caller = (typeof CALLERS)[number];
type Expected = Record<Caller, 'OK' | 'FORBIDDEN' | 'UNKNOWN_USER'>;

interface Case {
  functionKey: string;
  /** Puts the target into its starting state and returns the payload. */
  prepare(s: Scenario): Promise<Record<string, unknown>>;
  expected: Expected;
}

/** Team work: the step's teams, pilots and admins. */
const TEAM_WORK: Expected = { unknown: 'UNKNOWN_USER', normalOutside: 'FORBIDDEN', normalInTeam: 'OK', pilot: 'OK', admin: 'OK' };
/** Pilot work: pilots and admins. */
const PILOT_WORK: Expected = { unknown: 'UNKNOWN_USER', normalOutside: 'FORBIDDEN', normalInTeam: 'FORBIDDEN', pilot: 'OK', admin: 'OK' };
/** Anyone known to UMIG. */
const ANYONE: Expected = { unknown: 'UNKNOWN_USER', normalOutside: 'OK', normalInTeam: 'OK', pilot: 'OK', admin: 'OK' };
/** The author (here the team member) and admins. */
const AUTHOR_OR_ADMIN: Expected = { unknown: 'UNKNOWN_USER', normalOutside: 'FORBIDDEN', normalInTeam: 'OK', pilot: 'FORBIDDEN', admin: 'OK' };

const CASES: Case[] = [
  {
    functionKey: 'steps/changeStatus',
    async prepare(s) {
      const step = stepAt(s, 0, 0, 0);
      await setStepStatus(s, step.id, 'TODO');
      return { stepId: step.id, expectedStatus: 'TODO', toStatus: 'IN_PROGRESS' };
    },
    expected: TEAM_WORK,
  },
  {
    functionKey: 'instructions/setCompleted',
    async prepare(s) {
      const step = stepAt(s, 0, 0, 0);
      await setStepStatus(s, step.id, 'IN_PROGRESS');
      const [instruction] = await s.db.select().from(instructionInstances).where(eq(instructionInstances.stepId, step.id)).limit(1);
      return { instructionId: instruction!.id, completed: true };
    },
    expected: TEAM_WORK,
  },
  {
    functionKey: 'controls/recordVerdict',
    async prepare(s) {
      return { controlId: phaseAt(s, 0, 0).criticalControlId!, verdict: 'PASSED', slot: 'IT', expectedStatus: 'TODO' };
    },
    expected: PILOT_WORK,
  },
  {
    functionKey: 'controls/assignValidators',
    async prepare(s) {
      return { controlId: phaseAt(s, 0, 0).criticalControlId!, itValidatorId: s.users.normalInTeam.id, bizValidatorId: null };
    },
    expected: PILOT_WORK,
  },
  {
    functionKey: 'controls/assignPhaseValidators',
    async prepare(s) {
      return { phaseId: phaseAt(s, 0, 0).id, itValidatorId: s.users.normalInTeam.id };
    },
    expected: PILOT_WORK,
  },
  {
    functionKey: 'comments/add',
    async prepare(s) {
      return { stepId: stepAt(s, 0, 0, 0).id, body: 'Ready on our side' };
    },
    expected: ANYONE,
  },
  {
    functionKey: 'comments/edit',
    async prepare(s) {
      return { commentId: await seedComment(s, stepAt(s, 0, 0, 0).id, s.users.normalInTeam.id), body: 'Edited' };
    },
    expected: AUTHOR_OR_ADMIN,
  },
  {
    functionKey: 'comments/delete',
    async prepare(s) {
      return { commentId: await seedComment(s, stepAt(s, 0, 0, 0).id, s.users.normalInTeam.id) };
    },
    expected: AUTHOR_OR_ADMIN,
  },
  {
    functionKey: 'pilotComments/add',
    async prepare(s) {
      return { masterStepId: stepAt(s, 0, 0, 0).masterId, body: 'Watch the batch window' };
    },
    expected: PILOT_WORK,
  },
  {
    functionKey: 'pilotComments/edit',
    async prepare(s) {
      return { commentId: await seedPilotComment(s, stepAt(s, 0, 0, 0).masterId, s.users.pilot.id), body: 'Edited' };
    },
    // The pilot wrote it; admins moderate; nobody else.
    expected: PILOT_WORK,
  },
  {
    functionKey: 'pilotComments/delete',
    async prepare(s) {
      return { commentId: await seedPilotComment(s, stepAt(s, 0, 0, 0).masterId, s.users.pilot.id) };
    },
    expected: PILOT_WORK,
  },
];

describe('permission matrix of the execution resolvers', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  const rows = CASES.flatMap((c) => CALLERS.map((caller) => ({ functionKey: c.functionKey, caller, expected: c.expected[caller], prepare: c.prepare })));

  it.each(rows)('$functionKey by $caller -> $expected', async ({ functionKey, caller, expected, prepare }) => {
    await resetRunsheet(s);
    const payload = await prepare(s);
    const before = await executionFingerprint(s);
    const result = await s.callRaw(ACCOUNTS[caller], functionKey, payload);
    expect(codeOf(result)).toBe(expected);
    if (expected === 'OK') expect(await executionFingerprint(s)).not.toBe(before);
    else expect(await executionFingerprint(s)).toBe(before);
  });

  it('covers every mutating resolver of the execution map', () => {
    const readOnly = ['steps/allowedTransitions'];
    expect(CASES.map((c) => c.functionKey).sort()).toEqual(Object.keys(executionOperations).filter((key) => !readOnly.includes(key)).sort());
  });
});
