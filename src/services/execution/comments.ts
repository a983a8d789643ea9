import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../db/client';
import { masterSteps, pilotComments, stepComments, stepInstances } from '../../db/schema';
import { canEditComment, canEditPilotComment, canWriteComment, canWritePilotComment } from '../../domain/access/permissions';
import { domainError } from '../../domain/errors';
import { COMMENT_MAX } from '../../domain/text-limits';
import { recordAudit } from '../audit';
import { assertRunWritable } from '../planning/plan-lifecycle';
import type { ServiceContext } from '../context';
import { toIso } from './rollup-sync';

// Comments are stored as written; they reach the UI as text and are never interpreted here.

const body = z.string().trim().min(1).max(COMMENT_MAX);
const commentId = z.number().int().positive().max(2_147_483_647);

/** Who reads a pilot comment: everyone who reads the step, or pilots and administrators only. */
export const PILOT_COMMENT_VISIBILITIES = ['ALL', 'PILOTS'] as const;
const visibility = z.enum(PILOT_COMMENT_VISIBILITIES);

export const addCommentInput = z.strictObject({ stepId: z.uuid(), body });
export const editCommentInput = z.strictObject({ commentId, body });
export const deleteCommentInput = z.strictObject({ commentId });
export const addPilotCommentInput = z.strictObject({ masterStepId: z.uuid(), body, visibility: visibility.optional() });
export const editPilotCommentInput = z.strictObject({ commentId, body, visibility: visibility.optional() });
export const deletePilotCommentInput = z.strictObject({ commentId });

export interface CommentView {
  id: number;
  stepId: string;
  body: string | null;
  createdById: number | null;
  createdAt: string | null;
  updatedById: number | null;
  updatedAt: string | null;
}

export interface PilotCommentView {
  id: number;
  masterStepId: string;
  body: string | null;
  visibility: string | null;
  author: string | null;
  createdById: number | null;
  createdAt: string | null;
  updatedById: number | null;
}

type CommentRow = Omit<CommentView, 'createdAt' | 'updatedAt'> & { createdAt: Date | null; updatedAt: Date | null };
type PilotCommentRow = Omit<PilotCommentView, 'createdAt'> & { createdAt: Date | null };

const toCommentView = (row: CommentRow): CommentView => ({ ...row, createdAt: toIso(row.createdAt), updatedAt: toIso(row.updatedAt) });
const toPilotCommentView = (row: PilotCommentRow): PilotCommentView => ({ ...row, createdAt: toIso(row.createdAt) });

const COMMENT_NOT_FOUND = 'That comment does not exist (it may have been deleted).';
const PILOT_ONLY = 'Only a pilot or an administrator can write pilot comments.';

const commentView = {
  id: stepComments.id,
  stepId: stepComments.stepId,
  body: stepComments.body,
  createdById: stepComments.createdBy,
  createdAt: stepComments.createdAt,
  updatedById: stepComments.updatedBy,
  updatedAt: stepComments.updatedAt,
};

const pilotCommentView = {
  id: pilotComments.id,
  masterStepId: pilotComments.stepId,
  body: pilotComments.body,
  visibility: pilotComments.visibility,
  author: pilotComments.author,
  createdById: pilotComments.createdBy,
  createdAt: pilotComments.createdAt,
  updatedById: pilotComments.updatedBy,
};

/** Any known user comments on any step instance (`created_by`/`updated_by` hold user ids here). */
export async function addComment(ctx: ServiceContext, input: z.output<typeof addCommentInput>): Promise<CommentView> {
  if (!canWriteComment(ctx.actor)) throw domainError('FORBIDDEN', 'You cannot comment on steps.');
  return ctx.db.transaction(async (tx) => {
    await assertRunWritable(tx, { step: input.stepId });
    // KEY SHARE keeps the step from being deleted under the new comment, without blocking status changes.
    const [step] = await tx.select({ id: stepInstances.id }).from(stepInstances).where(eq(stepInstances.id, input.stepId)).for('key share');
    if (!step) throw domainError('NOT_FOUND', 'That step does not exist (it may have been removed).');
    const [comment] = await tx
      .insert(stepComments)
      .values({ stepId: step.id, body: input.body, createdBy: ctx.actor.userId, createdAt: ctx.now() })
      .returning(commentView);
    await recordAudit(tx, ctx.actor, {
      action: 'COMMENT_ADDED',
      entityType: 'step_comment',
      entityId: comment!.id,
      after: { body: comment!.body },
      extra: { stepId: step.id },
    });
    return toCommentView(comment!);
  });
}

async function loadCommentForUpdate(tx: Tx, id: number) {
  const [comment] = await tx.select(commentView).from(stepComments).where(eq(stepComments.id, id)).for('update');
  if (!comment) throw domainError('NOT_FOUND', COMMENT_NOT_FOUND);
  return comment;
}

/** Authors edit their own comments; administrators may edit any, to moderate. */
export async function editComment(ctx: ServiceContext, input: z.output<typeof editCommentInput>): Promise<CommentView> {
  return ctx.db.transaction(async (tx) => {
    await assertRunWritable(tx, { comment: input.commentId });
    const comment = await loadCommentForUpdate(tx, input.commentId);
    if (!canEditComment(ctx.actor, comment.createdById)) {
      throw domainError('FORBIDDEN', 'Only the author of a comment or an administrator can change it.');
    }
    if (comment.body === input.body) return toCommentView(comment);
    const [updated] = await tx
      .update(stepComments)
      .set({ body: input.body, updatedBy: ctx.actor.userId, updatedAt: ctx.now() })
      .where(eq(stepComments.id, comment.id))
      .returning(commentView);
    await recordAudit(tx, ctx.actor, {
      action: 'COMMENT_EDITED',
      entityType: 'step_comment',
      entityId: comment.id,
      before: { body: comment.body },
      after: { body: input.body },
      extra: { stepId: comment.stepId },
    });
    return toCommentView(updated!);
  });
}

export async function deleteComment(ctx: ServiceContext, input: z.output<typeof deleteCommentInput>): Promise<{ id: number; deleted: true }> {
  return ctx.db.transaction(async (tx) => {
    await assertRunWritable(tx, { comment: input.commentId });
    const comment = await loadCommentForUpdate(tx, input.commentId);
    if (!canEditComment(ctx.actor, comment.createdById)) {
      throw domainError('FORBIDDEN', 'Only the author of a comment or an administrator can delete it.');
    }
    await tx.delete(stepComments).where(eq(stepComments.id, comment.id));
    await recordAudit(tx, ctx.actor, {
      action: 'COMMENT_DELETED',
      entityType: 'step_comment',
      entityId: comment.id,
      before: { body: comment.body, createdById: comment.createdById },
      extra: { stepId: comment.stepId },
    });
    return { id: comment.id, deleted: true };
  });
}

/** Pilot notes on a master step, read in every iteration that runs it. */
export async function addPilotComment(ctx: ServiceContext, input: z.output<typeof addPilotCommentInput>): Promise<PilotCommentView> {
  if (!canWritePilotComment(ctx.actor)) throw domainError('FORBIDDEN', PILOT_ONLY);
  return ctx.db.transaction(async (tx) => {
    const [step] = await tx.select({ id: masterSteps.id }).from(masterSteps).where(eq(masterSteps.id, input.masterStepId)).for('key share');
    if (!step) throw domainError('NOT_FOUND', 'That master step does not exist (it may have been removed).');
    const [comment] = await tx
      .insert(pilotComments)
      .values({
        stepId: step.id,
        body: input.body,
        visibility: input.visibility ?? 'ALL',
        author: ctx.actor.code,
        createdBy: ctx.actor.userId,
        createdAt: ctx.now(),
      })
      .returning(pilotCommentView);
    await recordAudit(tx, ctx.actor, {
      action: 'PILOT_COMMENT_ADDED',
      entityType: 'pilot_comment',
      entityId: comment!.id,
      after: { body: comment!.body, visibility: comment!.visibility },
      extra: { masterStepId: step.id },
    });
    return toPilotCommentView(comment!);
  });
}

async function loadPilotCommentForUpdate(tx: Tx, id: number) {
  const [comment] = await tx.select(pilotCommentView).from(pilotComments).where(eq(pilotComments.id, id)).for('update');
  if (!comment) throw domainError('NOT_FOUND', COMMENT_NOT_FOUND);
  return comment;
}

/**
 * A pilot edits their own pilot comments, administrators any. The table has no updated_at, so the
 * audit log holds when and what changed.
 */
export async function editPilotComment(ctx: ServiceContext, input: z.output<typeof editPilotCommentInput>): Promise<PilotCommentView> {
  if (!canWritePilotComment(ctx.actor)) throw domainError('FORBIDDEN', PILOT_ONLY);
  return ctx.db.transaction(async (tx) => {
    const comment = await loadPilotCommentForUpdate(tx, input.commentId);
    if (!canEditPilotComment(ctx.actor, comment.createdById)) {
      throw domainError('FORBIDDEN', 'Only the pilot who wrote this comment or an administrator can change it.');
    }
    const nextVisibility = input.visibility ?? comment.visibility;
    if (comment.body === input.body && comment.visibility === nextVisibility) return toPilotCommentView(comment);
    const [updated] = await tx
      .update(pilotComments)
      .set({ body: input.body, visibility: nextVisibility, updatedBy: ctx.actor.userId })
      .where(eq(pilotComments.id, comment.id))
      .returning(pilotCommentView);
    await recordAudit(tx, ctx.actor, {
      action: 'PILOT_COMMENT_EDITED',
      entityType: 'pilot_comment',
      entityId: comment.id,
      before: { body: comment.body, visibility: comment.visibility },
      after: { body: input.body, visibility: nextVisibility },
      extra: { masterStepId: comment.masterStepId },
    });
    return toPilotCommentView(updated!);
  });
}

export async function deletePilotComment(ctx: ServiceContext, input: z.output<typeof deletePilotCommentInput>): Promise<{ id: number; deleted: true }> {
  if (!canWritePilotComment(ctx.actor)) throw domainError('FORBIDDEN', PILOT_ONLY);
  return ctx.db.transaction(async (tx) => {
    const comment = await loadPilotCommentForUpdate(tx, input.commentId);
    if (!canEditPilotComment(ctx.actor, comment.createdById)) {
      throw domainError('FORBIDDEN', 'Only the pilot who wrote this comment or an administrator can delete it.');
    }
    await tx.delete(pilotComments).where(eq(pilotComments.id, comment.id));
    await recordAudit(tx, ctx.actor, {
      action: 'PILOT_COMMENT_DELETED',
      entityType: 'pilot_comment',
      entityId: comment.id,
      before: { body: comment.body, visibility: comment.visibility, createdById: comment.createdById },
      extra: { masterStepId: comment.masterStepId },
    });
    return { id: comment.id, deleted: true };
  });
}
