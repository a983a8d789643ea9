/**
 * A master plan in the JSON import format (docs/import-format.md), so a plan can be copied to
 * another site or kept under version control: importing the document into a plan with the same
 * sequences and phases reproduces every step, instruction, impacted team, iteration type and
 * predecessor. Steps without a step code (no type or number) cannot be named in a file and are
 * left out (counted in `skippedSteps`); instruction links to controls are not carried.
 */
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../db/query';
import { masterPlans } from '../../db/schema';
import { domainError } from '../../domain/errors';
import type { ServiceContext } from '../context';
import { JSON_FORMAT_NAME, JSON_FORMAT_VERSION } from '../imports/json-source';
import { assertCanImport } from '../imports/permissions';
import { masterStepCode } from '../imports/resolution';

export const masterPlanJsonInput = z.strictObject({ masterPlanId: z.uuid() });

export interface ExportedInstruction {
  order: number;
  text: string | null;
  durationMinutes: number | null;
  team: string | null;
}

export interface ExportedStep {
  code: string;
  name: string | null;
  description: string | null;
  phase: string;
  ownerTeam: string | null;
  durationMinutes: number | null;
  predecessor: string | null;
  environmentRole: string | null;
  targetEnvironmentRole: string | null;
  impactedTeams: string[];
  iterationTypes: string[];
  instructions: ExportedInstruction[];
}

export interface MasterPlanDocument {
  format: typeof JSON_FORMAT_NAME;
  version: typeof JSON_FORMAT_VERSION;
  plan: { name: string; description: string | null };
  sequences: Array<{ name: string | null; order: number | null; phases: Array<{ name: string | null; order: number | null }> }>;
  steps: ExportedStep[];
}

export interface MasterPlanJsonFile {
  fileName: string;
  contentType: 'application/json';
  content: string;
  stepCount: number;
  skippedSteps: number;
}

interface PhaseRow {
  phm_id: string;
  phm_name: string | null;
  phm_order: number | null;
  sqm_id: string;
  sqm_name: string | null;
  sqm_order: number | null;
}

interface StepRow {
  stm_id: string;
  phm_id: string;
  code: string | null;
  name: string | null;
  description: string | null;
  owner: string | null;
  duration: number | null;
  predecessor: string | null;
  enr: string | null;
  enr_target: string | null;
  impacted: string[] | null;
  types: string[] | null;
  instructions: ExportedInstruction[] | null;
}

export async function masterPlanDocument(ctx: ServiceContext, masterPlanId: string): Promise<{ document: MasterPlanDocument; skipped: number }> {
  const [plan] = await ctx.db
    .select({ name: masterPlans.name, description: masterPlans.description })
    .from(masterPlans)
    .where(eq(masterPlans.id, masterPlanId));
  if (!plan) throw domainError('NOT_FOUND', 'That master plan does not exist.');

  const phases = await queryRows<PhaseRow>(
    ctx.db,
    sql`SELECT phm.phm_id, phm.phm_name, phm.phm_order, sqm.sqm_id, sqm.sqm_name, sqm.sqm_order
          FROM sequences_master_sqm sqm JOIN phases_master_phm phm ON phm.sqm_id = sqm.sqm_id
         WHERE sqm.plm_id = ${masterPlanId}
         ORDER BY sqm.sqm_order NULLS LAST, sqm.sqm_name, sqm.sqm_id, phm.phm_order NULLS LAST, phm.phm_name, phm.phm_id`,
  );
  const sequences = await queryRows<{ sqm_id: string; sqm_name: string | null; sqm_order: number | null }>(
    ctx.db,
    sql`SELECT sqm_id, sqm_name, sqm_order FROM sequences_master_sqm WHERE plm_id = ${masterPlanId}
         ORDER BY sqm_order NULLS LAST, sqm_name, sqm_id`,
  );
  const steps = await queryRows<StepRow>(
    ctx.db,
    sql`SELECT m.stm_id, m.phm_id, ${masterStepCode('m')} AS code, m.stm_name AS name, m.stm_description AS description,
               owner.tms_name AS owner, m.stm_duration_minutes AS duration, m.stm_id_predecessor AS predecessor,
               enr.enr_name AS enr, target.enr_name AS enr_target,
               (SELECT array_agg(t.tms_name ORDER BY t.tms_name) FROM steps_master_stm_x_teams_tms_impacted x
                  JOIN teams_tms t ON t.tms_id = x.tms_id WHERE x.stm_id = m.stm_id) AS impacted,
               (SELECT array_agg(x.itt_code ORDER BY x.itt_code) FROM steps_master_stm_x_iteration_types_itt x WHERE x.stm_id = m.stm_id) AS types,
               (SELECT jsonb_agg(jsonb_build_object('order', i.inm_order, 'text', i.inm_body, 'durationMinutes', i.inm_duration_minutes, 'team', t.tms_name)
                                 ORDER BY i.inm_order, i.created_at, i.inm_id)
                  FROM instructions_master_inm i LEFT JOIN teams_tms t ON t.tms_id = i.tms_id WHERE i.stm_id = m.stm_id) AS instructions
          FROM steps_master_stm m
          JOIN phases_master_phm phm ON phm.phm_id = m.phm_id
          JOIN sequences_master_sqm sqm ON sqm.sqm_id = phm.sqm_id
          LEFT JOIN teams_tms owner ON owner.tms_id = m.tms_id_owner
          LEFT JOIN environment_roles_enr enr ON enr.enr_id = m.enr_id
          LEFT JOIN environment_roles_enr target ON target.enr_id = m.enr_id_target
         WHERE sqm.plm_id = ${masterPlanId}
         ORDER BY sqm.sqm_order NULLS LAST, sqm.sqm_name, sqm.sqm_id, phm.phm_order NULLS LAST, phm.phm_name, phm.phm_id,
                  m.stm_number NULLS LAST, m.stt_code, m.stm_id`,
  );

  // A phase is named by its name when that is unique in the plan, else "Sequence / Phase".
  const nameCount = new Map<string, number>();
  for (const phase of phases) nameCount.set((phase.phm_name ?? '').toLowerCase(), (nameCount.get((phase.phm_name ?? '').toLowerCase()) ?? 0) + 1);
  const phaseRef = new Map(
    phases.map((phase) => [
      phase.phm_id,
      nameCount.get((phase.phm_name ?? '').toLowerCase()) === 1 ? (phase.phm_name ?? '') : `${phase.sqm_name ?? ''} / ${phase.phm_name ?? ''}`,
    ]),
  );

  const exported = steps.filter((step) => step.code !== null);
  const byId = new Map(exported.map((step) => [step.stm_id, step]));
  const phasesOfCode = new Map<string, Set<string>>();
  for (const step of exported) {
    const set = phasesOfCode.get(step.code!) ?? new Set<string>();
    set.add(step.phm_id);
    phasesOfCode.set(step.code!, set);
  }
  // The import reads a bare code as: that code in the step's own phase, else the only step with that code.
  const predecessorRef = (step: StepRow): string | null => {
    const predecessor = step.predecessor ? byId.get(step.predecessor) : undefined;
    if (!predecessor) return null;
    const phasesWithCode = phasesOfCode.get(predecessor.code!)!;
    const bare = predecessor.phm_id === step.phm_id || (!phasesWithCode.has(step.phm_id) && phasesWithCode.size === 1);
    return bare ? predecessor.code! : `${phaseRef.get(predecessor.phm_id)} / ${predecessor.code!}`;
  };

  const document: MasterPlanDocument = {
    format: JSON_FORMAT_NAME,
    version: JSON_FORMAT_VERSION,
    plan: { name: plan.name, description: plan.description },
    sequences: sequences.map((sequence) => ({
      name: sequence.sqm_name,
      order: sequence.sqm_order,
      phases: phases.filter((phase) => phase.sqm_id === sequence.sqm_id).map((phase) => ({ name: phase.phm_name, order: phase.phm_order })),
    })),
    steps: exported.map((step) => ({
      code: step.code!,
      name: step.name,
      description: step.description,
      phase: phaseRef.get(step.phm_id)!,
      ownerTeam: step.owner,
      durationMinutes: step.duration,
      predecessor: predecessorRef(step),
      environmentRole: step.enr,
      targetEnvironmentRole: step.enr_target,
      impactedTeams: step.impacted ?? [],
      iterationTypes: step.types ?? [],
      instructions: step.instructions ?? [],
    })),
  };
  return { document, skipped: steps.length - exported.length };
}

export async function exportMasterPlanJson(ctx: ServiceContext, input: z.output<typeof masterPlanJsonInput>): Promise<MasterPlanJsonFile> {
  assertCanImport(ctx.actor);
  const { document, skipped } = await masterPlanDocument(ctx, input.masterPlanId);
  const slug = document.plan.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'plan';
  return {
    fileName: `${slug}.json`,
    contentType: 'application/json',
    content: `${JSON.stringify(document, null, 2)}\n`,
    stepCount: document.steps.length,
    skippedSteps: skipped,
  };
}


