import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import {
  controlInstances,
  emailOutbox,
  emailTemplates,
  instructionInstances,
  iterations,
  masterInstructions,
  masterPlans,
  masterStepImpactedTeams,
  masterSteps,
  migrationNotificationSettings,
  migrations,
  notificationPreferences,
  phaseInstances,
  planInstances,
  sequenceInstances,
  stepInstances,
  teams,
  users,
} from '../../db/schema';
import type { Actor, ValidatorSlot } from '../../domain/access/permissions';
import { isDomainError, domainError } from '../../domain/errors';
import type { Verdict } from '../../domain/execution/controls';
import { formatStepCode } from '../../domain/execution/step-code';
import { statusLabel, type StepStatus } from '../../domain/statuses';
import { getConfig } from '../configuration/settings';
import type { KnownSettingKey, KnownSettingValue } from '../configuration/keys';
import { renderTemplate, type TemplateValues } from './templates';

/**
 * Turns a runsheet change into an email in the transactional outbox. The caller passes its own
 * transaction, so the outbox row exists exactly when the change does: a rolled-back change sends
 * nothing. Delivery happens later (deliverOutbox), never inside the caller's transaction.
 */

/** Who made the change: the service's Actor will do. */
export type NotificationActor = Pick<Actor, 'userId' | 'code'>;

export type NotificationEvent =
  | { type: 'STEP_STATUS_CHANGED'; stepId: string; from: StepStatus; to: StepStatus; actor: NotificationActor }
  | { type: 'INSTRUCTION_TOGGLED'; instructionId: string; completed: boolean; actor: NotificationActor }
  | {
      type: 'CONTROL_VERDICT';
      controlId: string;
      slot: ValidatorSlot;
      /** The domain's APPROVED/REJECTED, or the stored PASSED/FAILED. */
      verdict: Verdict | 'PASSED' | 'FAILED';
      comment?: string | null;
      actor: NotificationActor;
    };

/** The template each event is written with; an administrator deactivates one to stop that email. */
export const NOTIFICATION_TEMPLATE_NAMES = {
  STEP_STATUS_CHANGED: 'Step status changed',
  INSTRUCTION_COMPLETED: 'Instruction completed',
  INSTRUCTION_REOPENED: 'Instruction reopened',
  CONTROL_VERDICT: 'Control verdict recorded',
} as const;

export interface EnqueueOptions {
  /**
   * Makes enqueueing idempotent across calls (e.g. a request id or audit id): a second event with
   * the same key is dropped. Default: the event and its transaction id, so one transaction
   * enqueues one email per event however often it reports it.
   */
  dedupeKey?: string;
  /** First delivery attempt not before this (default: now). */
  now?: Date;
}

export type SkipReason = 'NO_CHANGE' | 'EMAIL_DISABLED' | 'MIGRATION_SWITCHED_OFF' | 'TEMPLATE_INACTIVE' | 'NO_RECIPIENTS' | 'DUPLICATE';

export type EnqueueResult = { enqueued: true; outboxId: string; recipients: string[] } | { enqueued: false; reason: SkipReason };

/** Where an event happened, with the names its email shows. */
interface EventContext {
  entityId: string;
  migrationId: string;
  iterationId: string;
  values: TemplateValues;
  /** Team ids whose mailbox gets the email. */
  teamIds: number[];
  /** User ids (validators) whose own address gets it, unless they opted out. */
  userIds: number[];
  link: { stepId?: string; controlId?: string };
}

const ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+$/;

/** A settings problem (a value edited by hand into the database) must not fail the runsheet change. */
async function settingOrDefault<K extends KnownSettingKey>(tx: DbOrTx, key: K, fallback: KnownSettingValue<K>): Promise<KnownSettingValue<K>> {
  try {
    return await getConfig(tx, null, key);
  } catch (error) {
    if (isDomainError(error)) return fallback;
    throw error;
  }
}

function stepCodeOf(typeCode: string | null, number: number | null, fallback: string | null): string {
  if (typeCode !== null && number !== null) {
    try {
      return formatStepCode(typeCode, number);
    } catch {
      // A legacy code that does not round-trip: show what the master holds.
    }
  }
  return fallback ?? '';
}

async function stepContext(tx: DbOrTx, stepId: string) {
  const [row] = await tx
    .select({
      stepId: stepInstances.id,
      stepName: stepInstances.name,
      masterStepId: masterSteps.id,
      masterName: masterSteps.name,
      masterCode: masterSteps.code,
      typeCode: masterSteps.stepTypeCode,
      number: masterSteps.number,
      ownerTeamId: masterSteps.ownerTeamId,
      phaseName: phaseInstances.name,
      iterationId: iterations.id,
      iterationName: iterations.name,
      migrationId: migrations.id,
      migrationName: migrations.name,
    })
    .from(stepInstances)
    .innerJoin(masterSteps, eq(masterSteps.id, stepInstances.masterStepId))
    .innerJoin(phaseInstances, eq(phaseInstances.id, stepInstances.phaseId))
    .innerJoin(sequenceInstances, eq(sequenceInstances.id, phaseInstances.sequenceId))
    .innerJoin(planInstances, eq(planInstances.id, sequenceInstances.planId))
    .innerJoin(iterations, eq(iterations.id, planInstances.iterationId))
    .innerJoin(migrations, eq(migrations.id, iterations.migrationId))
    .where(eq(stepInstances.id, stepId));
  if (!row) throw domainError('NOT_FOUND', 'That step does not exist.');
  const impacted = await tx
    .select({ teamId: masterStepImpactedTeams.teamId })
    .from(masterStepImpactedTeams)
    .where(eq(masterStepImpactedTeams.stepId, row.masterStepId));
  return {
    row,
    teamIds: [...(row.ownerTeamId === null ? [] : [row.ownerTeamId]), ...impacted.map((i) => i.teamId)],
    values: {
      stepCode: stepCodeOf(row.typeCode, row.number, row.masterCode),
      stepName: row.stepName ?? row.masterName ?? '',
      phaseName: row.phaseName ?? '',
      iterationName: row.iterationName,
      migrationName: row.migrationName,
    } satisfies TemplateValues,
  };
}

async function contextOf(tx: DbOrTx, event: NotificationEvent): Promise<EventContext> {
  switch (event.type) {
    case 'STEP_STATUS_CHANGED': {
      const step = await stepContext(tx, event.stepId);
      return {
        entityId: step.row.stepId,
        migrationId: step.row.migrationId,
        iterationId: step.row.iterationId,
        values: { ...step.values, statusFrom: statusLabel(event.from), statusTo: statusLabel(event.to) },
        teamIds: step.teamIds,
        userIds: [],
        link: { stepId: step.row.stepId },
      };
    }
    case 'INSTRUCTION_TOGGLED': {
      const [instruction] = await tx
        .select({ id: instructionInstances.id, stepId: instructionInstances.stepId, body: instructionInstances.body, teamId: masterInstructions.teamId })
        .from(instructionInstances)
        .innerJoin(masterInstructions, eq(masterInstructions.id, instructionInstances.masterInstructionId))
        .where(eq(instructionInstances.id, event.instructionId));
      if (!instruction) throw domainError('NOT_FOUND', 'That instruction does not exist.');
      const step = await stepContext(tx, instruction.stepId);
      return {
        entityId: instruction.id,
        migrationId: step.row.migrationId,
        iterationId: step.row.iterationId,
        values: { ...step.values, instructionText: instruction.body ?? '' },
        // The instruction's own team does the work, so it hears about it too.
        teamIds: [...step.teamIds, ...(instruction.teamId === null ? [] : [instruction.teamId])],
        userIds: [],
        link: { stepId: step.row.stepId },
      };
    }
    case 'CONTROL_VERDICT': {
      const [row] = await tx
        .select({
          controlId: controlInstances.id,
          code: controlInstances.code,
          name: controlInstances.name,
          itValidatorId: controlInstances.itValidatorId,
          bizValidatorId: controlInstances.bizValidatorId,
          phaseName: phaseInstances.name,
          planTeamId: masterPlans.teamId,
          iterationId: iterations.id,
          iterationName: iterations.name,
          migrationId: migrations.id,
          migrationName: migrations.name,
        })
        .from(controlInstances)
        .innerJoin(phaseInstances, eq(phaseInstances.id, controlInstances.phaseId))
        .innerJoin(sequenceInstances, eq(sequenceInstances.id, phaseInstances.sequenceId))
        .innerJoin(planInstances, eq(planInstances.id, sequenceInstances.planId))
        .innerJoin(masterPlans, eq(masterPlans.id, planInstances.masterPlanId))
        .innerJoin(iterations, eq(iterations.id, planInstances.iterationId))
        .innerJoin(migrations, eq(migrations.id, iterations.migrationId))
        .where(eq(controlInstances.id, event.controlId));
      if (!row) throw domainError('NOT_FOUND', 'That control does not exist.');
      const approved = event.verdict === 'APPROVED' || event.verdict === 'PASSED';
      return {
        entityId: row.controlId,
        migrationId: row.migrationId,
        iterationId: row.iterationId,
        values: {
          controlCode: row.code ?? '',
          controlName: row.name ?? '',
          phaseName: row.phaseName ?? '',
          iterationName: row.iterationName,
          migrationName: row.migrationName,
          slot: event.slot === 'IT' ? 'IT' : 'Business',
          verdict: approved ? 'Approved' : 'Rejected',
          comment: event.comment ?? '',
        },
        // The validators of the gate, and the team that owns the plan (the cutover team).
        teamIds: row.planTeamId === null ? [] : [row.planTeamId],
        userIds: [row.itValidatorId, row.bizValidatorId].filter((id): id is number => id !== null),
        link: { controlId: row.controlId },
      };
    }
  }
}

function templateNameOf(event: NotificationEvent): string {
  if (event.type === 'INSTRUCTION_TOGGLED') {
    return event.completed ? NOTIFICATION_TEMPLATE_NAMES.INSTRUCTION_COMPLETED : NOTIFICATION_TEMPLATE_NAMES.INSTRUCTION_REOPENED;
  }
  return NOTIFICATION_TEMPLATE_NAMES[event.type];
}

function discriminatorOf(event: NotificationEvent): string {
  switch (event.type) {
    case 'STEP_STATUS_CHANGED':
      return `${event.from}>${event.to}`;
    case 'INSTRUCTION_TOGGLED':
      return event.completed ? 'completed' : 'reopened';
    case 'CONTROL_VERDICT':
      return `${event.slot}:${event.verdict}`;
  }
}

/** The runsheet link: the configured page with the iteration and the step or control to show. */
function pageUrlOf(base: string, context: EventContext): string {
  if (!/^https?:\/\/\S+$/i.test(base)) return '';
  const params = new URLSearchParams({ iterationId: context.iterationId });
  if (context.link.stepId) params.set('stepId', context.link.stepId);
  if (context.link.controlId) params.set('controlId', context.link.controlId);
  return `${base}${base.includes('?') ? '&' : '?'}${params.toString()}`;
}

/**
 * The addresses an event's email goes to: the teams' mailboxes and the users' own addresses,
 * without inactive users, without the person who made the change (they know), without users who
 * opted out (an opted-out user's address is removed even when it is also a team's mailbox), and
 * without malformed addresses (tms_email is free text). Lower case, sorted, no duplicates.
 */
async function recipientsOf(tx: DbOrTx, context: EventContext, actor: NotificationActor): Promise<string[]> {
  const candidates = new Set<string>();
  const add = (address: string | null) => {
    const normalised = address?.trim().toLowerCase();
    if (normalised && ADDRESS.test(normalised)) candidates.add(normalised);
  };
  if (context.teamIds.length > 0) {
    const rows = await tx.select({ email: teams.email }).from(teams).where(inArray(teams.id, context.teamIds));
    rows.forEach((row) => add(row.email));
  }
  if (context.userIds.length > 0) {
    const rows = await tx
      .select({ email: users.email })
      .from(users)
      .where(and(inArray(users.id, context.userIds), eq(users.active, true)));
    rows.forEach((row) => add(row.email));
  }
  if (candidates.size === 0) return [];
  const excluded = await tx
    .select({ email: sql<string>`lower(${users.email})` })
    .from(users)
    .leftJoin(notificationPreferences, eq(notificationPreferences.userId, users.id))
    .where(
      and(
        inArray(sql`lower(${users.email})`, [...candidates]),
        or(eq(users.id, actor.userId), eq(notificationPreferences.emailEnabled, false)),
      ),
    );
  excluded.forEach((row) => candidates.delete(row.email));
  return [...candidates].sort();
}

async function actorValues(tx: DbOrTx, actor: NotificationActor): Promise<TemplateValues> {
  const [row] = await tx.select({ firstName: users.firstName, lastName: users.lastName }).from(users).where(eq(users.id, actor.userId));
  return { actorName: row ? `${row.firstName} ${row.lastName}`.trim() : actor.code, actorCode: actor.code };
}

/**
 * Writes the email for a runsheet change into the outbox, inside the caller's transaction.
 * Nothing is written (and the reason returned) when the change is a no-op, emails are off
 * (setting email.enabled), the migration's switch is off, the event's template is inactive or
 * missing, nobody is left to tell, or the same event was already enqueued (dedupe key).
 * Throws NOT_FOUND for an unknown step, instruction or control.
 */
export async function enqueueNotification(tx: DbOrTx, event: NotificationEvent, options: EnqueueOptions = {}): Promise<EnqueueResult> {
  if (event.type === 'STEP_STATUS_CHANGED' && event.from === event.to) return { enqueued: false, reason: 'NO_CHANGE' };
  if (!(await settingOrDefault(tx, 'email.enabled', false))) return { enqueued: false, reason: 'EMAIL_DISABLED' };

  const context = await contextOf(tx, event);
  const [switchRow] = await tx
    .select({ enabled: migrationNotificationSettings.emailEnabled })
    .from(migrationNotificationSettings)
    .where(eq(migrationNotificationSettings.migrationId, context.migrationId));
  if (switchRow && !switchRow.enabled) return { enqueued: false, reason: 'MIGRATION_SWITCHED_OFF' };

  const [template] = await tx
    .select({ id: emailTemplates.id, subject: emailTemplates.subject, bodyHtml: emailTemplates.bodyHtml, bodyText: emailTemplates.bodyText })
    .from(emailTemplates)
    .where(and(eq(emailTemplates.name, templateNameOf(event)), eq(emailTemplates.isActive, true)));
  if (!template) return { enqueued: false, reason: 'TEMPLATE_INACTIVE' };

  const recipients = await recipientsOf(tx, context, event.actor);
  if (recipients.length === 0) return { enqueued: false, reason: 'NO_RECIPIENTS' };

  const base = await settingOrDefault(tx, 'confluence.pageBaseUrl', '');
  const values: TemplateValues = { ...context.values, ...(await actorValues(tx, event.actor)), pageUrl: pageUrlOf(base, context) };
  const email = renderTemplate(template, values);
  const keyPrefix = `${event.type}:${context.entityId}:${discriminatorOf(event)}:`;
  const [row] = await tx
    .insert(emailOutbox)
    .values({
      eventType: event.type,
      entityId: context.entityId,
      templateId: template.id,
      recipients,
      subject: email.subject,
      bodyHtml: email.html,
      bodyText: email.text,
      nextAttemptAt: options.now,
      dedupeKey: options.dedupeKey ?? sql`${keyPrefix} || txid_current()::text`,
      createdBy: event.actor.code,
      updatedBy: event.actor.code,
    })
    .onConflictDoNothing({ target: emailOutbox.dedupeKey })
    .returning({ id: emailOutbox.id });
  if (!row) return { enqueued: false, reason: 'DUPLICATE' };
  return { enqueued: true, outboxId: row.id, recipients };
}
