import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../db/query';
import { instructionInstances } from '../../db/schema';
import { canOverride, canToggleInstruction } from '../../domain/access/permissions';
import { checkInstructionToggle } from '../../domain/execution/instructions';
import { domainError } from '../../domain/errors';
import { stepStatusFromId } from '../../domain/statuses';
import { recordAudit } from '../audit';
import { assertRunWritable } from '../planning/plan-lifecycle';
import { enqueueNotification } from '../notifications/enqueue';
import type { ServiceContext } from '../context';
import { toIso } from './rollup-sync';
import { stepCodeOf } from './steps';

export const setInstructionCompletedInput = z.strictObject({
  instructionId: z.uuid(),
  completed: z.boolean(),
});
export type SetInstructionCompletedInput = z.output<typeof setInstructionCompletedInput>;

export interface InstructionView {
  instructionId: string;
  stepId: string;
  /** False when the instruction already had the requested state: nothing was written or audited. */
  changed: boolean;
  isCompleted: boolean;
  completedAt: string | null;
  completedById: number | null;
  updatedAt: string | null;
}

interface InstructionFacts {
  ini_id: string;
  sti_id: string;
  is_completed: boolean;
  sti_status: number;
  tms_id_owner: number | null;
  impacted: number[] | null;
  instruction_team: number | null;
  stt_code: string | null;
  stm_number: number | null;
}

/**
 * Ticks or unticks one instruction. The instruction row is locked for update and its step for
 * share: ticks on many instructions of one step run side by side, while a step status change
 * waits for them (and they for it), so "only while IN_PROGRESS" holds until commit.
 */
export async function setInstructionCompleted(ctx: ServiceContext, input: SetInstructionCompletedInput): Promise<InstructionView> {
  return ctx.db.transaction(async (tx) => {
    await assertRunWritable(tx, { instruction: input.instructionId });
    const [row] = await queryRows<InstructionFacts>(
      tx,
      sql`SELECT ini.ini_id, ini.sti_id, coalesce(ini.ini_is_completed, false) AS is_completed, st.sti_status,
                 sm.tms_id_owner, sm.stt_code, sm.stm_number, inm.tms_id AS instruction_team,
                 (SELECT array_agg(t.tms_id) FROM steps_master_stm_x_teams_tms_impacted t WHERE t.stm_id = sm.stm_id) AS impacted
            FROM instructions_instance_ini ini
            JOIN steps_instance_sti st ON st.sti_id = ini.sti_id
            JOIN steps_master_stm sm ON sm.stm_id = st.stm_id
            JOIN instructions_master_inm inm ON inm.inm_id = ini.inm_id
           WHERE ini.ini_id = ${input.instructionId}
             FOR NO KEY UPDATE OF ini FOR SHARE OF st`,
    );
    if (!row) throw domainError('NOT_FOUND', 'That instruction does not exist (it may have been removed).');
    // Read the clock once the row is ours, so stored times follow the order the changes were made in.
    const now = ctx.now();
    const stepCode = stepCodeOf(row.stt_code, row.stm_number === null ? null : Number(row.stm_number));
    const teams = {
      ownerTeamId: row.tms_id_owner === null ? null : Number(row.tms_id_owner),
      impactedTeamIds: (row.impacted ?? []).map(Number),
      instructionTeamId: row.instruction_team === null ? null : Number(row.instruction_team),
    };
    if (!canToggleInstruction(ctx.actor, teams)) {
      throw domainError(
        'FORBIDDEN',
        `Only members of the teams of ${stepCode ?? 'this step'} or of the instruction's team, a pilot or an administrator can tick its instructions.`,
      );
    }
    const stepStatus = stepStatusFromId(Number(row.sti_status));
    if (!stepStatus) throw domainError('CONFLICT', `${stepCode ?? 'This step'} has a status UMIG does not know; ask an administrator.`);
    const decision = checkInstructionToggle({ stepStatus, isCompleted: row.is_completed, complete: input.completed, stepCode, mayAmendCompleted: canOverride(ctx.actor) });
    if (!decision.ok) throw decision.error;

    if (decision.changed) {
      const updated = await tx
        .update(instructionInstances)
        .set({
          isCompleted: input.completed,
          completedAt: input.completed ? now : null,
          completedById: input.completed ? ctx.actor.userId : null,
          updatedBy: ctx.actor.code,
          updatedAt: now,
        })
        .where(and(eq(instructionInstances.id, row.ini_id), sql`coalesce(${instructionInstances.isCompleted}, false) = ${row.is_completed}`))
        .returning({ id: instructionInstances.id });
      // Unreachable while the row lock holds; kept so a tick can never overwrite a newer one.
      if (updated.length === 0) throw domainError('CONFLICT', 'Someone else ticked this instruction at the same moment; reload and try again.');
      await recordAudit(tx, ctx.actor, {
        action: input.completed ? 'INSTRUCTION_COMPLETED' : 'INSTRUCTION_UNCOMPLETED',
        entityType: 'instruction_instance',
        entityId: row.ini_id,
        before: { completed: row.is_completed },
        after: { completed: input.completed },
        extra: { stepId: row.sti_id, stepCode, ...(decision.afterCompletion ? { afterCompletion: true } : {}) },
      });
      await enqueueNotification(tx, { type: 'INSTRUCTION_TOGGLED', instructionId: row.ini_id, completed: input.completed, actor: ctx.actor }, { now });
    }

    const [current] = await tx
      .select({
        isCompleted: instructionInstances.isCompleted,
        completedAt: instructionInstances.completedAt,
        completedById: instructionInstances.completedById,
        updatedAt: instructionInstances.updatedAt,
      })
      .from(instructionInstances)
      .where(eq(instructionInstances.id, row.ini_id));
    return {
      instructionId: row.ini_id,
      stepId: row.sti_id,
      changed: decision.changed,
      isCompleted: current!.isCompleted === true,
      completedAt: toIso(current!.completedAt),
      completedById: current!.completedById,
      updatedAt: toIso(current!.updatedAt),
    };
  });
}
