import { eq } from 'drizzle-orm';
import { users } from '../../src/db/schema';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import {
  auditRows,
  containerStatuses,
  controlRow,
  executionFingerprint,
  phaseAt,
  resetRunsheet,
  setControlStatus,
  setStepStatus,
  stepsOfPhase,
  UNKNOWN_UUID,
} from './execution-fixtures';

describe('controls/recordVerdict and controls/assignValidators', () => {
  let s: Scenario;
  let controlId: string;
  beforeAll(async () => {
    s = await createScenario();
    controlId = phaseAt(s, 0, 0).criticalControlId!;
  });
  afterAll(() => s.close());
  beforeEach(async () => {
    await resetRunsheet(s);
  });

  const verdict = (account: string, payload: Record<string, unknown>) =>
    s.callRaw(account, 'controls/recordVerdict', { controlId, expectedStatus: 'TODO', ...payload });

  describe('recordVerdict', () => {
    it('records each validator in their own slot without naming it; the control passes when both passed', async () => {
      const it = expectOk(await s.call(ACCOUNTS.itValidator, 'controls/recordVerdict', { controlId, verdict: 'PASSED', comment: 'Checksums match', expectedStatus: 'TODO' }));
      expect(it.changed).toBe(true);
      expect(it.control).toMatchObject({ status: { name: 'TODO' }, it: { verdict: 'PASSED', byId: s.users.itValidator.id, comment: 'Checksums match' }, biz: { verdict: null } });
      const biz = expectOk(await s.call(ACCOUNTS.bizValidator, 'controls/recordVerdict', { controlId, verdict: 'PASSED', expectedStatus: 'TODO' }));
      expect(biz.control).toMatchObject({ status: { name: 'PASSED', color: '#00AA00' }, biz: { verdict: 'PASSED', byId: s.users.bizValidator.id, comment: null } });

      const row = await controlRow(s, controlId);
      expect(row).toMatchObject({
        status: 'PASSED',
        itVerdict: 'PASSED',
        itVerdictById: s.users.itValidator.id,
        itComment: 'Checksums match',
        bizVerdict: 'PASSED',
        bizVerdictById: s.users.bizValidator.id,
        updatedBy: 'BZV',
      });
      expect(row.itVerdictAt).toBeInstanceOf(Date);
      expect(row.bizVerdictAt).toBeInstanceOf(Date);
      const audits = await auditRows(s, controlId, 'CONTROL_VERDICT_RECORDED');
      expect(audits.map((a) => a.details)).toEqual([
        expect.objectContaining({ by: 'ITV', slot: 'IT', comment: 'Checksums match', before: { status: 'TODO', verdict: null }, after: { status: 'TODO', verdict: 'PASSED' } }),
        expect.objectContaining({ by: 'BZV', slot: 'BIZ', comment: null, before: { status: 'TODO', verdict: null }, after: { status: 'PASSED', verdict: 'PASSED' } }),
      ]);
    });

    it('fails the control at once on one FAILED verdict, and lets the validator change it later', async () => {
      const failed = expectOk(await s.call(ACCOUNTS.bizValidator, 'controls/recordVerdict', { controlId, verdict: 'FAILED', comment: 'Balances differ', expectedStatus: 'TODO' }));
      expect(failed.control.status.name).toBe('FAILED');
      expect((await controlRow(s, controlId)).bizComment).toBe('Balances differ');
      expectOk(await s.call(ACCOUNTS.itValidator, 'controls/recordVerdict', { controlId, verdict: 'PASSED', expectedStatus: 'FAILED' }));
      const fixed = expectOk(await s.call(ACCOUNTS.bizValidator, 'controls/recordVerdict', { controlId, verdict: 'PASSED', expectedStatus: 'FAILED' }));
      expect(fixed.control.status.name).toBe('PASSED');
      // A new verdict replaces the comment of the old one.
      expect(fixed.control.biz.comment).toBeNull();
    });

    it('refuses a validator signing the other slot, and users who are not validators', async () => {
      const before = await executionFingerprint(s);
      expect(codeOf(await verdict(ACCOUNTS.itValidator, { verdict: 'PASSED', slot: 'BIZ' }))).toBe('FORBIDDEN');
      expect(codeOf(await verdict(ACCOUNTS.normalInTeam, { verdict: 'PASSED' }))).toBe('FORBIDDEN');
      expect(codeOf(await verdict(ACCOUNTS.normalOutside, { verdict: 'PASSED', slot: 'IT' }))).toBe('FORBIDDEN');
      expect(codeOf(await verdict(ACCOUNTS.unknown, { verdict: 'PASSED', slot: 'IT' }))).toBe('UNKNOWN_USER');
      expect(codeOf(await verdict(ACCOUNTS.inactive, { verdict: 'PASSED', slot: 'IT' }))).toBe('UNKNOWN_USER');
      expect(await executionFingerprint(s)).toBe(before);
    });

    it('checks permission before the expected status, so a refused user learns nothing', async () => {
      await setControlStatus(s, controlId, 'FAILED');
      expect(codeOf(await verdict(ACCOUNTS.normalInTeam, { verdict: 'PASSED', expectedStatus: 'TODO' }))).toBe('FORBIDDEN');
    });

    it('asks pilots and admins which slot they sign, then lets them sign either', async () => {
      expect(codeOf(await verdict(ACCOUNTS.pilot, { verdict: 'PASSED' }))).toBe('VALIDATION');
      expectOk(await verdict(ACCOUNTS.pilot, { verdict: 'PASSED', slot: 'IT' }));
      const done = expectOk(await verdict(ACCOUNTS.admin, { verdict: 'PASSED', slot: 'BIZ' })) as { control: { status: { name: string }; biz: { byId: number } } };
      expect(done.control.status.name).toBe('PASSED');
      expect(done.control.biz.byId).toBe(s.users.admin.id);
    });

    it('refuses a verdict on a control whose status changed since the user saw it, writing nothing', async () => {
      expectOk(await verdict(ACCOUNTS.bizValidator, { verdict: 'FAILED' }));
      const before = await executionFingerprint(s);
      const stale = await verdict(ACCOUNTS.itValidator, { verdict: 'PASSED', expectedStatus: 'TODO' });
      expect(codeOf(stale)).toBe('CONFLICT');
      expect(stale.ok ? {} : stale.error.details).toEqual({ currentStatus: 'FAILED' });
      expect(await executionFingerprint(s)).toBe(before);
    });

    it('refuses verdicts on a cancelled (waived) control', async () => {
      await setControlStatus(s, controlId, 'CANCELLED');
      expect(codeOf(await verdict(ACCOUNTS.itValidator, { verdict: 'PASSED', expectedStatus: 'CANCELLED' }))).toBe('CONFLICT');
    });

    it('accepts a repeat of the same verdict as a no-op without an audit row', async () => {
      expectOk(await verdict(ACCOUNTS.itValidator, { verdict: 'PASSED', comment: 'ok' }));
      const repeat = expectOk(await verdict(ACCOUNTS.itValidator, { verdict: 'PASSED', comment: 'ok' })) as { changed: boolean };
      expect(repeat.changed).toBe(false);
      expect(await auditRows(s, controlId, 'CONTROL_VERDICT_RECORDED')).toHaveLength(1);
    });

    it('completes the phase when its critical control passes after its steps are done, audited with the roll-up', async () => {
      const phase = phaseAt(s, 0, 0);
      await setStepStatus(s, stepsOfPhase(s, 0, 0).map((step) => step.id), 'COMPLETED');
      expectOk(await verdict(ACCOUNTS.itValidator, { verdict: 'PASSED' }));
      const passed = expectOk(await verdict(ACCOUNTS.bizValidator, { verdict: 'PASSED' })) as { phase: { status: { name: string } } };
      expect(passed.phase.status.name).toBe('COMPLETED');
      expect((await containerStatuses(s, phase.id)).phase).toBe('COMPLETED');
      const [, last] = await auditRows(s, controlId, 'CONTROL_VERDICT_RECORDED');
      expect((last!.details as { rolledUp: Array<{ kind: string; after: string }> }).rolledUp).toContainEqual(expect.objectContaining({ kind: 'Phase', after: 'COMPLETED' }));
    });

    it('answers NOT_FOUND for an unknown control', async () => {
      expect(codeOf(await s.call(ACCOUNTS.pilot, 'controls/recordVerdict', { controlId: UNKNOWN_UUID, verdict: 'PASSED', slot: 'IT', expectedStatus: 'TODO' }))).toBe('NOT_FOUND');
    });
  });

  describe('assignValidators', () => {
    const assign = (account: string, itValidatorId: number | null, bizValidatorId: number | null) =>
      s.call(account, 'controls/assignValidators', { controlId, itValidatorId, bizValidatorId });

    it('lets pilots and admins assign validators; the new validator signs, the old one no longer can', async () => {
      const result = expectOk(await assign(ACCOUNTS.pilot, s.users.normalInTeam.id, s.users.bizValidator.id));
      expect(result).toMatchObject({ changed: true, control: { itValidatorId: s.users.normalInTeam.id, bizValidatorId: s.users.bizValidator.id, updatedBy: 'PIL' } });
      expect(codeOf(await verdict(ACCOUNTS.itValidator, { verdict: 'PASSED' }))).toBe('FORBIDDEN');
      expectOk(await verdict(ACCOUNTS.normalInTeam, { verdict: 'PASSED' }));
      const [audit] = await auditRows(s, controlId, 'CONTROL_VALIDATORS_ASSIGNED');
      expect(audit!.details).toMatchObject({
        by: 'PIL',
        before: { itValidatorId: s.users.itValidator.id, bizValidatorId: s.users.bizValidator.id, status: 'TODO' },
        after: { itValidatorId: s.users.normalInTeam.id, bizValidatorId: s.users.bizValidator.id, status: 'TODO' },
      });
      expect(codeOf(await assign(ACCOUNTS.admin, null, null))).toBe('OK');
    });

    it('re-derives the status: dropping the slot still waiting makes a control PASSED and completes its phase', async () => {
      await setStepStatus(s, stepsOfPhase(s, 0, 0).map((step) => step.id), 'COMPLETED');
      expectOk(await verdict(ACCOUNTS.itValidator, { verdict: 'PASSED' }));
      const result = expectOk(await assign(ACCOUNTS.admin, s.users.itValidator.id, null));
      expect(result.control.status.name).toBe('PASSED');
      expect(result.phase.status.name).toBe('COMPLETED');
      // Adding the business slot back re-opens the gate.
      const back = expectOk(await assign(ACCOUNTS.admin, s.users.itValidator.id, s.users.bizValidator.id));
      expect(back.control.status.name).toBe('TODO');
      expect(back.phase.status.name).toBe('IN_PROGRESS');
    });

    it('accepts the same assignment again as a no-op', async () => {
      const result = expectOk(await assign(ACCOUNTS.pilot, s.users.itValidator.id, s.users.bizValidator.id));
      expect(result.changed).toBe(false);
      expect(await auditRows(s, controlId)).toHaveLength(0);
    });

    it('refuses team members, and validators who are not active users', async () => {
      const before = await executionFingerprint(s);
      expect(codeOf(await assign(ACCOUNTS.normalInTeam, s.users.normalInTeam.id, null))).toBe('FORBIDDEN');
      expect(codeOf(await assign(ACCOUNTS.itValidator, s.users.itValidator.id, null))).toBe('FORBIDDEN');
      const inactive = await assign(ACCOUNTS.admin, s.users.inactive.id, null);
      expect(codeOf(inactive)).toBe('NOT_FOUND');
      expect(codeOf(await assign(ACCOUNTS.admin, s.users.itValidator.id, 987_654))).toBe('NOT_FOUND');
      expect(codeOf(await s.call(ACCOUNTS.admin, 'controls/assignValidators', { controlId: UNKNOWN_UUID, itValidatorId: null, bizValidatorId: null }))).toBe('NOT_FOUND');
      expect(await executionFingerprint(s)).toBe(before);
      const [row] = await s.db.select({ active: users.active }).from(users).where(eq(users.id, s.users.inactive.id));
      expect(row!.active).toBe(false);
    });
  });
});
