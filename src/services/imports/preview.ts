/**
 * What promoting a validated batch would change, before it runs (imports/preview). The promotion
 * itself is run on the staged batch inside a transaction that is then rolled back: the counts and
 * the list come from the same code that will write them, not from a guess, and nothing is kept.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { promotedStepChanges, type PreviewStep } from '../../db/repositories/imports';
import { importBatches } from '../../db/schema';
import { domainError } from '../../domain/errors';
import type { ServiceContext } from '../context';
import { lockBatch, plannedCreations } from './batch-flow';
import { countCreations, createPlanned, NOTHING_TO_CREATE, type PlannedCreations } from './create-missing';
import { assertCanImport } from './permissions';
import { EMPTY_STATS, promoteChunk, type PromotionStats, syncStepLabels } from './promotion';
import { validateStagedBatch } from './validation';

export const previewInput = z.strictObject({ batchId: z.uuid() });

/** Steps listed in the preview at most; the counts always cover every step. */
export const PREVIEW_LIST_LIMIT = 1000;

export interface PromotionPreview {
  batchId: string;
  /** Problems the checks find now (the plan changed since validation); the rest is empty then. */
  problems: number;
  counts: { created: number; updated: number; unchanged: number };
  /** Steps in plan order with what the promotion does to each (the first PREVIEW_LIST_LIMIT). */
  steps: PreviewStep[];
  truncated: boolean;
  /** What "create missing" creates before the steps. */
  creates: PlannedCreations;
  /** The same detail a finished promotion reports in `changes`. */
  changes: PromotionStats;
}

class DryRunOver extends Error {}

export async function previewPromotion(ctx: ServiceContext, input: z.output<typeof previewInput>): Promise<PromotionPreview> {
  assertCanImport(ctx.actor);
  const [row] = await ctx.db.select({ status: importBatches.status }).from(importBatches).where(eq(importBatches.id, input.batchId));
  if (!row) throw domainError('NOT_FOUND', 'That import does not exist.');
  if (row.status !== 'VALIDATED') {
    throw domainError('CONFLICT', `Only a validated import that is not promoted yet has a preview; this one is ${row.status.toLowerCase().replace('_', ' ')}.`);
  }
  let preview: PromotionPreview | undefined;
  try {
    await ctx.db.transaction(async (tx) => {
      const batch = await lockBatch(tx, input.batchId);
      if (batch.status !== 'VALIDATED') throw domainError('CONFLICT', 'This import changed state meanwhile; reload it.');
      const config = batch.configuration;
      const planned = await plannedCreations(tx, batch);
      const creates = planned.creates ?? NOTHING_TO_CREATE;
      const empty = { batchId: batch.id, counts: { created: 0, updated: 0, unchanged: 0 }, steps: [], truncated: false, creates, changes: EMPTY_STATS };
      const problems = [...(await validateStagedBatch(tx, batch.id, batch.masterPlanId, config, creates)), ...planned.labelProblems];
      if (problems.length > 0) {
        preview = { ...empty, problems: problems.length };
        throw new DryRunOver();
      }
      if (countCreations(creates) > 0) await createPlanned(tx, batch.id, batch.masterPlanId, ctx.actor.code, creates, {
          ...(config.newPlan ? { newPlan: config.newPlan } : {}),
          ...(config.labelMigrationId ? { labelMigrationId: config.labelMigrationId } : {}),
          userId: ctx.actor.userId,
        });
      const chunk = await promoteChunk(tx, batch.id, batch.masterPlanId, ctx.actor.code, { afterSeq: 0, stats: EMPTY_STATS }, Math.max(batch.stepCount, 1));
      await syncStepLabels(tx, batch.id, ctx.actor.code, config.labelMigrationId ?? null);
      const steps = await promotedStepChanges(tx, batch.id);
      const count = (change: PreviewStep['change']) => steps.filter((step) => step.change === change).length;
      preview = {
        ...empty,
        problems: 0,
        counts: { created: count('CREATED'), updated: count('UPDATED'), unchanged: count('UNCHANGED') },
        steps: steps.slice(0, PREVIEW_LIST_LIMIT),
        truncated: steps.length > PREVIEW_LIST_LIMIT,
        changes: chunk.cursor.stats,
      };
      throw new DryRunOver();
    });
  } catch (error) {
    if (!(error instanceof DryRunOver)) throw error;
  }
  if (!preview) throw new Error('The promotion preview ended without a result');
  return preview;
}
