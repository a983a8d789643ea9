/**
 * Master-step queries the step-code rule needs: a step code (type + number) names one step of a
 * master plan (docs/decisions.md, "Step codes are unique within a master plan").
 */
import { and, eq, ne } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { masterPhases, masterSequences, masterSteps } from '../schema';

export interface StepCodeHolder {
  stepId: string;
  phaseName: string | null;
  sequenceName: string | null;
}

/** The step of `planId` that already has this type and number (other than `exceptStepId`), if any. */
export async function findStepWithCode(
  db: DbOrTx,
  planId: string,
  code: { stepTypeCode: string; number: number },
  exceptStepId?: string,
): Promise<StepCodeHolder | undefined> {
  const [row] = await db
    .select({ stepId: masterSteps.id, phaseName: masterPhases.name, sequenceName: masterSequences.name })
    .from(masterSteps)
    .innerJoin(masterPhases, eq(masterPhases.id, masterSteps.phaseId))
    .innerJoin(masterSequences, eq(masterSequences.id, masterPhases.sequenceId))
    .where(
      and(
        eq(masterSequences.planId, planId),
        eq(masterSteps.stepTypeCode, code.stepTypeCode),
        eq(masterSteps.number, code.number),
        exceptStepId ? ne(masterSteps.id, exceptStepId) : undefined,
      ),
    )
    .limit(1);
  return row;
}
