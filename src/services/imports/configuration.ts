/**
 * What a queue request (stg_import_queue_management_iqm.iqm_configuration) carries: the target,
 * the options and, until the batch is finished, the source document read from the uploaded files.
 * The source travels with the request because staging resumes in later invocations, and because
 * stg_steps has no column for what the seed's staging never held (step name, predecessor, owner
 * team name, target environment role, instruction team): those are read from here by line.
 */
import type { DeclaredPhase, ImportFormat, ImportProblem, SourceInstruction, SourceStep } from './types';

export interface NewPlan {
  id: string;
  name: string;
  /** Owner team by name: an existing team, or one "create missing" creates. */
  ownerTeam: string;
  description: string | null;
}

export const IMPORT_TYPE = 'MASTER_PLAN_STEPS';

export interface ImportConfiguration {
  batchId: string;
  masterPlanId: string;
  format: ImportFormat;
  stepsFile: string;
  instructionsFile: string;
  chunkSize: number;
  /** Set by scheduled imports: promote as soon as the batch validates. */
  autoPromote?: boolean;
  scheduleId?: string;
  /** "Create missing": create the sequences, phases, teams and step types the files name but the site lacks. */
  createMissing?: boolean;
  /**
   * A new master plan (issue #10 §3): created by the promotion, with this id, before anything
   * else of the batch; until then `masterPlanId` is this id too, and the batch row's plm_id is null.
   */
  newPlan?: NewPlan;
  /** The migration whose labels the steps' `labels` name, and where "create missing" creates them. */
  labelMigrationId?: string;
  /** The sequences and phases the files name (small; kept after the source is dropped). */
  structure?: DeclaredPhase[];
  source?: {
    steps: SourceStep[];
    instructions: SourceInstruction[];
    /** Problems found while reading the files, merged into every validation report. */
    problems: ImportProblem[];
  };
}
