/**
 * "Create missing" (docs/import-format.md): an import may create the sequences, phases, teams and
 * step types its files name but the site lacks. What would be created is worked out at validation
 * (listed in the batch view, nothing written), created for real as the promotion's first writes
 * (logged in the undo log like every other row), and removed again by a rollback.
 */
import {
  createdRowHiddenUse,
  createdRowName,
  existingTeamNames,
  existingStepTypes,
  insertLoggedPhase,
  insertLoggedPlan,
  insertLoggedSequence,
  insertLoggedStepType,
  insertLoggedTeam,
  lockReferenceCreation,
  planNamed,
  planStructure,
  teamIdNamed,
  wantedReferences,
} from '../../db/repositories/imports';
import type { DbOrTx } from '../../db/client';
import { type DomainError, domainError } from '../../domain/errors';
import { tableLabel } from '../admin/table-labels';
import { findPgError } from '../db-errors';
import { CONTAINER_STATUS_ID } from '../../domain/statuses';
import type { NewPlan } from './configuration';
import { createLabels } from './labels';
import type { DeclaredPhase, SourceStep } from './types';

/** teams_tms.tms_name is varchar(64): a longer name cannot be created and stays unknown. */
export const MAX_CREATED_TEAM_NAME = 64;

export interface PlannedCreations {
  /** The new master plan the upload names (its owner team is in `teams` when it is created too). */
  plan?: { name: string; ownerTeam: string };
  /** In the order they will be created; `order` is the sqm_order / phm_order they get. */
  sequences: Array<{ name: string; order: number }>;
  /** `sequenceOrder`: the order of the phase's sequence (existing or created), for sorting. */
  phases: Array<{ sequence: string; name: string; order: number; sequenceOrder: number }>;
  teams: string[];
  stepTypes: string[];
  /** Labels the steps name that the label migration lacks; present only when the files name labels. */
  labels?: string[];
}

export const NOTHING_TO_CREATE: PlannedCreations = { sequences: [], phases: [], teams: [], stepTypes: [] };

export function countCreations(creations: PlannedCreations): number {
  return (creations.plan ? 1 : 0) + creations.sequences.length + creations.phases.length + creations.teams.length + creations.stepTypes.length + (creations.labels?.length ?? 0);
}

const key = (name: string) => name.trim().toLowerCase().replace(/\s+/g, ' ');

/** "Sequence / Phase" -> both names; a bare phase name -> null (it says nothing about its sequence). */
export function splitPhaseReference(reference: string | null): { sequence: string; phase: string } | null {
  if (!reference) return null;
  const slash = reference.indexOf('/');
  if (slash < 0) return null;
  const sequence = reference.slice(0, slash).trim();
  const phase = reference.slice(slash + 1).trim();
  return sequence && phase ? { sequence, phase } : null;
}

/**
 * The sequences and phases the files name: the JSON `sequences` list first (its order), then every
 * "Sequence / Phase" a step names (CSV `sequence_order` / `phase_order` give their order).
 */
export function declaredStructure(steps: readonly SourceStep[], declared: readonly DeclaredPhase[] = []): DeclaredPhase[] {
  const out: DeclaredPhase[] = [];
  const seen = new Set<string>();
  const add = (entry: DeclaredPhase) => {
    const id = `${key(entry.sequence)}\u0000${key(entry.phase)}`;
    if (seen.has(id)) return;
    seen.add(id);
    out.push(entry);
  };
  declared.forEach(add);
  for (const step of steps) {
    const split = splitPhaseReference(step.phase);
    if (split) add({ ...split, sequenceOrder: step.sequenceOrder ?? null, phaseOrder: step.phaseOrder ?? null });
  }
  return out;
}

interface ExistingStructure {
  sequences: Array<{ id: string; name: string | null; order: number | null }>;
  phases: Array<{ sequenceId: string; name: string | null; order: number | null }>;
}

/**
 * Pure: which declared sequences and phases the plan lacks, and the order each gets: the order
 * the file gives, else after the last one of its level (existing or created before it).
 */
export function missingStructure(existing: ExistingStructure, declared: readonly DeclaredPhase[]): Pick<PlannedCreations, 'sequences' | 'phases'> {
  const sequenceOrders = new Map<string, number>();
  const existingSequenceIds = new Map<string, string>();
  for (const sequence of existing.sequences) {
    if (sequence.name !== null && !existingSequenceIds.has(key(sequence.name))) existingSequenceIds.set(key(sequence.name), sequence.id);
  }
  const phaseKeys = new Set<string>();
  const lastPhaseOrder = new Map<string, number>();
  for (const phase of existing.phases) {
    const sequence = existing.sequences.find((s) => s.id === phase.sequenceId);
    if (!sequence?.name) continue;
    if (phase.name !== null) phaseKeys.add(`${key(sequence.name)}\u0000${key(phase.name)}`);
    lastPhaseOrder.set(key(sequence.name), Math.max(lastPhaseOrder.get(key(sequence.name)) ?? 0, phase.order ?? 0));
  }
  let lastSequenceOrder = Math.max(0, ...existing.sequences.map((s) => s.order ?? 0));
  const takenSequenceOrders = new Set(existing.sequences.map((s) => s.order));
  const takenPhaseOrders = new Set(
    existing.phases.map((phase) => `${key(existing.sequences.find((s) => s.id === phase.sequenceId)?.name ?? '')}\u0000${phase.order}`),
  );
  const sequences: PlannedCreations['sequences'] = [];
  const phases: PlannedCreations['phases'] = [];
  for (const entry of declared) {
    const sequenceKey = key(entry.sequence);
    if (!existingSequenceIds.has(sequenceKey) && !sequenceOrders.has(sequenceKey)) {
      // The file's order when no other sequence of the plan holds it, else after the last one.
      const wanted = entry.sequenceOrder;
      const order = wanted !== null && !takenSequenceOrders.has(wanted) ? wanted : lastSequenceOrder + 1;
      takenSequenceOrders.add(order);
      lastSequenceOrder = Math.max(lastSequenceOrder, order);
      sequenceOrders.set(sequenceKey, order);
      sequences.push({ name: entry.sequence, order });
    }
    const phaseKey = `${sequenceKey}\u0000${key(entry.phase)}`;
    if (phaseKeys.has(phaseKey)) continue;
    phaseKeys.add(phaseKey);
    const wanted = entry.phaseOrder;
    const order =
      wanted !== null && !takenPhaseOrders.has(`${sequenceKey}\u0000${wanted}`) ? wanted : (lastPhaseOrder.get(sequenceKey) ?? 0) + 1;
    takenPhaseOrders.add(`${sequenceKey}\u0000${order}`);
    lastPhaseOrder.set(sequenceKey, Math.max(lastPhaseOrder.get(sequenceKey) ?? 0, order));
    const created = sequences.find((s) => key(s.name) === sequenceKey);
    const found = existing.sequences.find((s) => s.name !== null && key(s.name) === sequenceKey);
    phases.push({
      sequence: created?.name ?? found?.name ?? entry.sequence,
      name: entry.phase,
      order,
      sequenceOrder: created?.order ?? found?.order ?? 0,
    });
  }
  return { sequences, phases };
}

/** What promoting the batch would create, against the plan and the reference data as they are now. */
export async function planCreations(
  tx: DbOrTx,
  batchId: string,
  planId: string,
  declared: readonly DeclaredPhase[],
  newPlan?: NewPlan,
): Promise<PlannedCreations> {
  const structure = missingStructure(await planStructure(tx, planId), declared);
  const wanted = await wantedReferences(tx, batchId);
  // The new plan's owner team comes first: it is created before the plan.
  if (newPlan && !wanted.teams.some((team) => key(team) === key(newPlan.ownerTeam))) wanted.teams.unshift(newPlan.ownerTeam);
  const knownTeams = new Set((await existingTeamNames(tx, wanted.teams)).map(key));
  const teams: string[] = [];
  for (const name of wanted.teams) {
    if (knownTeams.has(key(name)) || name.length > MAX_CREATED_TEAM_NAME) continue;
    knownTeams.add(key(name));
    teams.push(name);
  }
  const knownTypes = new Set(await existingStepTypes(tx, wanted.stepTypes));
  const stepTypes = wanted.stepTypes.filter((code) => !knownTypes.has(code));
  return { ...(newPlan ? { plan: { name: newPlan.name, ownerTeam: newPlan.ownerTeam } } : {}), ...structure, teams, stepTypes };
}

/**
 * Creates what `planCreations` listed, each row logged as INSERTED in the batch's undo log first
 * (sequences before their phases, so a rollback removes phases first). Defaults for the columns a
 * file cannot give: a step type is named by its code; descriptions say which import made the row.
 */
export async function createPlanned(
  tx: DbOrTx,
  batchId: string,
  planId: string,
  by: string,
  creations: PlannedCreations,
  extra: { newPlan?: NewPlan; labelMigrationId?: string; userId?: number } = {},
): Promise<void> {
  const newPlan = extra.newPlan;
  const note = `Created by import ${batchId}.`;
  // Another plan's import may have created a team or step type since this one was checked: under
  // the lock, only what is still missing is created (the steps then resolve to the existing row).
  await lockReferenceCreation(tx);
  const typesNow = new Set(await existingStepTypes(tx, creations.stepTypes));
  const teamsNow = new Set((await existingTeamNames(tx, creations.teams)).map(key));
  for (const code of creations.stepTypes.filter((type) => !typesNow.has(type))) {
    await insertLoggedStepType(tx, batchId, by, { code, name: code, description: note });
  }
  for (const name of creations.teams.filter((team) => !teamsNow.has(key(team)))) await insertLoggedTeam(tx, batchId, by, { name, description: note });
  if (creations.plan && newPlan) {
    // Another plan may have taken the name since the check (plan names are not unique in the schema).
    const taken = await planNamed(tx, newPlan.name);
    if (taken) throw planNameTaken(taken.name);
    const teamId = await teamIdNamed(tx, newPlan.ownerTeam);
    if (teamId === null) throw domainError('VALIDATION', `Team "${newPlan.ownerTeam}" (the new plan's owner) does not exist; tick "Create what is missing" to create it.`);
    await insertLoggedPlan(tx, batchId, by, {
      id: planId,
      name: newPlan.name,
      description: newPlan.description,
      teamId,
      statusId: CONTAINER_STATUS_ID.Plan.PLANNING,
    });
  }
  if (creations.labels && creations.labels.length > 0) {
    if (!extra.labelMigrationId || extra.userId === undefined) throw new Error('Labels to create need the label migration and the user');
    await createLabels(tx, batchId, by, extra.userId, extra.labelMigrationId, creations.labels);
  }
  const sequenceIds = new Map<string, string>();
  for (const sequence of creations.sequences) {
    sequenceIds.set(key(sequence.name), await insertLoggedSequence(tx, batchId, by, { planId, name: sequence.name, order: sequence.order }));
  }
  if (creations.phases.length === 0) return;
  const existing = await planStructure(tx, planId);
  for (const phase of creations.phases) {
    const sequenceId =
      sequenceIds.get(key(phase.sequence)) ?? existing.sequences.find((s) => s.name !== null && key(s.name) === key(phase.sequence))?.id;
    if (!sequenceId) throw new Error(`Sequence ${phase.sequence} of a phase to create was not found`);
    await insertLoggedPhase(tx, batchId, by, { sequenceId, name: phase.name, order: phase.order });
  }
}

export function planNameTaken(name: string): DomainError {
  return domainError('CONFLICT', `A master plan called "${name}" already exists; choose another name for the new plan, or import into that plan.`);
}

/**
 * A rollback that would delete a row still used elsewhere (a team the import created that
 * someone joined since, a created phase that got a control…) fails on the foreign key: this
 * names the row and its new use. Null for any other error.
 */
export async function explainInUse(tx: DbOrTx, error: unknown): Promise<DomainError | null> {
  const pg = findPgError(error);
  if (pg?.code !== '23503' || !/still referenced/.test(pg.detail ?? '')) return null;
  const tables = /on table "([^"]+)" violates foreign key constraint "[^"]+" on table "([^"]+)"/.exec(pg.message ?? '');
  const keyValue = /Key \([^)]+\)=\(([^)]*)\)/.exec(pg.detail ?? '')?.[1];
  const referencing = tables?.[2] ?? /from table "([^"]+)"/.exec(pg.detail ?? '')?.[1];
  const what = tables && keyValue !== undefined ? await createdRowName(tx, tables[1]!, keyValue) : null;
  return inUseError(what, referencing ?? null);
}

/**
 * Checked before a rollback: a created team, sequence or phase whose new use a cascade would
 * delete without a word (a membership, another step's impacted team, a back-out marker).
 */
export async function refuseHiddenUse(tx: DbOrTx, batchId: string): Promise<void> {
  const use = await createdRowHiddenUse(tx, batchId);
  if (use) throw inUseError(await createdRowName(tx, use.table, use.keyValue), use.usedBy);
}

function inUseError(what: string | null, referencing: string | null): DomainError {
  const usedBy = referencing ? `a ${tableLabel(referencing).singular}` : 'another record';
  return domainError(
    'CONFLICT',
    what
      ? `This import created ${what}, which is now used by ${usedBy} made since; a rollback would have to remove it. Remove that use first, or keep the import. Nothing was rolled back.`
      : `Something this import wrote is now used by ${usedBy} made since, so it cannot be removed. Remove that use first, or keep the import. Nothing was rolled back.`,
  );
}
