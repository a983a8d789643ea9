/**
 * Reads the CSV pair (steps file + instructions file) into a SourceDocument. Parsing is csv-parse's;
 * this module decides the columns, detects the delimiter from the header, and turns every
 * unreadable cell into a problem with file, line and column instead of stopping at the first.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { domainError } from '../../domain/errors';
import {
  type Place,
  ProblemList,
  quote,
  readKey,
  readStepCode,
  readStepReference,
  readText,
  readDuration,
  readWholeNumber,
  splitList,
} from './fields';
import { declaredStructure } from './create-missing';
import type { SourceDocument, SourceInstruction, SourceStep, UploadedFile } from './types';

/** The steps file: the columns of stg_steps, plus name, owner_team, target_environment, predecessor. */
export const STEP_COLUMNS = [
  'step_id',
  'name',
  'description',
  'phase_id',
  'owner_team',
  'owner_team_id',
  'environments',
  'environment_id',
  'target_environment',
  'app_id',
  'applications',
  'order_number',
  'duration_minutes',
  'step_type',
  'teams_impacted',
  'iteration_types',
  'predecessor',
  'sequence_order',
  'phase_order',
  'labels',
] as const;
export const REQUIRED_STEP_COLUMNS = ['step_id', 'name', 'phase_id'] as const;

/** The instructions file: the columns of stg_step_instructions, plus team. */
export const INSTRUCTION_COLUMNS = ['instruction_id', 'step_id', 'instruction_text', 'order_number', 'duration_minutes', 'team'] as const;
export const REQUIRED_INSTRUCTION_COLUMNS = ['step_id', 'instruction_text', 'order_number'] as const;

/** Column headers are matched loosely: case, surrounding spaces and spaces/dashes inside are forgiven. */
function normaliseHeader(header: string): string {
  return header.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** Comma or semicolon, whichever the header line uses more (outside quotes); comma on a tie. */
export function detectDelimiter(content: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const char of content) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === '\n') break;
    else if (!quoted && char === ',') commas++;
    else if (!quoted && char === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

interface CsvRecord {
  line: number;
  cells: string[];
}

const CSV_ERROR_SENTENCES: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'A quoted value is never closed: a double quote (") is missing.',
  CSV_INVALID_CLOSING_QUOTE:
    'A quoted value is followed by other characters; inside a quoted value write a double quote as two ("").',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE:
    'A quoted value is followed by other characters; inside a quoted value write a double quote as two ("").',
};

/** The header's cells, to name the column of a syntax error; null when the header itself is broken. */
function headerOf(content: string, delimiter: string): string[] | null {
  try {
    const [header] = parse(content, { bom: true, delimiter, to_line: 1, relax_column_count: true });
    return header ?? null;
  } catch {
    return null;
  }
}

/** Records with the line each starts on; a syntax error ends the file with one problem. */
function readRecords(file: UploadedFile, problems: ProblemList): CsvRecord[] | null {
  // csv-parse counts a CR LF inside a quoted value as two lines; one line ending keeps lines true.
  const content = file.content.replace(/\r\n?/g, '\n');
  const delimiter = detectDelimiter(content.replace(/^\uFEFF/, ''));
  try {
    const parsed = parse(content, {
      bom: true,
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number }; raw: string }>;
    const records: CsvRecord[] = [];
    for (const { record, info, raw } of parsed) {
      if (record.every((cell) => cell.trim() === '')) continue;
      // info.lines is the line the record ends on; count back the line breaks inside it.
      const inner = raw.replace(/^\n+/, '').replace(/\n$/, '');
      const breaks = inner.split('\n').length - 1;
      records.push({ line: info.lines - breaks, cells: record });
    }
    return records;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const details = error as CsvError & { lines?: number; column?: number | string };
    const sentence = CSV_ERROR_SENTENCES[error.code] ?? 'The file is not valid CSV here.';
    const header = headerOf(content, delimiter);
    const column = typeof details.column === 'number' && header ? (header[details.column]?.trim() ?? null) : null;
    problems.add(
      { file: file.name, line: typeof details.lines === 'number' ? details.lines : null, column: column || null },
      'PARSE_ERROR',
      `${sentence} Nothing after this point of the file could be read.`,
    );
    return null;
  }
}

interface Table {
  file: string;
  columns: Map<string, number>;
  rows: CsvRecord[];
}

function readTable(
  file: UploadedFile,
  known: readonly string[],
  required: readonly string[],
  problems: ProblemList,
): Table | null {
  const records = readRecords(file, problems);
  if (records === null) return null;
  const [header, ...rows] = records;
  if (!header) {
    problems.add({ file: file.name, line: 1, column: null }, 'EMPTY_FILE', 'The file is empty; the first line must name the columns.');
    return null;
  }
  const columns = new Map<string, number>();
  header.cells.forEach((cell, index) => {
    const name = normaliseHeader(cell);
    const place = { file: file.name, line: header.line, column: cell.trim() || `#${index + 1}` };
    if (!known.includes(name)) {
      problems.add(place, 'UNKNOWN_COLUMN', `Unknown column ${quote(cell.trim())}; the columns are: ${known.join(', ')}.`);
    } else if (columns.has(name)) {
      problems.add(place, 'DUPLICATE_COLUMN', `Column ${name} appears twice.`);
    } else {
      columns.set(name, index);
    }
  });
  for (const name of required) {
    if (!columns.has(name)) {
      problems.add({ file: file.name, line: header.line, column: name }, 'MISSING_COLUMN', `Column ${name} is required.`);
    }
  }
  for (const row of rows) {
    if (row.cells.length !== header.cells.length) {
      problems.add(
        { file: file.name, line: row.line, column: null },
        'FIELD_COUNT',
        `This line has ${row.cells.length} values; the header has ${header.cells.length}. Check for a missing or extra separator, or a value with a separator that is not in double quotes.`,
      );
    }
  }
  return { file: file.name, columns, rows };
}

function cellOf(table: Table, row: CsvRecord, column: string): string | null {
  const index = table.columns.get(column);
  if (index === undefined) return null;
  return row.cells[index] ?? null;
}

function readStepRow(table: Table, row: CsvRecord, problems: ProblemList): SourceStep {
  const at = (column: string): Place => ({ file: table.file, line: row.line, column });
  const cell = (column: string) => cellOf(table, row, column);
  const required = (column: string, value: unknown) => {
    if (value === null && table.columns.has(column)) problems.add(at(column), 'REQUIRED', `${column} is required.`);
  };

  const codeText = readKey(cell('step_id'), at('step_id'), problems);
  required('step_id', codeText);
  const code = readStepCode(codeText, at('step_id'), problems);
  const name = readText(cell('name'), at('name'), problems, 255);
  required('name', name);
  const phase = readKey(cell('phase_id'), at('phase_id'), problems);
  required('phase_id', phase);

  const stepType = readKey(cell('step_type'), at('step_type'), problems, 50);
  if (stepType && code.typeCode && stepType.toUpperCase() !== code.typeCode) {
    problems.add(at('step_type'), 'CONFLICTING_VALUES', `step_type ${quote(stepType)} does not match the step code ${code.code}.`);
  }
  const orderNumber = readWholeNumber(cell('order_number'), at('order_number'), problems);
  if (orderNumber !== null && code.number !== null && orderNumber !== code.number) {
    problems.add(
      at('order_number'),
      'CONFLICTING_VALUES',
      `order_number ${orderNumber} does not match the number in the step code ${code.code}; leave it empty or make them agree.`,
    );
  }

  return {
    seq: row.line,
    line: row.line,
    path: null,
    code: code.code,
    typeCode: code.typeCode,
    number: code.number,
    name,
    description: readText(cell('description'), at('description'), problems),
    phase,
    ownerTeamId: readWholeNumber(cell('owner_team_id'), at('owner_team_id'), problems, 'a team id (a whole number)'),
    ownerTeam: readKey(cell('owner_team'), at('owner_team'), problems),
    environmentId: readWholeNumber(cell('environment_id'), at('environment_id'), problems, 'an environment role id (a whole number)'),
    environmentRole: readKey(cell('environments'), at('environments'), problems),
    targetEnvironmentRole: readKey(cell('target_environment'), at('target_environment'), problems),
    appId: readWholeNumber(cell('app_id'), at('app_id'), problems, 'an application id (a whole number)'),
    applications: splitList(cell('applications')),
    durationMinutes: readDuration(cell('duration_minutes'), at('duration_minutes'), problems),
    impactedTeams: splitList(cell('teams_impacted')),
    iterationTypes: splitList(cell('iteration_types')).map((type) => type.toUpperCase()),
    predecessor: readStepReference(readKey(cell('predecessor'), at('predecessor'), problems), at('predecessor'), problems),
    sequenceOrder: readWholeNumber(cell('sequence_order'), at('sequence_order'), problems),
    phaseOrder: readWholeNumber(cell('phase_order'), at('phase_order'), problems),
    ...(table.columns.has('labels') ? { labels: splitList(cell('labels')) } : {}),
  };
}

function readInstructionRow(table: Table, row: CsvRecord, problems: ProblemList): SourceInstruction {
  const at = (column: string): Place => ({ file: table.file, line: row.line, column });
  const cell = (column: string) => cellOf(table, row, column);
  const required = (column: string, value: unknown) => {
    if (value === null && table.columns.has(column)) problems.add(at(column), 'REQUIRED', `${column} is required.`);
  };
  const stepText = readKey(cell('step_id'), at('step_id'), problems);
  required('step_id', stepText);
  const text = readText(cell('instruction_text'), at('instruction_text'), problems);
  required('instruction_text', text);
  const order = readWholeNumber(cell('order_number'), at('order_number'), problems);
  if (order === null && table.columns.has('order_number') && (cell('order_number') ?? '').trim() === '') {
    problems.add(at('order_number'), 'REQUIRED', 'order_number is required.');
  }
  return {
    seq: row.line,
    line: row.line,
    path: null,
    instructionId: readKey(cell('instruction_id'), at('instruction_id'), problems),
    stepRef: readStepReference(stepText, at('step_id'), problems),
    text,
    order,
    durationMinutes: readDuration(cell('duration_minutes'), at('duration_minutes'), problems),
    team: readKey(cell('team'), at('team'), problems),
  };
}

/** The file whose header names instruction_text is the instructions file; the other one holds steps. */
function isInstructionsFile(file: UploadedFile): boolean {
  const firstLine = file.content.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return /(^|[,;"\s])instruction[_ -]?text([,;"\s]|$)/i.test(firstLine);
}

export function readCsvPair(files: readonly UploadedFile[]): SourceDocument {
  if (files.length !== 2) {
    throw domainError('VALIDATION', 'A CSV import needs two files: the steps file and the instructions file.');
  }
  const instructionsFile = files.find(isInstructionsFile);
  const stepsFile = files.find((file) => !isInstructionsFile(file));
  if (!instructionsFile || !stepsFile) {
    throw domainError(
      'VALIDATION',
      'Could not tell the steps file from the instructions file: exactly one of them must have an instruction_text column.',
    );
  }
  const problems = new ProblemList();
  const stepTable = readTable(stepsFile, STEP_COLUMNS, REQUIRED_STEP_COLUMNS, problems);
  const instructionTable = readTable(instructionsFile, INSTRUCTION_COLUMNS, REQUIRED_INSTRUCTION_COLUMNS, problems);
  const steps = stepTable ? stepTable.rows.map((row) => readStepRow(stepTable, row, problems)) : [];
  const instructions = instructionTable ? instructionTable.rows.map((row) => readInstructionRow(instructionTable, row, problems)) : [];
  if (stepTable && steps.length === 0) {
    problems.add({ file: stepsFile.name, line: null, column: null }, 'EMPTY_FILE', 'The steps file has no steps under its header.');
  }
  return {
    format: 'CSV',
    stepsFile: stepsFile.name,
    instructionsFile: instructionsFile.name,
    steps,
    instructions,
    problems: problems.items,
    structure: declaredStructure(steps),
  };
}
