/**
 * Shared by the import-* and export-* tests: a resolver handler with the import operations, a
 * small empty plan to import into, full dumps of the master tables, and a loop that drives a
 * batch through its chunks.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { queryRows } from '../../src/db/query';
import { masterPhases, masterPlans, masterSequences } from '../../src/db/schema';
import { CONTAINER_STATUS_ID } from '../../src/domain/statuses';
import { createResolverHandler } from '../../src/resolvers/handler';
import { importOperations } from '../../src/resolvers/imports';
import type { DefinitionsOf, Envelope } from '../../src/resolvers/operation';

type ImportDefinitions = DefinitionsOf<typeof importOperations>;
export type ImportKey = keyof ImportDefinitions;
export type ImportResult<K extends ImportKey> = ReturnType<ImportDefinitions[K]>;
export type ImportPayload<K extends ImportKey> = Parameters<ImportDefinitions[K]>[0];

export function makeImportCaller(db: Db, now?: () => Date) {
  const handler = createResolverHandler(importOperations, { databaseFor: () => db, ...(now ? { now } : {}) });
  const callRaw = async (accountId: string | undefined, functionKey: string, payload: unknown): Promise<Envelope<unknown>> =>
    (await handler(
      { call: { functionKey, payload }, context: { extension: { type: 'admin' } } },
      { principal: accountId ? { accountId } : undefined, installContext: 'ari:cloud:confluence::site/test-site' },
    )) as Envelope<unknown>;
  const call = <K extends ImportKey>(accountId: string | undefined, functionKey: K, payload: ImportPayload<K>) =>
    callRaw(accountId, functionKey, payload) as Promise<ImportResult<K>>;
  return { call, callRaw };
}

export type ImportCaller = ReturnType<typeof makeImportCaller>;

export interface PlanSpec {
  name: string;
  sequences: Array<{ name: string; phases: string[] }>;
}

/** The structure docs/examples/* import into. */
export const EXAMPLE_PLAN: PlanSpec = {
  name: 'Core banking cutover',
  sequences: [{ name: 'Cutover weekend', phases: ['Freeze', 'Data migration'] }],
};

/** A master plan with sequences and phases but no step, owned by `teamId`. */
export async function createEmptyPlan(db: Db, teamId: number, spec: PlanSpec): Promise<{ planId: string; phaseIds: Record<string, string> }> {
  const [plan] = await db
    .insert(masterPlans)
    .values({ teamId, name: spec.name, statusId: CONTAINER_STATUS_ID.Plan.PLANNING })
    .returning({ id: masterPlans.id });
  const phaseIds: Record<string, string> = {};
  for (const [s, sequenceSpec] of spec.sequences.entries()) {
    const [sequence] = await db
      .insert(masterSequences)
      .values({ planId: plan!.id, order: s + 1, name: sequenceSpec.name })
      .returning({ id: masterSequences.id });
    for (const [p, phaseName] of sequenceSpec.phases.entries()) {
      const [phase] = await db
        .insert(masterPhases)
        .values({ sequenceId: sequence!.id, order: p + 1, name: phaseName })
        .returning({ id: masterPhases.id });
      phaseIds[`${sequenceSpec.name} / ${phaseName}`] = phase!.id;
      phaseIds[phaseName] ??= phase!.id;
    }
  }
  return { planId: plan!.id, phaseIds };
}

export const MASTER_TABLES = [
  'plans_master_plm',
  'sequences_master_sqm',
  'phases_master_phm',
  'steps_master_stm',
  'instructions_master_inm',
  'controls_master_ctm',
  'steps_master_stm_x_iteration_types_itt',
  'steps_master_stm_x_teams_tms_impacted',
] as const;

/** Every row of every master table as JSON text (timestamps to the microsecond), sorted. */
export async function dumpMaster(db: Db): Promise<Record<string, string[]>> {
  const dump: Record<string, string[]> = {};
  for (const table of MASTER_TABLES) {
    const rows = await queryRows<{ row: string }>(db, sql`SELECT to_jsonb(t)::text AS row FROM ${sql.raw(table)} t ORDER BY 1`);
    dump[table] = rows.map((r) => r.row);
  }
  return dump;
}

export function expectData<T>(envelope: Envelope<T>): T {
  if (!envelope.ok) throw new Error(`expected ok, got ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.data;
}

export function errorOf(envelope: Envelope<unknown>): { code: string; message: string; details?: unknown } {
  if (envelope.ok) throw new Error('expected an error, got ok');
  return envelope.error;
}

/** Calls imports/continue until the batch needs nothing more (at most `max` calls). */
export async function driveBatch(caller: ImportCaller, accountId: string, batchId: string, max = 200) {
  let view = expectData(await caller.call(accountId, 'imports/get', { batchId }));
  for (let calls = 0; view.next === 'continue' && calls < max; calls++) {
    view = expectData(await caller.call(accountId, 'imports/continue', { batchId }));
  }
  return view;
}

/** Uploads, drives validation, promotes and drives promotion; fails the test on any problem. */
export async function importAndPromote(
  caller: ImportCaller,
  accountId: string,
  payload: ImportPayload<'imports/upload'>,
) {
  const uploaded = expectData(await caller.call(accountId, 'imports/upload', payload));
  const validated = await driveBatch(caller, accountId, uploaded.batchId);
  if (validated.status !== 'VALIDATED') {
    throw new Error(`import did not validate: ${validated.status} ${JSON.stringify(validated.report, null, 1)}`);
  }
  expectData(await caller.call(accountId, 'imports/promote', { batchId: uploaded.batchId }));
  const promoted = await driveBatch(caller, accountId, uploaded.batchId);
  if (promoted.status !== 'PROMOTED') throw new Error(`import did not promote: ${promoted.status}`);
  return promoted;
}

/** The master steps of a plan in a comparable shape (no ids or audit columns). */
export async function planContent(db: Db, planId: string) {
  return queryRows<Record<string, unknown>>(
    db,
    sql`SELECT sqm.sqm_name AS sequence, phm.phm_name AS phase, m.stt_code, m.stm_number, m.stm_code, m.stm_name, m.stm_description,
               m.stm_duration_minutes, owner.tms_name AS owner, enr.enr_name AS enr, target.enr_name AS enr_target,
               pred.stt_code || '-' || pred.stm_number || ' in ' || pp.phm_name AS predecessor,
               (SELECT coalesce(jsonb_agg(t.tms_name ORDER BY t.tms_name), '[]') FROM steps_master_stm_x_teams_tms_impacted x
                  JOIN teams_tms t ON t.tms_id = x.tms_id WHERE x.stm_id = m.stm_id) AS impacted,
               (SELECT coalesce(jsonb_agg(x.itt_code ORDER BY x.itt_code), '[]') FROM steps_master_stm_x_iteration_types_itt x WHERE x.stm_id = m.stm_id) AS types,
               (SELECT coalesce(jsonb_agg(jsonb_build_object('order', i.inm_order, 'body', i.inm_body, 'minutes', i.inm_duration_minutes, 'team', t.tms_name)
                                 ORDER BY i.inm_order), '[]')
                  FROM instructions_master_inm i LEFT JOIN teams_tms t ON t.tms_id = i.tms_id WHERE i.stm_id = m.stm_id) AS instructions
          FROM steps_master_stm m
          JOIN phases_master_phm phm ON phm.phm_id = m.phm_id
          JOIN sequences_master_sqm sqm ON sqm.sqm_id = phm.sqm_id
          LEFT JOIN teams_tms owner ON owner.tms_id = m.tms_id_owner
          LEFT JOIN environment_roles_enr enr ON enr.enr_id = m.enr_id
          LEFT JOIN environment_roles_enr target ON target.enr_id = m.enr_id_target
          LEFT JOIN steps_master_stm pred ON pred.stm_id = m.stm_id_predecessor
          LEFT JOIN phases_master_phm pp ON pp.phm_id = pred.phm_id
         WHERE sqm.plm_id = ${planId}
         ORDER BY sqm.sqm_order, phm.phm_order, m.stm_number, m.stt_code`,
  );
}
