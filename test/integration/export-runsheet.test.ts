import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { instructionInstances, stepInstances } from '../../src/db/schema';
import { STEP_STATUS_ID } from '../../src/domain/statuses';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import { errorOf, expectData, type ImportCaller, makeImportCaller } from './import-fixtures';

const HEADER = ['Sequence', 'Phase', 'Code', 'Name', 'Owner team', 'Status', 'Duration (min)', 'Start (UTC)', 'End (UTC)', 'Instructions done', 'Instructions total'];

describe('runsheet exports', () => {
  let s: Scenario;
  let caller: ImportCaller;
  const start = new Date('2026-12-05T21:00:00.000Z');
  const end = new Date('2026-12-05T21:12:00.000Z');

  beforeAll(async () => {
    s = await createScenario();
    caller = makeImportCaller(s.db, () => new Date('2026-12-06T08:00:00Z'));
    const [first, second, third] = s.steps;
    await s.db.update(stepInstances).set({ statusId: STEP_STATUS_ID.COMPLETED, startTime: start, endTime: end }).where(eq(stepInstances.id, first!.id));
    await s.db.update(stepInstances).set({ statusId: STEP_STATUS_ID.IN_PROGRESS, startTime: end }).where(eq(stepInstances.id, second!.id));
    await s.db.update(stepInstances).set({ name: '=HYPERLINK("http://evil")' }).where(eq(stepInstances.id, third!.id));
    const [instruction] = await s.db.select().from(instructionInstances).where(eq(instructionInstances.stepId, first!.id)).orderBy(instructionInstances.order).limit(1);
    await s.db.update(instructionInstances).set({ isCompleted: true }).where(eq(instructionInstances.id, instruction!.id));
  });
  afterAll(() => s.close());

  async function csvRows(payload: Record<string, unknown>, account: string = ACCOUNTS.admin) {
    const file = expectData(await caller.call(account, 'exports/runsheetCsv', { iterationId: s.iterationId, ...payload }));
    expect(file.content.startsWith('\uFEFF')).toBe(true);
    const rows: string[][] = parse(file.content, { bom: true });
    expect(rows[0]).toEqual(HEADER);
    expect(rows.length - 1).toBe(file.rowCount);
    return rows.slice(1);
  }

  it('exports every step of the iteration as CSV, in runsheet order', async () => {
    const file = expectData(await caller.call(ACCOUNTS.admin, 'exports/runsheetCsv', { iterationId: s.iterationId }));
    expect(file).toMatchObject({ fileName: 'runsheet-dress-rehearsal-1-2026-12-06.csv', contentType: 'text/csv; charset=utf-8', rowCount: 11 });
    const rows = await csvRows({});
    expect(rows.slice(0, 3)).toEqual([
      ['Sequence 1', 'Phase 1.1', 'TRT-010', 'Step 1.1.1', 'Cutover Ops', 'COMPLETED', '10', '2026-12-05T21:00:00.000Z', '2026-12-05T21:12:00.000Z', '1', '2'],
      ['Sequence 1', 'Phase 1.1', 'TRT-020', 'Step 1.1.2', 'Cutover Ops', 'IN_PROGRESS', '20', '2026-12-05T21:12:00.000Z', '', '0', '2'],
      // A cell that a spreadsheet would run as a formula is defused.
      ['Sequence 1', 'Phase 1.2', 'TRT-010', `'=HYPERLINK("http://evil")`, 'Cutover Ops', 'PENDING', '10', '', '', '0', '2'],
    ]);
    expect(rows.map((row) => `${row[1]} ${row[2]}`)).toEqual([
      'Phase 1.1 TRT-010',
      'Phase 1.1 TRT-020',
      'Phase 1.2 TRT-010',
      'Phase 1.2 TRT-020',
      'Phase 1.2 TRT-030',
      'Phase 2.1 TRT-010',
      'Phase 2.1 TRT-020',
      'Phase 2.1 TRT-030',
      'Phase 2.2 TRT-010',
      'Phase 2.2 TRT-020',
      'Phase 2.2 TRT-030',
    ]);
  });

  it('applies the runsheet filters: team, statuses, label and text', async () => {
    const codes = async (payload: Record<string, unknown>) => (await csvRows(payload)).map((row) => `${row[1]} ${row[2]}`);
    expect(await codes({ teamId: s.teams.impacted })).toEqual(['Phase 1.1 TRT-020', 'Phase 1.2 TRT-020', 'Phase 2.1 TRT-020', 'Phase 2.2 TRT-020']);
    expect(await codes({ teamId: s.teams.owner })).toHaveLength(11);
    expect(await codes({ teamId: s.teams.other })).toEqual([]);
    expect(await codes({ statuses: ['IN_PROGRESS', 'COMPLETED'] })).toEqual(['Phase 1.1 TRT-010', 'Phase 1.1 TRT-020']);
    expect(await codes({ labelId: s.labelId })).toEqual(['Phase 1.1 TRT-010', 'Phase 1.2 TRT-010', 'Phase 2.1 TRT-010', 'Phase 2.2 TRT-010']);
    expect(await codes({ text: 'step 2.1' })).toEqual(['Phase 2.1 TRT-010', 'Phase 2.1 TRT-020', 'Phase 2.1 TRT-030']);
    expect(await codes({ text: 'trt-030' })).toEqual(['Phase 1.2 TRT-030', 'Phase 2.1 TRT-030', 'Phase 2.2 TRT-030']);
    expect(await codes({ text: '%' })).toEqual([]);
    expect(await codes({ text: 'step 2.', teamId: s.teams.impacted, statuses: ['PENDING'] })).toEqual(['Phase 2.1 TRT-020', 'Phase 2.2 TRT-020']);
  });

  it('exports the same rows as an Excel workbook', async () => {
    const file = expectData(await caller.call(ACCOUNTS.admin, 'exports/runsheetXlsx', { iterationId: s.iterationId, statuses: ['COMPLETED', 'IN_PROGRESS', 'PENDING'] }));
    expect(file).toMatchObject({ fileName: 'runsheet-dress-rehearsal-1-2026-12-06.xlsx', rowCount: 11 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Runsheet')!;
    expect(sheet.rowCount).toBe(12);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(HEADER);
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(['Sequence 1', 'Phase 1.1', 'TRT-010', 'Step 1.1.1', 'Cutover Ops', 'COMPLETED', 10, start, end, 1, 2]);
    expect(sheet.getRow(4).getCell(4).value).toBe('=HYPERLINK("http://evil")');
    expect(sheet.getRow(4).getCell(4).type).toBe(ExcelJS.ValueType.String);
    const csv = await csvRows({});
    for (let index = 0; index < csv.length; index++) {
      const values = (sheet.getRow(index + 2).values as unknown[]).slice(1);
      expect(values.slice(0, 3)).toEqual(csv[index]!.slice(0, 3));
    }
  });

  it('is open to every registered user, and checks its request', async () => {
    expect((await csvRows({}, ACCOUNTS.normalOutside)).length).toBe(11);
    expect(expectData(await caller.call(ACCOUNTS.pilot, 'exports/runsheetXlsx', { iterationId: s.iterationId })).rowCount).toBe(11);
    expect(errorOf(await caller.call(ACCOUNTS.unknown, 'exports/runsheetCsv', { iterationId: s.iterationId })).code).toBe('UNKNOWN_USER');
    expect(errorOf(await caller.call(ACCOUNTS.inactive, 'exports/runsheetXlsx', { iterationId: s.iterationId })).code).toBe('UNKNOWN_USER');
    expect(errorOf(await caller.call(ACCOUNTS.admin, 'exports/runsheetCsv', { iterationId: '00000000-0000-4000-8000-000000000000' })).code).toBe('NOT_FOUND');
    for (const payload of [{}, { iterationId: 'x' }, { iterationId: s.iterationId, statuses: ['DONE'] }, { iterationId: s.iterationId, statuses: [] }, { iterationId: s.iterationId, teamId: 'a' }, { iterationId: s.iterationId, text: 'x'.repeat(201) }, { iterationId: s.iterationId, extra: true }]) {
      expect(errorOf(await caller.callRaw(ACCOUNTS.admin, 'exports/runsheetCsv', payload)).code).toBe('VALIDATION');
      expect(errorOf(await caller.callRaw(ACCOUNTS.admin, 'exports/runsheetXlsx', payload)).code).toBe('VALIDATION');
    }
  });
});
