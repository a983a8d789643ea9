import { asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { createInsertSchema } from 'drizzle-zod';
import { z } from 'zod';
import type { DbOrTx, Tx } from '../../../db/client';
import { findStepWithCode } from '../../../db/repositories/master-steps';
import {
  masterControls,
  masterInstructions,
  masterPhases,
  masterPlans,
  masterSequences,
  masterStepImpactedTeams,
  masterStepIterationTypes,
  masterSteps,
  stepLabels,
} from '../../../db/schema';
import { refuseWhileImporting } from '../../imports/locks';
import { domainError } from '../../../domain/errors';
import { formatStepCode } from '../../../domain/execution/step-code';
import { CONTAINER_STATUS_ID } from '../../../domain/statuses';
import { byUpdatedAt } from '../concurrency';
import { defineEntity, plain } from '../crud';
import { clearable, codeOf, durationMinutes, lengthOf, LONG_TEXT_MAX, nameOf, textOf, wholeNumber } from '../fields';
import { expectNoCycle, expectStatusKind, withPredecessor } from '../rules';

/** The master plan a sequence, phase or step belongs to. */
async function planIdOf(tx: DbOrTx, ref: { sequenceId?: string | null; phaseId?: string | null; stepId?: string | null }): Promise<string | null> {
  const [row] = ref.sequenceId
    ? await tx.select({ planId: masterSequences.planId }).from(masterSequences).where(eq(masterSequences.id, ref.sequenceId))
    : ref.phaseId
      ? await tx
          .select({ planId: masterSequences.planId })
          .from(masterPhases)
          .innerJoin(masterSequences, eq(masterSequences.id, masterPhases.sequenceId))
          .where(eq(masterPhases.id, ref.phaseId))
      : ref.stepId
        ? await tx
            .select({ planId: masterSequences.planId })
            .from(masterSteps)
            .innerJoin(masterPhases, eq(masterPhases.id, masterSteps.phaseId))
            .innerJoin(masterSequences, eq(masterSequences.id, masterPhases.sequenceId))
            .where(eq(masterSteps.id, ref.stepId))
        : [];
  return row?.planId ?? null;
}

/** A master an import is writing is refused to every other change until the import ends (docs/import-format.md). */
async function refuseDuringImport(
  tx: DbOrTx,
  now: Date,
  ref: { planId?: string | null; sequenceId?: string | null; phaseId?: string | null; stepId?: string | null },
): Promise<void> {
  const planId = ref.planId ?? (await planIdOf(tx, ref));
  if (planId) await refuseWhileImporting(tx, planId, now, 'This master plan cannot be changed now');
}


/**
 * The master plan tree (plan > sequences > phases > steps > instructions; phase > controls).
 * A child stays under the parent it was created in (sequence, phase, control, instruction), except
 * a step, which may move to another phase of the same plan. Predecessors stay inside their plan
 * (steps, sequences) or sequence (phases) and may never form a circle. Deleting a parent that
 * still has children is refused with the count of children (no silent cascade of a whole plan).
 */

const planFields = z.strictObject({
  ...createInsertSchema(masterPlans).pick({ teamId: true }).shape,
  ...createInsertSchema(masterPlans).pick({ statusId: true }).partial().shape,
  name: nameOf(masterPlans.name),
  description: clearable(textOf(masterPlans.description)),
});

export const masterPlanEntity = defineEntity({
  key: 'masterPlans',
  entityType: 'master_plan',
  label: { singular: 'master plan', plural: 'master plans' },
  table: masterPlans,
  id: { prop: 'id', schema: z.uuid() },
  manage: 'plans',
  create: planFields,
  update: planFields.partial(),
  orderBy: [asc(masterPlans.name)],
  concurrency: byUpdatedAt(masterPlans),
  async guardDelete(row, { tx, now }) {
    await refuseDuringImport(tx, now, { planId: row.id });
  },
  nameOf: (row) => row.name,
  prepare: (fields, { previous }) => (previous ? fields : { statusId: CONTAINER_STATUS_ID.Plan.PLANNING, ...fields }),
  async check(next, { tx, previous, now }) {
    await refuseDuringImport(tx, now, { planId: next.id ?? null });
    if (!previous || next.statusId !== previous.statusId) await expectStatusKind(tx, next.statusId, 'Plan');
  },
  toView: (row) => plain(row),
});

const sequenceFields = z.strictObject({
  ...createInsertSchema(masterSequences).pick({ planId: true, predecessorId: true }).shape,
  order: clearable(wholeNumber),
  name: nameOf(masterSequences.name),
  description: clearable(textOf(masterSequences.description)),
});

export const masterSequenceEntity = defineEntity({
  key: 'masterSequences',
  entityType: 'master_sequence',
  label: { singular: 'master sequence', plural: 'master sequences' },
  table: masterSequences,
  id: { prop: 'id', schema: z.uuid() },
  manage: 'plans',
  create: sequenceFields,
  update: sequenceFields.omit({ planId: true }).partial(),
  list: {
    input: z.strictObject({ planId: z.uuid().optional() }),
    where: (input) => (input.planId ? eq(masterSequences.planId, input.planId) : undefined),
  },
  orderBy: [asc(masterSequences.planId), sql`${masterSequences.order} asc nulls last`, asc(masterSequences.name)],
  concurrency: byUpdatedAt(masterSequences),
  async guardDelete(row, { tx, now }) {
    await refuseDuringImport(tx, now, { planId: row.planId });
  },
  nameOf: (row) => row.name ?? `Sequence ${row.order ?? ''}`.trim(),
  async check(next, { tx, previous, now }) {
    await refuseDuringImport(tx, now, { planId: next.planId });
    if (!next.predecessorId || next.predecessorId === previous?.predecessorId) return;
    const chain = await tx
      .select({ id: masterSequences.id, predecessorId: masterSequences.predecessorId, name: masterSequences.name })
      .from(masterSequences)
      .where(eq(masterSequences.planId, next.planId));
    if (!chain.some((node) => node.id === next.predecessorId)) {
      throw domainError('VALIDATION', 'The predecessor must be a sequence of the same master plan.');
    }
    if (previous) {
      const names = new Map(chain.map((node) => [node.id, node.name ?? node.id]));
      expectNoCycle(withPredecessor(chain, previous.id, next.predecessorId), (id) => `"${names.get(id)}"`, 'sequence');
    }
  },
  toView: (row) => plain(row),
});

const phaseFields = z.strictObject({
  ...createInsertSchema(masterPhases).pick({ sequenceId: true, predecessorId: true }).shape,
  order: clearable(wholeNumber),
  name: nameOf(masterPhases.name),
  description: clearable(textOf(masterPhases.description)),
});

export const masterPhaseEntity = defineEntity({
  key: 'masterPhases',
  entityType: 'master_phase',
  label: { singular: 'master phase', plural: 'master phases' },
  table: masterPhases,
  id: { prop: 'id', schema: z.uuid() },
  manage: 'plans',
  create: phaseFields,
  update: phaseFields.omit({ sequenceId: true }).partial(),
  list: {
    input: z.strictObject({ sequenceId: z.uuid().optional() }),
    where: (input) => (input.sequenceId ? eq(masterPhases.sequenceId, input.sequenceId) : undefined),
  },
  orderBy: [asc(masterPhases.sequenceId), sql`${masterPhases.order} asc nulls last`, asc(masterPhases.name)],
  concurrency: byUpdatedAt(masterPhases),
  async guardDelete(row, { tx, now }) {
    await refuseDuringImport(tx, now, { sequenceId: row.sequenceId });
  },
  nameOf: (row) => row.name ?? `Phase ${row.order ?? ''}`.trim(),
  async check(next, { tx, previous, now }) {
    await refuseDuringImport(tx, now, { sequenceId: next.sequenceId });
    if (!next.predecessorId || next.predecessorId === previous?.predecessorId) return;
    const chain = await tx
      .select({ id: masterPhases.id, predecessorId: masterPhases.predecessorId, name: masterPhases.name })
      .from(masterPhases)
      .where(eq(masterPhases.sequenceId, next.sequenceId));
    if (!chain.some((node) => node.id === next.predecessorId)) {
      throw domainError('VALIDATION', 'The predecessor must be a phase of the same sequence.');
    }
    if (previous) {
      const names = new Map(chain.map((node) => [node.id, node.name ?? node.id]));
      expectNoCycle(withPredecessor(chain, previous.id, next.predecessorId), (id) => `"${names.get(id)}"`, 'phase');
    }
  },
  toView: (row) => plain(row),
});

/** "TRT-010", or null for a step without type or number (possible in imported data). */
export function stepCodeOf(row: { stepTypeCode: string | null; number: number | null }): string | null {
  return row.stepTypeCode != null && row.number != null ? formatStepCode(row.stepTypeCode, row.number) : null;
}

async function phaseWithPlan(tx: Tx, phaseId: string) {
  const [phase] = await tx
    .select({ name: masterPhases.name, planId: masterSequences.planId })
    .from(masterPhases)
    .innerJoin(masterSequences, eq(masterSequences.id, masterPhases.sequenceId))
    .where(eq(masterPhases.id, phaseId));
  if (!phase) throw domainError('NOT_FOUND', `Master phase with id ${phaseId} does not exist.`);
  return phase;
}

function phaseOfPlan(planId: string): SQL {
  return sql`${masterSteps.phaseId} in (select ${masterPhases.id} from ${masterPhases} inner join ${masterSequences} on ${masterSequences.id} = ${masterPhases.sequenceId} where ${masterSequences.planId} = ${planId})`;
}

interface StepLinks {
  impactedTeamIds: Map<string, number[]>;
  iterationTypeCodes: Map<string, string[]>;
  labelIds: Map<string, number[]>;
}

function group<V>(rows: ReadonlyArray<{ stepId: string; value: V }>): Map<string, V[]> {
  const map = new Map<string, V[]>();
  for (const row of rows) map.set(row.stepId, [...(map.get(row.stepId) ?? []), row.value]);
  return map;
}

async function loadStepLinks(db: DbOrTx, rows: ReadonlyArray<{ id: string }>): Promise<StepLinks> {
  const ids = rows.map((row) => row.id);
  if (ids.length === 0) return { impactedTeamIds: new Map(), iterationTypeCodes: new Map(), labelIds: new Map() };
  // One after the other: on a transaction these share one connection anyway.
  const teams = await db
    .select({ stepId: masterStepImpactedTeams.stepId, value: masterStepImpactedTeams.teamId })
    .from(masterStepImpactedTeams)
    .where(inArray(masterStepImpactedTeams.stepId, ids))
    .orderBy(asc(masterStepImpactedTeams.teamId));
  const types = await db
    .select({ stepId: masterStepIterationTypes.stepId, value: masterStepIterationTypes.iterationTypeCode })
    .from(masterStepIterationTypes)
    .where(inArray(masterStepIterationTypes.stepId, ids))
    .orderBy(asc(masterStepIterationTypes.iterationTypeCode));
  const labels = await db
    .select({ stepId: stepLabels.masterStepId, value: stepLabels.labelId })
    .from(stepLabels)
    .where(inArray(stepLabels.masterStepId, ids))
    .orderBy(asc(stepLabels.labelId));
  return { impactedTeamIds: group(teams), iterationTypeCodes: group(types), labelIds: group(labels) };
}

const stepFields = z.strictObject({
  ...createInsertSchema(masterSteps).pick({
    phaseId: true,
    ownerTeamId: true,
    predecessorId: true,
    targetEnvironmentRoleId: true,
    environmentRoleId: true,
  }).shape,
  stepTypeCode: codeOf(masterSteps.stepTypeCode, /^[A-Z0-9]{1,3}$/, 'A step type code is one to three capital letters or digits, e.g. TRT.'),
  number: wholeNumber,
  name: nameOf(masterSteps.name),
  description: clearable(textOf(masterSteps.description)),
  durationMinutes: clearable(durationMinutes),
});

/**
 * Master steps are known by their code (stt_code + stm_number, e.g. TRT-010), unique within the
 * master plan (the seed's unique index says only "within a phase"); stm_code is kept equal to it. Impacted teams, iteration
 * types and labels are changed through the admin/step… link resolvers and shown here.
 */
export const masterStepEntity = defineEntity({
  key: 'masterSteps',
  entityType: 'master_step',
  label: { singular: 'master step', plural: 'master steps' },
  table: masterSteps,
  id: { prop: 'id', schema: z.uuid() },
  manage: 'plans',
  create: stepFields,
  update: stepFields.partial(),
  list: {
    input: z.strictObject({ phaseId: z.uuid().optional(), planId: z.uuid().optional() }),
    where: (input) => {
      const conditions = [input.phaseId ? eq(masterSteps.phaseId, input.phaseId) : undefined, input.planId ? phaseOfPlan(input.planId) : undefined];
      const present = conditions.filter((c): c is SQL => c !== undefined);
      return present.length === 0 ? undefined : sql.join(present, sql` and `);
    },
  },
  orderBy: [
    sql`(select ${masterSequences.order} from ${masterPhases} inner join ${masterSequences} on ${masterSequences.id} = ${masterPhases.sequenceId} where ${masterPhases.id} = ${masterSteps.phaseId}) asc nulls last`,
    sql`(select ${masterPhases.order} from ${masterPhases} where ${masterPhases.id} = ${masterSteps.phaseId}) asc nulls last`,
    asc(masterSteps.phaseId),
    asc(masterSteps.stepTypeCode),
    asc(masterSteps.number),
  ],
  concurrency: byUpdatedAt(masterSteps),
  async uniqueMessage(key, next, tx) {
    if (!key.includes('number')) return undefined;
    const phase = await phaseWithPlan(tx, next.phaseId);
    return `Phase "${phase.name ?? ''}" already has a step ${stepCodeOf(next)}; choose another number.`;
  },
  async guardDelete(row, { tx, now }) {
    await refuseDuringImport(tx, now, { phaseId: row.phaseId });
  },
  nameOf: (row) => [stepCodeOf(row), row.name].filter(Boolean).join(' '),
  async check(next, { tx, previous, now }) {
    await refuseDuringImport(tx, now, { phaseId: next.phaseId });
    const phase = await phaseWithPlan(tx, next.phaseId);
    const codeChanged = !previous || next.stepTypeCode !== previous.stepTypeCode || next.number !== previous.number;
    if (codeChanged && next.stepTypeCode != null && next.number != null) {
      // Writers of master steps are serialised (crud's table lock), so this check holds.
      const holder = await findStepWithCode(tx, phase.planId, { stepTypeCode: next.stepTypeCode, number: next.number }, previous?.id);
      if (holder) {
        throw domainError(
          'CONFLICT',
          `Step ${stepCodeOf(next)} already exists in phase "${holder.phaseName ?? ''}" of this master plan; a step code names one step of a plan, so choose another number.`,
          { fields: ['stepTypeCode', 'number'] },
        );
      }
    }
    if (previous && next.phaseId !== previous.phaseId) {
      const before = await phaseWithPlan(tx, previous.phaseId);
      if (before.planId !== phase.planId) throw domainError('VALIDATION', 'A step can only move to another phase of its own master plan.');
    }
    const predecessorChanged = next.predecessorId !== previous?.predecessorId || next.phaseId !== previous?.phaseId;
    if (next.predecessorId && predecessorChanged) {
      const chain = await tx
        .select({ id: masterSteps.id, predecessorId: masterSteps.predecessorId, stepTypeCode: masterSteps.stepTypeCode, number: masterSteps.number })
        .from(masterSteps)
        .where(phaseOfPlan(phase.planId));
      if (!chain.some((node) => node.id === next.predecessorId)) {
        throw domainError('VALIDATION', 'The predecessor must be a step of the same master plan.');
      }
      if (previous) {
        const codes = new Map(chain.map((node) => [node.id, stepCodeOf(node) ?? node.id]));
        expectNoCycle(withPredecessor(chain, previous.id, next.predecessorId), (id) => codes.get(id) ?? id, 'step');
      }
    }
    return { code: stepCodeOf(next) };
  },
  loadExtras: loadStepLinks,
  toView: (row, { extras }) => ({
    ...plain(row),
    code: stepCodeOf(row),
    impactedTeamIds: extras.impactedTeamIds.get(row.id) ?? [],
    iterationTypeCodes: extras.iterationTypeCodes.get(row.id) ?? [],
    labelIds: extras.labelIds.get(row.id) ?? [],
  }),
});

const controlFields = z.strictObject({
  ...createInsertSchema(masterControls).pick({ phaseId: true }).shape,
  code: clearable(codeOf(masterControls.code, /^[A-Z0-9_.-]+$/, 'Use capital letters, digits, dots, dashes or underscores only (e.g. C-010).')),
  order: clearable(wholeNumber),
  name: nameOf(masterControls.name),
  description: clearable(textOf(masterControls.description)),
  type: clearable(z.string().trim().min(1).max(lengthOf(masterControls.type))),
  isCritical: clearable(z.boolean()),
});

/** Control codes are unique across all master plans (the seed's uq_ctm_code). */
export const masterControlEntity = defineEntity({
  key: 'masterControls',
  entityType: 'master_control',
  label: { singular: 'master control', plural: 'master controls' },
  table: masterControls,
  id: { prop: 'id', schema: z.uuid() },
  manage: 'plans',
  create: controlFields,
  update: controlFields.omit({ phaseId: true }).partial(),
  list: {
    input: z.strictObject({ phaseId: z.uuid().optional() }),
    where: (input) => (input.phaseId ? eq(masterControls.phaseId, input.phaseId) : undefined),
  },
  orderBy: [asc(masterControls.phaseId), sql`${masterControls.order} asc nulls last`, asc(masterControls.code)],
  concurrency: byUpdatedAt(masterControls),
  async guardDelete(row, { tx, now }) {
    await refuseDuringImport(tx, now, { phaseId: row.phaseId });
  },
  nameOf: (row) => [row.code, row.name].filter(Boolean).join(' '),
  async check(next, { tx, now }) {
    await refuseDuringImport(tx, now, { phaseId: next.phaseId });
  },
  toView: (row) => plain(row),
});

const instructionFields = z.strictObject({
  ...createInsertSchema(masterInstructions).pick({ stepId: true, teamId: true, controlId: true }).shape,
  order: wholeNumber,
  body: clearable(textOf(masterInstructions.body, LONG_TEXT_MAX)),
  durationMinutes: clearable(durationMinutes),
});

/** An instruction that checks a control must belong to a step of that control's phase. */
export const masterInstructionEntity = defineEntity({
  key: 'masterInstructions',
  entityType: 'master_instruction',
  label: { singular: 'master instruction', plural: 'master instructions' },
  table: masterInstructions,
  id: { prop: 'id', schema: z.uuid() },
  manage: 'plans',
  create: instructionFields,
  update: instructionFields.omit({ stepId: true }).partial(),
  list: {
    input: z.strictObject({ stepId: z.uuid().optional() }),
    where: (input) => (input.stepId ? eq(masterInstructions.stepId, input.stepId) : undefined),
  },
  orderBy: [asc(masterInstructions.stepId), asc(masterInstructions.order)],
  concurrency: byUpdatedAt(masterInstructions),
  async guardDelete(row, { tx, now }) {
    await refuseDuringImport(tx, now, { stepId: row.stepId });
  },
  nameOf: (row) => `Instruction ${row.order}`,
  async check(next, { tx, previous, now }) {
    await refuseDuringImport(tx, now, { stepId: next.stepId });
    if (!next.controlId || next.controlId === previous?.controlId) return;
    const [step] = await tx.select({ phaseId: masterSteps.phaseId }).from(masterSteps).where(eq(masterSteps.id, next.stepId));
    const [control] = await tx.select({ phaseId: masterControls.phaseId }).from(masterControls).where(eq(masterControls.id, next.controlId));
    if (step && control && step.phaseId !== control.phaseId) {
      throw domainError('VALIDATION', "The control must belong to the same phase as the instruction's step.");
    }
  },
  toView: (row) => plain(row),
});
