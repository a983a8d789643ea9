/**
 * The shapes an import moves through: uploaded files are read into a `SourceDocument` (one
 * normalised record per step and per instruction, whatever the format), staged into stg_steps /
 * stg_step_instructions, checked, then promoted into the master tables.
 */

export const IMPORT_FORMATS = ['CSV', 'JSON'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Machine-readable kind of a problem; the UI may group by it. */
export type ProblemRule =
  | 'PARSE_ERROR'
  | 'EMPTY_FILE'
  | 'MISSING_FILE'
  | 'UNKNOWN_COLUMN'
  | 'MISSING_COLUMN'
  | 'DUPLICATE_COLUMN'
  | 'FIELD_COUNT'
  | 'REQUIRED'
  | 'NOT_A_NUMBER'
  | 'WRONG_TYPE'
  | 'UNKNOWN_FIELD'
  | 'TOO_LONG'
  | 'BAD_STEP_CODE'
  | 'CONFLICTING_VALUES'
  | 'UNKNOWN_PHASE'
  | 'AMBIGUOUS_PHASE'
  | 'UNKNOWN_STEP_TYPE'
  | 'UNKNOWN_TEAM'
  | 'AMBIGUOUS_TEAM'
  | 'UNKNOWN_ENVIRONMENT_ROLE'
  | 'UNKNOWN_APPLICATION'
  | 'UNKNOWN_ITERATION_TYPE'
  | 'DUPLICATE_STEP'
  | 'STEP_CODE_IN_OTHER_PHASE'
  | 'UNKNOWN_PREDECESSOR'
  | 'AMBIGUOUS_PREDECESSOR'
  | 'PREDECESSOR_CYCLE'
  | 'UNKNOWN_STEP'
  | 'AMBIGUOUS_STEP'
  | 'DUPLICATE_INSTRUCTION'
  | 'DUPLICATE_INSTRUCTION_ID'
  | 'INSTRUCTION_IN_USE'
  | 'UNKNOWN_LABEL'
  | 'AMBIGUOUS_LABEL';

/**
 * One problem of the validation report. `line` is 1-based in the named file (a CSV header is line
 * 1; in JSON, the line where the offending value or object starts). `column` is the CSV column
 * name, or the JSON path of the field (`steps[3].ownerTeam`).
 */
export interface ImportProblem {
  file: string;
  line: number | null;
  column: string | null;
  rule: ProblemRule;
  message: string;
}

/** A step as read from either format, before anything is looked up. Null: absent or unreadable. */
export interface SourceStep {
  /**
   * Key of the staged row (`source_line`), unique per batch: the CSV line, or the 1-based position
   * of the step in a JSON document (several JSON objects can share a line).
   */
  seq: number;
  /** Line of the step's record (CSV) or of its object (JSON), for the report. */
  line: number;
  /** JSON path of the step (`steps[3]`); null for CSV. */
  path: string | null;
  /** Normalised step code (upper case, trimmed), or the raw text when it is not a valid code. */
  code: string | null;
  /** From the code; null when the code is malformed. */
  typeCode: string | null;
  number: number | null;
  name: string | null;
  description: string | null;
  /** Phase name, or "Sequence name / Phase name". */
  phase: string | null;
  ownerTeamId: number | null;
  ownerTeam: string | null;
  environmentId: number | null;
  environmentRole: string | null;
  targetEnvironmentRole: string | null;
  appId: number | null;
  applications: string[];
  durationMinutes: number | null;
  impactedTeams: string[];
  iterationTypes: string[];
  /** "CODE" or "Phase / CODE" (normalised), or null. */
  predecessor: string | null;
  /**
   * Label names (JSON `labels`, CSV `labels` split on `|`); undefined when the file does not carry
   * them (no field / no column): the step's labels are then left alone.
   */
  labels?: string[];
  /** CSV `sequence_order` / `phase_order`: where "create missing" puts a new sequence / phase. */
  sequenceOrder?: number | null;
  phaseOrder?: number | null;
}

export interface SourceInstruction {
  /** As SourceStep.seq: the CSV line, or the 1-based position among all instructions of a JSON document. */
  seq: number;
  line: number;
  /** JSON path of the instruction (`steps[3].instructions[0]`); null for CSV. */
  path: string | null;
  instructionId: string | null;
  /** The owning step: "CODE" or "Phase / CODE". */
  stepRef: string | null;
  text: string | null;
  order: number | null;
  durationMinutes: number | null;
  team: string | null;
}

/** Everything read from the uploaded files. */
export interface SourceDocument {
  format: ImportFormat;
  /** Names to report problems against. For JSON both are the one file. */
  stepsFile: string;
  instructionsFile: string;
  steps: SourceStep[];
  instructions: SourceInstruction[];
  /** Problems found while reading (syntax, columns, types, required values). */
  problems: ImportProblem[];
  /** Sequences and phases the files name, in file order: what "create missing" may create. */
  structure: DeclaredPhase[];
}

/** A phase the files name with its sequence ("Sequence / Phase", or the JSON `sequences` list). */
export interface DeclaredPhase {
  sequence: string;
  sequenceOrder: number | null;
  phase: string;
  phaseOrder: number | null;
}

export interface UploadedFile {
  name: string;
  content: string;
}
