import { STEP_STATUSES, type StepStatus } from '../../src/domain/statuses';
import { codeOf } from '../helpers/call';
import { ACCOUNTS, type AccountKey, createScenario, type Scenario } from '../helpers/scenario';
import { auditRows, setStepStatus, stepAt, stepRow } from './execution-fixtures';

/**
 * Every (from, to) pair of step statuses for every kind of caller, driven through the resolver
 * from a starting state written straight into the database. The step used has a completed
 * predecessor and sits in the first phase, so no start is blocked: only the status machine and
 * the caller's rights decide. The expectations are written out here as the specification.
 */

/** Moves a member of the step's teams may make. */
const MEMBER_MOVES: Record<StepStatus, StepStatus[]> = {
  PENDING: ['TODO'],
  TODO: ['IN_PROGRESS', 'BLOCKED'],
  IN_PROGRESS: ['COMPLETED', 'FAILED', 'BLOCKED'],
  BLOCKED: ['TODO', 'IN_PROGRESS'],
  FAILED: ['IN_PROGRESS'],
  COMPLETED: [],
  CANCELLED: [],
};

/** Cancelling and reopening moves: pilots and administrators only (docs/decisions.md, cancel rule). */
const PILOT_MOVES: Partial<Record<StepStatus, StepStatus[]>> = {
  PENDING: ['CANCELLED'],
  TODO: ['CANCELLED'],
  BLOCKED: ['CANCELLED'],
  FAILED: ['CANCELLED'],
  COMPLETED: ['IN_PROGRESS'],
  CANCELLED: ['TODO'],
};

type Caller = 'member' | 'pilot' | 'outsider' | 'unregistered';

const ROLES: Array<{ account: AccountKey; label: string; caller: Caller }> = [
  { account: 'normalInTeam', label: 'NORMAL in the owner team', caller: 'member' },
  { account: 'normalImpacted', label: 'NORMAL in an impacted team', caller: 'member' },
  { account: 'normalOutside', label: 'NORMAL outside the step teams', caller: 'outsider' },
  { account: 'pilot', label: 'PILOT', caller: 'pilot' },
  { account: 'admin', label: 'ADMIN', caller: 'pilot' },
  { account: 'unknown', label: 'an account UMIG does not know', caller: 'unregistered' },
  { account: 'inactive', label: 'an inactive user', caller: 'unregistered' },
];

function expected(caller: Caller, from: StepStatus, to: StepStatus): string {
  if (caller === 'unregistered') return 'UNKNOWN_USER';
  if (caller === 'outsider') return 'FORBIDDEN';
  if (from === to || MEMBER_MOVES[from].includes(to)) return 'OK';
  if (PILOT_MOVES[from]?.includes(to)) return caller === 'pilot' ? 'OK' : 'FORBIDDEN';
  return 'VALIDATION';
}

describe('steps/changeStatus: every transition for every role', () => {
  let s: Scenario;
  let stepId: string;
  beforeAll(async () => {
    s = await createScenario();
    // Step 2 of the first phase: owned by the owner team, impacted team attached, predecessor done.
    await setStepStatus(s, stepAt(s, 0, 0, 0).id, 'COMPLETED');
    stepId = stepAt(s, 0, 0, 1).id;
  });
  afterAll(() => s.close());

  it.each(ROLES)('$label', async ({ account, caller }) => {
    const outcomes: string[] = [];
    const wanted: string[] = [];
    const stored: string[] = [];
    const wantedStored: string[] = [];
    let changes = 0;
    const auditBefore = (await auditRows(s, stepId)).length;
    for (const from of STEP_STATUSES) {
      for (const to of STEP_STATUSES) {
        await setStepStatus(s, stepId, from);
        const result = await s.callRaw(ACCOUNTS[account], 'steps/changeStatus', { stepId, expectedStatus: from, toStatus: to, reason: 'Why', confirmOpenInstructions: true });
        const code = expected(caller, from, to);
        outcomes.push(`${from} -> ${to}: ${codeOf(result)}`);
        wanted.push(`${from} -> ${to}: ${code}`);
        stored.push(`${from} -> ${to}: ${(await stepRow(s, stepId)).status}`);
        wantedStored.push(`${from} -> ${to}: ${code === 'OK' ? to : from}`);
        if (code === 'OK' && from !== to) changes += 1;
        if (result.ok) expect((result.data as { changed: boolean }).changed).toBe(from !== to);
      }
    }
    expect(outcomes).toEqual(wanted);
    expect(stored).toEqual(wantedStored);
    // One audit row per real change; refusals and no-ops write none.
    expect((await auditRows(s, stepId)).length - auditBefore).toBe(changes);
  });
});
