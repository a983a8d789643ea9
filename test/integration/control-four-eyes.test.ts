import { eq } from 'drizzle-orm';
import { controlInstances } from '../../src/db/schema';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { auditRows, controlRow, executionFingerprint, phaseAt, resetRunsheet, UNKNOWN_UUID } from './execution-fixtures';

/**
 * Four eyes on controls (issue 11 §3): the IT and the business verdict of one control come from
 * two different people; a pilot may sign both with a reason, stored on the slot and marked on the
 * card. Validators are assigned one control at a time or for every control of a phase.
 */
describe('four eyes on control verdicts', () => {
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

  it('refuses a pilot signing the second slot of a control they already signed, naming the slot and the person; nothing changes', async () => {
    expectOk(await verdict(ACCOUNTS.pilot, { verdict: 'PASSED', slot: 'IT', comment: 'Counts match' }));
    const before = await executionFingerprint(s);
    const refused = await verdict(ACCOUNTS.pilot, { verdict: 'PASSED', slot: 'BIZ' });
    expect(codeOf(refused)).toBe('CONFLICT');
    if (refused.ok) throw new Error('expected a refusal');
    expect(refused.error.message).toMatch(/already signed control .+ as IT validator; the business validator must be someone else \(four eyes\)/);
    expect(refused.error.message).toContain('(PIL)');
    expect(refused.error.details).toMatchObject({ slot: 'BIZ', signedSlot: 'IT', overridable: true, ask: 'reason' });
    // A blank reason is no reason.
    expect(codeOf(await verdict(ACCOUNTS.pilot, { verdict: 'PASSED', slot: 'BIZ', overrideReason: '   ' }))).toBe('CONFLICT');
    expect(await executionFingerprint(s)).toBe(before);
    expect(await controlRow(s, controlId)).toMatchObject({ status: 'TODO', bizVerdict: null, bizVerdictById: null, bizOverrideReason: null });
  });

  it('refuses an assigned validator holding both slots without offering an override; nothing changes', async () => {
    // Assigned to both slots by hand (data from before the rule): the first signature is fine, the second is not.
    await s.db.update(controlInstances).set({ bizValidatorId: s.users.itValidator.id }).where(eq(controlInstances.id, controlId));
    expectOk(await verdict(ACCOUNTS.itValidator, { verdict: 'PASSED', slot: 'IT' }));
    const before = await executionFingerprint(s);
    for (const overrideReason of [undefined, 'I am the only one here']) {
      const refused = await verdict(ACCOUNTS.itValidator, { verdict: 'PASSED', slot: 'BIZ', overrideReason });
      expect(codeOf(refused)).toBe('FORBIDDEN');
      if (!refused.ok) expect(refused.error.message).toMatch(/\(ITV\) already signed .+ as IT validator; the business validator must be someone else/);
    }
    expect(await executionFingerprint(s)).toBe(before);
  });

  it('lets a pilot sign both with a reason: stored on the slot, marked on the card, audited', async () => {
    expectOk(await verdict(ACCOUNTS.pilot, { verdict: 'PASSED', slot: 'BIZ' }));
    const signed = expectOk(
      await s.call(ACCOUNTS.pilot, 'controls/recordVerdict', {
        controlId,
        expectedStatus: 'TODO',
        verdict: 'PASSED',
        slot: 'IT',
        overrideReason: '  Business validator unreachable; agreed on the bridge call  ',
      }),
    );
    expect(signed.control).toMatchObject({
      status: { name: 'PASSED' },
      it: { verdict: 'PASSED', byId: s.users.pilot.id, override: 'Business validator unreachable; agreed on the bridge call' },
      biz: { verdict: 'PASSED', byId: s.users.pilot.id, override: null },
    });
    expect(await controlRow(s, controlId)).toMatchObject({ itOverrideReason: 'Business validator unreachable; agreed on the bridge call', bizOverrideReason: null });

    const audits = await auditRows(s, controlId, 'CONTROL_VERDICT_RECORDED');
    expect(audits).toHaveLength(2);
    expect(audits[1]!.details).toMatchObject({ by: 'PIL', slot: 'IT', fourEyesOverride: { reason: 'Business validator unreachable; agreed on the bridge call', signedSlot: 'BIZ' } });
    expect(audits[0]!.details).not.toHaveProperty('fourEyesOverride');

    // The controls view and the step view carry the mark.
    const phase = expectOk(await s.call(ACCOUNTS.normalInTeam, 'phases/controls', { phaseId: phaseAt(s, 0, 0).id }));
    const card = phase.controls.find((control) => control.id === controlId)!;
    expect(card.it).toMatchObject({ verdict: 'PASSED', by: { id: s.users.pilot.id, code: 'PIL' }, override: 'Business validator unreachable; agreed on the bridge call' });
    expect(card.biz).toMatchObject({ verdict: 'PASSED', by: { code: 'PIL' }, override: null });
    expect(typeof card.it.at).toBe('string');

    // A second person re-signing the slot clears the mark: it is four eyes again.
    const resigned = expectOk(await s.call(ACCOUNTS.itValidator, 'controls/recordVerdict', { controlId, verdict: 'PASSED', comment: 'Checked myself', expectedStatus: 'PASSED' }));
    expect(resigned.control.it).toMatchObject({ byId: s.users.itValidator.id, override: null, comment: 'Checked myself' });
  });

  it('refuses an override reason longer than 2,000 characters, writing nothing', async () => {
    expectOk(await verdict(ACCOUNTS.pilot, { verdict: 'PASSED', slot: 'IT' }));
    const before = await executionFingerprint(s);
    expect(codeOf(await verdict(ACCOUNTS.pilot, { verdict: 'PASSED', slot: 'BIZ', overrideReason: 'x'.repeat(2001) }))).toBe('VALIDATION');
    expect(await executionFingerprint(s)).toBe(before);
  });

  it('needs no reason when two different people sign, and ignores one given anyway', async () => {
    expectOk(await verdict(ACCOUNTS.itValidator, { verdict: 'PASSED' }));
    const biz = expectOk(await s.call(ACCOUNTS.bizValidator, 'controls/recordVerdict', { controlId, expectedStatus: 'TODO', verdict: 'PASSED', overrideReason: 'not needed' }));
    expect(biz.control).toMatchObject({ status: { name: 'PASSED' }, biz: { override: null } });
  });
});

describe('assigning validators', () => {
  let s: Scenario;
  let phaseId: string;
  let controlIds: string[];
  beforeAll(async () => {
    s = await createScenario();
    phaseId = phaseAt(s, 0, 0).id;
    // A second control in the phase, so "every control of the phase" means more than one.
    const [first] = await s.db.select().from(controlInstances).where(eq(controlInstances.id, phaseAt(s, 0, 0).controlIds[0]!));
    const { id: _id, createdAt: _c, updatedAt: _u, ...copy } = first!;
    const [second] = await s.db
      .insert(controlInstances)
      .values({ ...copy, code: `${first!.code ?? 'CTL'}-B`, order: (first!.order ?? 0) + 1, isCritical: false })
      .returning({ id: controlInstances.id });
    controlIds = [...phaseAt(s, 0, 0).controlIds, second!.id];
  });
  afterAll(() => s.close());
  beforeEach(async () => {
    await resetRunsheet(s);
  });

  const validatorsOf = async (ids: string[]) =>
    Promise.all(ids.map(async (id) => {
      const row = await controlRow(s, id);
      return [row.itValidatorId, row.bizValidatorId];
    }));

  it('refuses the same person in both slots of one control, naming them; nothing changes', async () => {
    const before = await executionFingerprint(s);
    const refused = await s.call(ACCOUNTS.pilot, 'controls/assignValidators', { controlId: controlIds[0]!, itValidatorId: s.users.normalInTeam.id, bizValidatorId: s.users.normalInTeam.id });
    expect(codeOf(refused)).toBe('VALIDATION');
    if (!refused.ok) expect(refused.error.message).toMatch(/cannot be both the IT and the business validator of control .+ \(four eyes\)/);
    expect(await executionFingerprint(s)).toBe(before);
  });

  it('assigns both slots of every control of a phase at once, audited per control', async () => {
    expect(controlIds.length).toBeGreaterThan(1);
    const result = expectOk(await s.call(ACCOUNTS.pilot, 'controls/assignPhaseValidators', { phaseId, itValidatorId: s.users.normalInTeam.id, bizValidatorId: s.users.normalImpacted.id }));
    expect(result.changedCount).toBe(controlIds.length);
    expect(result.controls.map((control) => [control.itValidatorId, control.bizValidatorId])).toEqual(controlIds.map(() => [s.users.normalInTeam.id, s.users.normalImpacted.id]));
    expect(await validatorsOf(controlIds)).toEqual(controlIds.map(() => [s.users.normalInTeam.id, s.users.normalImpacted.id]));
    for (const id of controlIds) {
      const [audit] = await auditRows(s, id, 'CONTROL_VALIDATORS_ASSIGNED');
      expect(audit!.details).toMatchObject({ by: 'PIL', wholePhase: phaseId, after: { itValidatorId: s.users.normalInTeam.id, bizValidatorId: s.users.normalImpacted.id } });
    }
    // The same again changes nothing and writes no audit row.
    const again = expectOk(await s.call(ACCOUNTS.admin, 'controls/assignPhaseValidators', { phaseId, itValidatorId: s.users.normalInTeam.id, bizValidatorId: s.users.normalImpacted.id }));
    expect(again.changedCount).toBe(0);
    expect(await auditRows(s, controlIds[0]!, 'CONTROL_VALIDATORS_ASSIGNED')).toHaveLength(1);
  });

  it('sets only the slot given and keeps each control\'s other slot; null clears a slot', async () => {
    await s.db.update(controlInstances).set({ bizValidatorId: s.users.admin.id }).where(eq(controlInstances.id, controlIds[1]!));
    expectOk(await s.call(ACCOUNTS.admin, 'controls/assignPhaseValidators', { phaseId, itValidatorId: s.users.normalOutside.id }));
    expect(await validatorsOf(controlIds.slice(0, 2))).toEqual([
      [s.users.normalOutside.id, s.users.bizValidator.id],
      [s.users.normalOutside.id, s.users.admin.id],
    ]);
    expectOk(await s.call(ACCOUNTS.admin, 'controls/assignPhaseValidators', { phaseId, bizValidatorId: null }));
    expect(await validatorsOf(controlIds.slice(0, 2))).toEqual([
      [s.users.normalOutside.id, null],
      [s.users.normalOutside.id, null],
    ]);
  });

  it('refuses team members and validators; bad ids, unknown phases and a both-slots clash on any control change nothing', async () => {
    const before = await executionFingerprint(s);
    const call = (account: string, payload: Record<string, unknown>) => s.callRaw(account, 'controls/assignPhaseValidators', payload);
    expect(codeOf(await call(ACCOUNTS.normalInTeam, { phaseId, itValidatorId: s.users.normalInTeam.id }))).toBe('FORBIDDEN');
    expect(codeOf(await call(ACCOUNTS.itValidator, { phaseId, itValidatorId: s.users.itValidator.id }))).toBe('FORBIDDEN');
    expect(codeOf(await call(ACCOUNTS.normalInTeam, { nonsense: true }))).toBe('FORBIDDEN');
    expect(codeOf(await call(ACCOUNTS.pilot, { phaseId, itValidatorId: s.users.inactive.id, bizValidatorId: s.users.bizValidator.id }))).toBe('NOT_FOUND');
    expect(codeOf(await call(ACCOUNTS.pilot, { phaseId, itValidatorId: 987_654 }))).toBe('NOT_FOUND');
    expect(codeOf(await call(ACCOUNTS.pilot, { phaseId: UNKNOWN_UUID, itValidatorId: s.users.itValidator.id }))).toBe('NOT_FOUND');
    expect(codeOf(await call(ACCOUNTS.pilot, { phaseId, itValidatorId: 'ITV' }))).toBe('VALIDATION');
    expect(codeOf(await call(ACCOUNTS.pilot, { phaseId }))).toBe('VALIDATION');
    // Every control keeps the business validator, so making them IT validator too clashes everywhere.
    const clash = await call(ACCOUNTS.pilot, { phaseId, itValidatorId: s.users.bizValidator.id });
    expect(codeOf(clash)).toBe('VALIDATION');
    if (!clash.ok) expect(clash.error.message).toContain('(BZV) cannot be both the IT and the business validator');
    expect(await executionFingerprint(s)).toBe(before);
  });
});
