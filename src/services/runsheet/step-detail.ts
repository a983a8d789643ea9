/**
 * steps/get: everything the step view shows about one step, in two statements: the step row
 * (the runsheet's own statement, narrowed to the step) and one statement of JSON lists
 * (instructions, comments, controls, environments, applications, history, lookups).
 */

import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../db/query';
import { canEditComment, canExecuteStep, canValidateControl, canWriteComment } from '../../domain/access/permissions';
import { controlStatusFromId, stepStatusFromId } from '../../domain/statuses';
import { phaseBlockers } from '../../domain/execution/controls';
import { allowedTransitions } from '../../domain/execution/step-transitions';
import { domainError } from '../../domain/errors';
import type { ServiceContext } from '../context';
import { statusInfo } from './containers';
import { dateOf, isoOf, type StepDetailRow, stepRowsQuery, toRunsheetStep } from './step-rows';
import type {
  ApplicationView,
  CommentView,
  ControlSlot,
  ControlVerdict,
  ControlView,
  EnvironmentRoleRef,
  EnvironmentView,
  HistoryEntry,
  InstructionView,
  LabelRef,
  StatusInfo,
  StepDetail,
  StepTypeRef,
  TeamRef,
  UserRef,
} from './types';

export const getStepInput = z.strictObject({ stepId: z.uuid() });
export type GetStepInput = z.output<typeof getStepInput>;

/** Most recent audit entries shown in the step's history. */
export const HISTORY_LIMIT = 100;

/**
 * The audit entity types the execution services write for steps and instructions. Naming them
 * lets the history use idx_aud_entity (entity type, entity id, timestamp) instead of a scan.
 */
export const STEP_AUDIT_ENTITY = 'step_instance';
export const INSTRUCTION_AUDIT_ENTITY = 'instruction_instance';

/** JSON of a users_usr row as a UserRef, for use inside the statements below. */
export function userRefJson(alias: string) {
  return sql.raw(
    `CASE WHEN ${alias}.usr_id IS NULL THEN NULL ELSE json_build_object('id', ${alias}.usr_id, 'code', ${alias}.usr_code, 'name', ${alias}.usr_first_name || ' ' || ${alias}.usr_last_name) END`,
  );
}

/**
 * JSON of a controls_instance_cti row `c` for ControlView: validators `itv`/`bzv` and verdict
 * authors `itb`/`bzb`, all joined by CONTROL_USER_JOINS.
 */
export const CONTROL_JSON = sql`json_build_object(
  'id', c.cti_id, 'code', c.cti_code, 'name', c.cti_name, 'description', c.cti_description, 'type', c.cti_type,
  'order', c.cti_order, 'critical', coalesce(c.cti_is_critical, false), 'statusId', c.cti_status,
  'itValidator', ${userRefJson('itv')}, 'bizValidator', ${userRefJson('bzv')}, 'updatedAt', c.updated_at,
  'it', json_build_object('verdict', c.cti_it_verdict, 'by', ${userRefJson('itb')}, 'at', c.cti_it_verdict_at, 'comment', c.cti_it_comment,
    'override', c.cti_it_override_reason),
  'biz', json_build_object('verdict', c.cti_biz_verdict, 'by', ${userRefJson('bzb')}, 'at', c.cti_biz_verdict_at, 'comment', c.cti_biz_comment,
    'override', c.cti_biz_override_reason))`;

/** The users CONTROL_JSON names, joined to `controls_instance_cti c`. */
export const CONTROL_USER_JOINS = sql`LEFT JOIN users_usr itv ON itv.usr_id = c.usr_id_it_validator
  LEFT JOIN users_usr bzv ON bzv.usr_id = c.usr_id_biz_validator
  LEFT JOIN users_usr itb ON itb.usr_id = c.cti_it_verdict_by
  LEFT JOIN users_usr bzb ON bzb.usr_id = c.cti_biz_verdict_by`;

interface ControlSlotJson {
  verdict: ControlVerdict | null;
  by: UserRef | null;
  at: string | null;
  comment: string | null;
  override: string | null;
}

export interface ControlJson {
  id: string;
  code: string | null;
  name: string | null;
  description: string | null;
  type: string | null;
  order: number | null;
  critical: boolean;
  statusId: number;
  itValidator: UserRef | null;
  bizValidator: UserRef | null;
  updatedAt: string | null;
  it: ControlSlotJson;
  biz: ControlSlotJson;
}

function toControlSlot(slot: ControlSlotJson): ControlSlot {
  return { verdict: slot.verdict, by: slot.by, at: isoOf(slot.at), comment: slot.comment, override: slot.override };
}

export function toControlView(control: ControlJson, statuses: ReadonlyMap<number, StatusInfo>, ctx: ServiceContext): ControlView {
  return {
    id: control.id,
    code: control.code,
    name: control.name,
    description: control.description,
    type: control.type,
    order: control.order,
    critical: control.critical,
    status: statusInfo(statuses, control.statusId),
    itValidator: control.itValidator,
    bizValidator: control.bizValidator,
    updatedAt: isoOf(control.updatedAt),
    it: toControlSlot(control.it),
    biz: toControlSlot(control.biz),
    mySlots: canValidateControl(ctx.actor, {
      itValidatorId: control.itValidator?.id ?? null,
      bizValidatorId: control.bizValidator?.id ?? null,
    }),
  };
}

interface PartsRow {
  as_of: Date | string;
  statuses: StatusInfo[];
  step_type: StepTypeRef | null;
  owner_team: TeamRef | null;
  impacted_teams: TeamRef[] | null;
  labels: LabelRef[] | null;
  environment_role: EnvironmentRoleRef | null;
  instructions: Array<Omit<InstructionView, 'completedAt'> & { completedAt: string | null }> | null;
  comments: Array<Omit<CommentView, 'canEdit'>> | null;
  controls: ControlJson[] | null;
  /** The phases of the step's sequence with their gates: [id, order, predecessor, [[code, critical, status]]]. */
  sequence_phases: Array<[string, number | null, string | null, Array<[string | null, boolean, number]> | null]> | null;
  environments: EnvironmentView[] | null;
  applications: ApplicationView[] | null;
  history: HistoryEntry[] | null;
}

export async function getStepDetail(ctx: ServiceContext, input: GetStepInput): Promise<StepDetail> {
  return ctx.db.transaction(
    async (tx) => {
      const [row] = await queryRows<StepDetailRow>(tx, stepRowsQuery({ stepId: input.stepId }, { detail: true }));
      if (!row) throw domainError('NOT_FOUND', 'That step does not exist.');
      const [parts] = await queryRows<PartsRow>(
        tx,
        sql`SELECT now() AS as_of,
          (SELECT json_agg(json_build_object('id', s.sts_id, 'name', s.sts_name, 'color', s.sts_color)) FROM status_sts s) AS statuses,
          (SELECT json_build_object('code', t.stt_code, 'name', t.stt_name) FROM step_types_stt t WHERE t.stt_code = ${row.type_code}) AS step_type,
          (SELECT json_build_object('id', t.tms_id, 'name', t.tms_name) FROM teams_tms t WHERE t.tms_id = ${row.owner_team_id}) AS owner_team,
          (SELECT json_agg(json_build_object('id', t.tms_id, 'name', t.tms_name) ORDER BY t.tms_name, t.tms_id)
             FROM steps_instance_sti st JOIN steps_master_stm_x_teams_tms_impacted x ON x.stm_id = st.stm_id
             JOIN teams_tms t ON t.tms_id = x.tms_id WHERE st.sti_id = ${row.id}) AS impacted_teams,
          (SELECT json_agg(json_build_object('id', l.lbl_id, 'name', l.lbl_name, 'color', l.lbl_color) ORDER BY l.lbl_name, l.lbl_id)
             FROM steps_instance_sti st JOIN labels_lbl_x_steps_master_stm x ON x.stm_id = st.stm_id
             JOIN labels_lbl l ON l.lbl_id = x.lbl_id
             JOIN iterations_ite ite ON ite.ite_id = ${row.iteration_id} AND ite.mig_id = l.mig_id
            WHERE st.sti_id = ${row.id}) AS labels,
          (SELECT json_build_object('id', r.enr_id, 'name', r.enr_name) FROM environment_roles_enr r WHERE r.enr_id = ${row.env_role_id}) AS environment_role,
          (SELECT json_agg(json_build_object('id', i.ini_id, 'order', i.ini_order, 'body', i.ini_body, 'durationMinutes', i.ini_duration_minutes,
                    'completed', coalesce(i.ini_is_completed, false), 'completedBy', ${userRefJson('u')}, 'completedAt', i.ini_completed_at,
                    'teamId', im.tms_id) ORDER BY i.ini_order, i.ini_id)
             FROM instructions_instance_ini i
             LEFT JOIN instructions_master_inm im ON im.inm_id = i.inm_id
             LEFT JOIN users_usr u ON u.usr_id = i.usr_id_completed_by
            WHERE i.sti_id = ${row.id}) AS instructions,
          (SELECT json_agg(json_build_object('id', c.sic_id, 'body', c.comment_body, 'author', ${userRefJson('u')},
                    'createdAt', c.created_at, 'updatedAt', c.updated_at) ORDER BY c.created_at, c.sic_id)
             FROM step_instance_comments_sic c LEFT JOIN users_usr u ON u.usr_id = c.created_by
            WHERE c.sti_id = ${row.id}) AS comments,
          (SELECT json_agg(${CONTROL_JSON} ORDER BY c.cti_order, c.cti_code, c.cti_id)
             FROM controls_instance_cti c
             ${CONTROL_USER_JOINS}
            WHERE c.phi_id = ${row.phase_id}) AS controls,
          (SELECT json_agg(json_build_array(ph.phi_id, ph.phi_order, ph.predecessor_phi_id,
                    (SELECT json_agg(json_build_array(coalesce(c.cti_code, c.cti_name), coalesce(c.cti_is_critical, false), c.cti_status))
                       FROM controls_instance_cti c WHERE c.phi_id = ph.phi_id)))
             FROM phases_instance_phi ph WHERE ph.sqi_id = ${row.sequence_id}) AS sequence_phases,
          (SELECT json_agg(json_build_object('id', e.env_id, 'code', e.env_code, 'name', e.env_name,
                    'role', CASE WHEN r.enr_id IS NULL THEN NULL ELSE json_build_object('id', r.enr_id, 'name', r.enr_name) END)
                    ORDER BY r.enr_id NULLS LAST, e.env_code, e.env_id)
             FROM environments_env_x_iterations_ite ei
             JOIN environments_env e ON e.env_id = ei.env_id
             LEFT JOIN environment_roles_enr r ON r.enr_id = ei.enr_id
            WHERE ei.ite_id = ${row.iteration_id}) AS environments,
          (SELECT json_agg(json_build_object('id', a.app_id, 'code', a.app_code, 'name', a.app_name,
                    'environment', json_build_object('id', e.env_id, 'code', e.env_code, 'name', e.env_name))
                    ORDER BY a.app_code, e.env_code, e.env_id)
             FROM environments_env_x_iterations_ite ei
             JOIN environments_env e ON e.env_id = ei.env_id
             JOIN environments_env_x_applications_app ea ON ea.env_id = ei.env_id
             JOIN applications_app a ON a.app_id = ea.app_id
            WHERE ei.ite_id = ${row.iteration_id} AND ei.enr_id = ${row.env_role_id}) AS applications,
          (SELECT json_agg(h ORDER BY h."at" DESC, h.id) FROM (
             SELECT a.aud_id AS id, a.aud_action AS action, a.aud_entity_type AS "entityType", a.aud_entity_id AS "entityId",
                    coalesce(u.usr_code, a.aud_details->>'by') AS by, a.aud_timestamp AS "at", a.aud_details AS details
               FROM audit_log_aud a LEFT JOIN users_usr u ON u.usr_id = a.usr_id
              WHERE a.aud_entity_type IN (${STEP_AUDIT_ENTITY}, ${INSTRUCTION_AUDIT_ENTITY})
                AND a.aud_entity_id IN (SELECT ${row.id}::text UNION ALL SELECT i.ini_id::text FROM instructions_instance_ini i WHERE i.sti_id = ${row.id})
              ORDER BY a.aud_timestamp DESC, a.aud_id
              LIMIT ${HISTORY_LIMIT}) h) AS history`,
      );
      const p = parts!;
      const statuses = new Map(p.statuses.map((status) => [status.id, status]));
      const base = toRunsheetStep(row);
      const impactedTeams = p.impacted_teams ?? [];
      const stepTeams = { ownerTeamId: row.owner_team_id, impactedTeamIds: impactedTeams.map((team) => team.id) };
      const canExecute = canExecuteStep(ctx.actor, stepTeams);
      const stepStatus = stepStatusFromId(row.status_id);

      const blockers = phaseBlockers(
        (p.sequence_phases ?? []).map(([id, order, predecessorId, controls]) => ({
          id,
          order: order ?? 0,
          predecessorId,
          controls: (controls ?? []).map(([code, critical, statusId]) => ({
            code: code ?? '?',
            critical,
            status: controlStatusFromId(statusId) ?? 'TODO',
          })),
        })),
      );
      const blockedBy = blockers.get(row.phase_id) ?? [];

      return {
        asOf: dateOf(p.as_of)!.toISOString(),
        step: {
          id: base.id,
          code: base.code,
          name: base.name,
          description: row.description,
          type: p.step_type,
          ownerTeam: p.owner_team,
          impactedTeams,
          status: statusInfo(statuses, row.status_id),
          durationMinutes: base.durationMinutes,
          startTime: base.startTime,
          endTime: base.endTime,
          predecessorId: base.predecessorId,
          predecessorCode: base.predecessorCode,
          statusReason: row.status_reason,
          instructions: base.instructions,
          labels: p.labels ?? [],
          environmentRole: p.environment_role,
          updatedAt: base.updatedAt,
        },
        iteration: { id: row.iteration_id, name: row.iteration_name },
        planInstance: { id: row.plan_id, name: row.plan_name },
        sequence: { id: row.sequence_id, name: row.sequence_name, order: row.sequence_order },
        phase: {
          id: row.phase_id,
          name: row.phase_name,
          order: row.phase_order,
          status: statusInfo(statuses, row.phase_status_id),
          blocked: blockedBy.length > 0,
          blockedBy,
        },
        permissions: {
          canExecute,
          allowedTransitions: canExecute && stepStatus ? allowedTransitions(stepStatus, ctx.actor) : [],
          canComment: canWriteComment(ctx.actor),
        },
        instructions: (p.instructions ?? []).map((instruction) => ({ ...instruction, completedAt: isoOf(instruction.completedAt) })),
        comments: (p.comments ?? []).map((comment) => ({
          ...comment,
          createdAt: isoOf(comment.createdAt),
          updatedAt: isoOf(comment.updatedAt),
          canEdit: canEditComment(ctx.actor, comment.author?.id ?? null),
        })),
        controls: (p.controls ?? []).map((control) => toControlView(control, statuses, ctx)),
        environments: p.environments ?? [],
        applications: p.applications ?? [],
        history: (p.history ?? []).map((entry) => ({ ...entry, at: isoOf(entry.at) })),
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
