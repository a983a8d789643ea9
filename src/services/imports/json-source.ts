/**
 * Reads the JSON import document (docs/import-format.md) into a SourceDocument. Every field is
 * checked on its own so one wrong value does not hide the others; each problem names the line
 * the value starts on and its JSON path.
 */
import { domainError } from '../../domain/errors';
import { type Place, ProblemList, quote, readKey, readStepCode, readStepReference, readDuration, readText, readWholeNumber } from './fields';
import { type JsonLocations, locateJsonSyntaxError, locateJsonValues, pathKey } from './json-locations';
import { declaredStructure } from './create-missing';
import type { DeclaredPhase, SourceDocument, SourceInstruction, SourceStep, UploadedFile } from './types';

export const JSON_FORMAT_NAME = 'umig-master-plan';
export const JSON_FORMAT_VERSION = 1;

const TOP_FIELDS = ['format', 'version', 'plan', 'sequences', 'steps'];
const STEP_FIELDS = [
  'code',
  'name',
  'description',
  'phase',
  'ownerTeam',
  'durationMinutes',
  'predecessor',
  'environmentRole',
  'targetEnvironmentRole',
  'impactedTeams',
  'iterationTypes',
  'labels',
  'instructions',
];
const INSTRUCTION_FIELDS = ['id', 'order', 'text', 'durationMinutes', 'team'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: Json | undefined): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return quote(value);
}

class Reader {
  readonly problems = new ProblemList();

  constructor(
    private readonly file: string,
    private readonly locations: JsonLocations,
  ) {}

  lineOf(path: (string | number)[]): number {
    return this.locations.lineOf(path);
  }

  place(path: (string | number)[]): Place {
    return { file: this.file, line: this.locations.lineOf(path), column: pathKey(path) };
  }

  unknownFields(value: { [key: string]: Json }, allowed: readonly string[], path: (string | number)[]): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        this.problems.add(this.place([...path, key]), 'UNKNOWN_FIELD', `Unknown field ${quote(key)}; the fields are: ${allowed.join(', ')}.`);
      }
    }
  }

  /** A string field; null when absent, null or of another type (reported). */
  string(value: Json | undefined, path: (string | number)[], what: string): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return value;
    this.problems.add(this.place(path), 'WRONG_TYPE', `${pathKey(path)} must be ${what}; found ${describe(value)}.`);
    return null;
  }

  strings(value: Json | undefined, path: (string | number)[], what: string): string[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.problems.add(this.place(path), 'WRONG_TYPE', `${pathKey(path)} must be a list of ${what}; found ${describe(value)}.`);
      return [];
    }
    const items: string[] = [];
    value.forEach((item, index) => {
      const text = this.string(item, [...path, index], what);
      const trimmed = text?.trim();
      if (trimmed && !items.includes(trimmed)) items.push(trimmed);
    });
    return items;
  }

  /** Reports a missing value; a value of the wrong type was already reported as such. */
  required(value: unknown, raw: Json | undefined, path: (string | number)[]): void {
    if (value === null && (raw === undefined || raw === null || typeof raw === 'string')) {
      this.problems.add(this.place(path), 'REQUIRED', `${pathKey(path)} is required.`);
    }
  }
}

function readStep(reader: Reader, value: Json, index: number, nextInstruction: { seq: number }, instructions: SourceInstruction[]): SourceStep | null {
  const path = ['steps', index];
  if (!isObject(value)) {
    reader.problems.add(reader.place(path), 'WRONG_TYPE', `steps[${index}] must be an object; found ${describe(value)}.`);
    return null;
  }
  reader.unknownFields(value, STEP_FIELDS, path);
  const at = (field: string) => reader.place([...path, field]);
  const codeText = readKey(reader.string(value.code, [...path, 'code'], 'text (a step code such as TRT-010)'), at('code'), reader.problems);
  reader.required(codeText, value.code, [...path, 'code']);
  const code = readStepCode(codeText, at('code'), reader.problems);
  const name = readText(reader.string(value.name, [...path, 'name'], 'text'), at('name'), reader.problems, 255);
  reader.required(name, value.name, [...path, 'name']);
  const phase = readKey(reader.string(value.phase, [...path, 'phase'], 'text (a phase name)'), at('phase'), reader.problems);
  reader.required(phase, value.phase, [...path, 'phase']);
  const predecessorText = readKey(reader.string(value.predecessor, [...path, 'predecessor'], 'text (a step code)'), at('predecessor'), reader.problems);

  const list = value.instructions;
  if (list !== undefined && list !== null && !Array.isArray(list)) {
    reader.problems.add(at('instructions'), 'WRONG_TYPE', `steps[${index}].instructions must be a list; found ${describe(list)}.`);
  } else if (Array.isArray(list)) {
    list.forEach((item, position) => {
      const instruction = readInstruction(reader, item, [...path, 'instructions', position], position, nextInstruction.seq, code.code, phase);
      if (instruction) {
        instructions.push(instruction);
        nextInstruction.seq++;
      }
    });
  }

  return {
    seq: index + 1,
    line: reader.lineOf(path),
    path: pathKey(path),
    code: code.code,
    typeCode: code.typeCode,
    number: code.number,
    name,
    description: reader.string(value.description, [...path, 'description'], 'text'),
    phase,
    ownerTeamId: null,
    ownerTeam: readKey(reader.string(value.ownerTeam, [...path, 'ownerTeam'], 'text (a team name)'), at('ownerTeam'), reader.problems),
    environmentId: null,
    environmentRole: readKey(reader.string(value.environmentRole, [...path, 'environmentRole'], 'text (an environment role name)'), at('environmentRole'), reader.problems),
    targetEnvironmentRole: readKey(
      reader.string(value.targetEnvironmentRole, [...path, 'targetEnvironmentRole'], 'text (an environment role name)'),
      at('targetEnvironmentRole'),
      reader.problems,
    ),
    appId: null,
    applications: [],
    durationMinutes: readDuration(value.durationMinutes, at('durationMinutes'), reader.problems),
    impactedTeams: reader.strings(value.impactedTeams, [...path, 'impactedTeams'], 'team names'),
    iterationTypes: reader.strings(value.iterationTypes, [...path, 'iterationTypes'], 'iteration type codes').map((type) => type.toUpperCase()),
    predecessor: readStepReference(predecessorText, at('predecessor'), reader.problems),
    ...('labels' in value ? { labels: reader.strings(value.labels, [...path, 'labels'], 'label names') } : {}),
  };
}

function readInstruction(
  reader: Reader,
  value: Json,
  path: (string | number)[],
  position: number,
  seq: number,
  stepCode: string | null,
  phase: string | null,
): SourceInstruction | null {
  if (!isObject(value)) {
    reader.problems.add(reader.place(path), 'WRONG_TYPE', `${pathKey(path)} must be an object; found ${describe(value)}.`);
    return null;
  }
  reader.unknownFields(value, INSTRUCTION_FIELDS, path);
  const at = (field: string) => reader.place([...path, field]);
  const text = reader.string(value.text, [...path, 'text'], 'text');
  const body = readText(text, at('text'), reader.problems);
  reader.required(body, value.text, [...path, 'text']);
  const order = value.order === undefined || value.order === null ? position + 1 : readWholeNumber(value.order, at('order'), reader.problems);
  return {
    seq,
    line: reader.lineOf(path),
    path: pathKey(path),
    instructionId: readKey(reader.string(value.id, [...path, 'id'], 'text'), at('id'), reader.problems),
    // Nested under its step, so the reference names the phase too and is never ambiguous.
    stepRef: stepCode === null ? null : phase === null ? stepCode : `${phase} / ${stepCode}`,
    text: body,
    order,
    durationMinutes: readDuration(value.durationMinutes, at('durationMinutes'), reader.problems),
    team: readKey(reader.string(value.team, [...path, 'team'], 'text (a team name)'), at('team'), reader.problems),
  };
}

/**
 * The `sequences` list, as far as "create missing" reads it: names and orders of sequences and
 * their phases. Anything else in it (descriptions, ids of an export) is ignored, as before.
 */
function readSequences(value: Json | undefined): DeclaredPhase[] {
  if (!Array.isArray(value)) return [];
  const order = (raw: Json | undefined) => (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 2_147_483_647 ? raw : null);
  const name = (raw: Json | undefined) => (typeof raw === 'string' && raw.trim() !== '' ? raw.trim().slice(0, 255) : null);
  const declared: DeclaredPhase[] = [];
  for (const sequence of value) {
    if (!isObject(sequence) || !name(sequence.name) || !Array.isArray(sequence.phases)) continue;
    for (const phase of sequence.phases) {
      if (!isObject(phase) || !name(phase.name)) continue;
      declared.push({ sequence: name(sequence.name)!, sequenceOrder: order(sequence.order), phase: name(phase.name)!, phaseOrder: order(phase.order) });
    }
  }
  return declared;
}

export function readJsonDocument(files: readonly UploadedFile[]): SourceDocument {
  if (files.length !== 1) throw domainError('VALIDATION', 'A JSON import is one file.');
  const file = files[0]!;
  const text = file.content.replace(/^\uFEFF/, '');
  const empty: SourceDocument = { format: 'JSON', stepsFile: file.name, instructionsFile: file.name, steps: [], instructions: [], problems: [], structure: [] };

  let document: Json;
  try {
    document = JSON.parse(text) as Json;
  } catch {
    const where = locateJsonSyntaxError(text);
    const problems = new ProblemList();
    problems.add(
      { file: file.name, line: where?.line ?? null, column: null },
      'PARSE_ERROR',
      where ? `The file is not valid JSON: ${where.message} (line ${where.line}, character ${where.character}).` : 'The file is not valid JSON.',
    );
    return { ...empty, problems: problems.items };
  }

  const reader = new Reader(file.name, locateJsonValues(text));
  if (!isObject(document)) {
    reader.problems.add(reader.place([]), 'WRONG_TYPE', 'The document must be an object with a "steps" list.');
    return { ...empty, problems: reader.problems.items };
  }
  reader.unknownFields(document, TOP_FIELDS, []);
  if (document.format !== undefined && document.format !== JSON_FORMAT_NAME) {
    reader.problems.add(reader.place(['format']), 'WRONG_TYPE', `format must be ${quote(JSON_FORMAT_NAME)}; found ${describe(document.format)}.`);
  }
  if (document.version !== undefined && document.version !== JSON_FORMAT_VERSION) {
    reader.problems.add(reader.place(['version']), 'WRONG_TYPE', `This UMIG reads version ${JSON_FORMAT_VERSION} documents; found ${describe(document.version)}.`);
  }
  if (document.plan !== undefined && document.plan !== null && !isObject(document.plan)) {
    reader.problems.add(reader.place(['plan']), 'WRONG_TYPE', `plan must be an object; found ${describe(document.plan)}.`);
  }
  if (document.sequences !== undefined && document.sequences !== null && !Array.isArray(document.sequences)) {
    reader.problems.add(reader.place(['sequences']), 'WRONG_TYPE', `sequences must be a list; found ${describe(document.sequences)}.`);
  }
  const steps: SourceStep[] = [];
  const instructions: SourceInstruction[] = [];
  if (!Array.isArray(document.steps)) {
    reader.problems.add(reader.place(['steps']), document.steps === undefined ? 'REQUIRED' : 'WRONG_TYPE', 'The document must have a "steps" list.');
  } else {
    const nextInstruction = { seq: 1 };
    document.steps.forEach((value, index) => {
      const step = readStep(reader, value, index, nextInstruction, instructions);
      if (step) steps.push(step);
    });
    if (document.steps.length === 0) reader.problems.add(reader.place(['steps']), 'EMPTY_FILE', 'The "steps" list is empty.');
  }
  return { ...empty, steps, instructions, problems: reader.problems.items, structure: declaredStructure(steps, readSequences(document.sequences)) };
}
