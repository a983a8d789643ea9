import { count, eq } from 'drizzle-orm';
import { pilotComments, stepComments, users } from '../../src/db/schema';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { auditRows, executionFingerprint, seedComment, seedPilotComment, SQL_TEXT, stepAt, UNKNOWN_UUID } from './execution-fixtures';

describe('comments and pilot comments', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
  });
  afterAll(() => s.close());

  describe('step comments', () => {
    it('lets any known user comment on any step, storing the author by user id, audited', async () => {
      const step = stepAt(s, 0, 0, 0);
      const comment = expectOk(await s.call(ACCOUNTS.normalOutside, 'comments/add', { stepId: step.id, body: '  Network window confirmed  ' }));
      expect(comment).toMatchObject({ stepId: step.id, body: 'Network window confirmed', createdById: s.users.normalOutside.id, updatedById: null, updatedAt: null });
      expect(typeof comment.createdAt).toBe('string');
      const [row] = await s.db.select().from(stepComments).where(eq(stepComments.id, comment.id));
      expect(row).toMatchObject({ body: 'Network window confirmed', createdBy: s.users.normalOutside.id });
      const [audit] = await auditRows(s, comment.id, 'COMMENT_ADDED');
      expect(audit!.details).toMatchObject({ by: 'NOU', after: { body: 'Network window confirmed' }, stepId: step.id });
      expect(codeOf(await s.call(ACCOUNTS.unknown, 'comments/add', { stepId: step.id, body: 'x' }))).toBe('UNKNOWN_USER');
      expect(codeOf(await s.call(ACCOUNTS.inactive, 'comments/add', { stepId: step.id, body: 'x' }))).toBe('UNKNOWN_USER');
    });

    it('stores SQL-looking text verbatim and harmlessly', async () => {
      const step = stepAt(s, 0, 0, 0);
      const comment = expectOk(await s.call(ACCOUNTS.normalInTeam, 'comments/add', { stepId: step.id, body: SQL_TEXT }));
      const [row] = await s.db.select().from(stepComments).where(eq(stepComments.id, comment.id));
      expect(row!.body).toBe(SQL_TEXT);
      const [people] = await s.db.select({ n: count() }).from(users);
      expect(people!.n).toBe(8);
    });

    it('lets the author edit and delete their comment; others are refused, admins may moderate', async () => {
      const step = stepAt(s, 0, 0, 1);
      const id = await seedComment(s, step.id, s.users.normalInTeam.id, 'Original');
      const before = await executionFingerprint(s);
      expect(codeOf(await s.call(ACCOUNTS.normalOutside, 'comments/edit', { commentId: id, body: 'Hijacked' }))).toBe('FORBIDDEN');
      expect(codeOf(await s.call(ACCOUNTS.pilot, 'comments/edit', { commentId: id, body: 'Hijacked' }))).toBe('FORBIDDEN');
      expect(codeOf(await s.call(ACCOUNTS.pilot, 'comments/delete', { commentId: id }))).toBe('FORBIDDEN');
      expect(await executionFingerprint(s)).toBe(before);

      const edited = expectOk(await s.call(ACCOUNTS.normalInTeam, 'comments/edit', { commentId: id, body: 'Corrected' }));
      expect(edited).toMatchObject({ body: 'Corrected', createdById: s.users.normalInTeam.id, updatedById: s.users.normalInTeam.id });
      expect(typeof edited.updatedAt).toBe('string');
      const [audit] = await auditRows(s, id, 'COMMENT_EDITED');
      expect(audit!.details).toMatchObject({ before: { body: 'Original' }, after: { body: 'Corrected' } });
      // The same text again changes nothing.
      expectOk(await s.call(ACCOUNTS.normalInTeam, 'comments/edit', { commentId: id, body: 'Corrected' }));
      expect(await auditRows(s, id, 'COMMENT_EDITED')).toHaveLength(1);

      const moderated = expectOk(await s.call(ACCOUNTS.admin, 'comments/edit', { commentId: id, body: 'Moderated' }));
      expect(moderated.updatedById).toBe(s.users.admin.id);
      expectOk(await s.call(ACCOUNTS.normalInTeam, 'comments/delete', { commentId: id }));
      expect(await s.db.select().from(stepComments).where(eq(stepComments.id, id))).toEqual([]);
      expect(await auditRows(s, id, 'COMMENT_DELETED')).toHaveLength(1);
      expect(codeOf(await s.call(ACCOUNTS.normalInTeam, 'comments/delete', { commentId: id }))).toBe('NOT_FOUND');

      const other = await seedComment(s, step.id, s.users.normalImpacted.id);
      expectOk(await s.call(ACCOUNTS.admin, 'comments/delete', { commentId: other }));
    });

    it('answers NOT_FOUND for unknown steps and comments, writing nothing', async () => {
      const before = await executionFingerprint(s);
      expect(codeOf(await s.call(ACCOUNTS.normalInTeam, 'comments/add', { stepId: UNKNOWN_UUID, body: 'x' }))).toBe('NOT_FOUND');
      expect(codeOf(await s.call(ACCOUNTS.admin, 'comments/edit', { commentId: 999_999, body: 'x' }))).toBe('NOT_FOUND');
      expect(codeOf(await s.call(ACCOUNTS.admin, 'comments/delete', { commentId: 999_999 }))).toBe('NOT_FOUND');
      expect(await executionFingerprint(s)).toBe(before);
    });
  });

  describe('pilot comments on master steps', () => {
    it('lets pilots and admins write them, with a visibility (ALL by default); team members are refused', async () => {
      const master = stepAt(s, 0, 0, 0).masterId;
      const before = await executionFingerprint(s);
      expect(codeOf(await s.call(ACCOUNTS.normalInTeam, 'pilotComments/add', { masterStepId: master, body: 'x' }))).toBe('FORBIDDEN');
      expect(codeOf(await s.call(ACCOUNTS.normalOutside, 'pilotComments/add', { masterStepId: master, body: 'x' }))).toBe('FORBIDDEN');
      expect(await executionFingerprint(s)).toBe(before);

      const note = expectOk(await s.call(ACCOUNTS.pilot, 'pilotComments/add', { masterStepId: master, body: 'Run this before 02:00' }));
      expect(note).toMatchObject({ masterStepId: master, body: 'Run this before 02:00', visibility: 'ALL', author: 'PIL', createdById: s.users.pilot.id });
      const privateNote = expectOk(await s.call(ACCOUNTS.admin, 'pilotComments/add', { masterStepId: master, body: 'Vendor on call', visibility: 'PILOTS' }));
      expect(privateNote.visibility).toBe('PILOTS');
      const [audit] = await auditRows(s, note.id, 'PILOT_COMMENT_ADDED');
      expect(audit!.details).toMatchObject({ by: 'PIL', after: { body: 'Run this before 02:00', visibility: 'ALL' }, masterStepId: master });
    });

    it('lets a pilot edit and delete their own pilot comments and admins any; not another author’s', async () => {
      const master = stepAt(s, 0, 0, 1).masterId;
      const pilotsNote = await seedPilotComment(s, master, s.users.pilot.id, 'Pilot note');
      const adminsNote = await seedPilotComment(s, master, s.users.admin.id, 'Admin note');
      const before = await executionFingerprint(s);
      expect(codeOf(await s.call(ACCOUNTS.pilot, 'pilotComments/edit', { commentId: adminsNote, body: 'changed' }))).toBe('FORBIDDEN');
      expect(codeOf(await s.call(ACCOUNTS.pilot, 'pilotComments/delete', { commentId: adminsNote }))).toBe('FORBIDDEN');
      expect(codeOf(await s.call(ACCOUNTS.normalInTeam, 'pilotComments/edit', { commentId: pilotsNote, body: 'changed' }))).toBe('FORBIDDEN');
      expect(await executionFingerprint(s)).toBe(before);

      const edited = expectOk(await s.call(ACCOUNTS.pilot, 'pilotComments/edit', { commentId: pilotsNote, body: 'Pilot note, revised', visibility: 'PILOTS' }));
      expect(edited).toMatchObject({ body: 'Pilot note, revised', visibility: 'PILOTS', updatedById: s.users.pilot.id });
      const [audit] = await auditRows(s, pilotsNote, 'PILOT_COMMENT_EDITED');
      expect(audit!.details).toMatchObject({ before: { body: 'Pilot note', visibility: 'ALL' }, after: { body: 'Pilot note, revised', visibility: 'PILOTS' } });
      expectOk(await s.call(ACCOUNTS.admin, 'pilotComments/edit', { commentId: pilotsNote, body: 'Moderated' }));
      const [row] = await s.db.select().from(pilotComments).where(eq(pilotComments.id, pilotsNote));
      expect(row).toMatchObject({ body: 'Moderated', visibility: 'PILOTS', updatedBy: s.users.admin.id });

      expectOk(await s.call(ACCOUNTS.pilot, 'pilotComments/delete', { commentId: pilotsNote }));
      expectOk(await s.call(ACCOUNTS.admin, 'pilotComments/delete', { commentId: adminsNote }));
      expect(await s.db.select().from(pilotComments).where(eq(pilotComments.stepId, master))).toEqual([]);
      expect(await auditRows(s, pilotsNote, 'PILOT_COMMENT_DELETED')).toHaveLength(1);
    });

    it('answers NOT_FOUND for unknown master steps and pilot comments', async () => {
      const before = await executionFingerprint(s);
      expect(codeOf(await s.call(ACCOUNTS.pilot, 'pilotComments/add', { masterStepId: UNKNOWN_UUID, body: 'x' }))).toBe('NOT_FOUND');
      expect(codeOf(await s.call(ACCOUNTS.pilot, 'pilotComments/edit', { commentId: 999_999, body: 'x' }))).toBe('NOT_FOUND');
      expect(codeOf(await s.call(ACCOUNTS.admin, 'pilotComments/delete', { commentId: 999_999 }))).toBe('NOT_FOUND');
      expect(await executionFingerprint(s)).toBe(before);
    });
  });
});
