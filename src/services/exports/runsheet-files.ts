/**
 * The runsheet as a file: CSV (UTF-8 with BOM so Excel reads accents, comma-separated, CRLF) or
 * Excel .xlsx (exceljs; returned as base64 because resolver results are JSON).
 */
import ExcelJS from 'exceljs';
import type { ServiceContext } from '../context';
import { type RunsheetExportInput, type RunsheetRow, runsheetExportInput, runsheetRows } from './runsheet-rows';

export { runsheetExportInput };

export const RUNSHEET_COLUMNS = [
  'Sequence',
  'Phase',
  'Code',
  'Name',
  'Owner team',
  'Status',
  'Duration (min)',
  'Start (UTC)',
  'End (UTC)',
  'Instructions done',
  'Instructions total',
] as const;

export interface CsvFile {
  fileName: string;
  contentType: 'text/csv; charset=utf-8';
  content: string;
  rowCount: number;
}

export interface XlsxFile {
  fileName: string;
  contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  base64: string;
  rowCount: number;
}

function cells(row: RunsheetRow): Array<string | number | Date | null> {
  return [
    row.sequence,
    row.phase,
    row.code,
    row.name,
    row.ownerTeam,
    row.status,
    row.durationMinutes,
    row.start,
    row.end,
    row.instructionsDone,
    row.instructionsTotal,
  ];
}

/**
 * A spreadsheet runs a cell starting with = + - @ as a formula; step names come from users, so
 * such text is prefixed with an apostrophe (OWASP "CSV injection").
 */
function csvField(value: string | number | Date | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  let text = value instanceof Date ? value.toISOString() : value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function fileName(iterationName: string, extension: string, now: Date): string {
  const slug = iterationName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'iteration';
  return `runsheet-${slug}-${now.toISOString().slice(0, 10)}.${extension}`;
}

export async function exportRunsheetCsv(ctx: ServiceContext, input: RunsheetExportInput): Promise<CsvFile> {
  const { iterationName, rows } = await runsheetRows(ctx.db, input);
  const lines = [RUNSHEET_COLUMNS.map(csvField).join(','), ...rows.map((row) => cells(row).map(csvField).join(','))];
  return {
    fileName: fileName(iterationName, 'csv', ctx.now()),
    contentType: 'text/csv; charset=utf-8',
    content: `\uFEFF${lines.join('\r\n')}\r\n`,
    rowCount: rows.length,
  };
}

export async function exportRunsheetXlsx(ctx: ServiceContext, input: RunsheetExportInput): Promise<XlsxFile> {
  const { iterationName, rows } = await runsheetRows(ctx.db, input);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'UMIG';
  workbook.created = ctx.now();
  const sheet = workbook.addWorksheet('Runsheet', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = RUNSHEET_COLUMNS.map((header, index) => ({
    header,
    key: `c${index}`,
    width: [18, 22, 10, 40, 20, 13, 14, 18, 18, 18, 18][index],
    ...(index === 7 || index === 8 ? { style: { numFmt: 'yyyy-mm-dd hh:mm' } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(cells(row));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: RUNSHEET_COLUMNS.length } };
  const buffer = await workbook.xlsx.writeBuffer();
  return {
    fileName: fileName(iterationName, 'xlsx', ctx.now()),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    base64: Buffer.from(buffer).toString('base64'),
    rowCount: rows.length,
  };
}
