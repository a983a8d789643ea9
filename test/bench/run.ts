/**
 * `npm run bench`: the runsheet engine's speed on a 2,000-step plan (10 sequences x 8 phases x 25
 * steps, 5 instructions each, 2 controls per phase, 50 teams, 300 users), on PGlite and, when
 * DATABASE_URL is set, on a fresh PostgreSQL database made for the run and dropped after it.
 *
 * Every figure is measured through the resolver handler, as Forge calls it, except the bare SQL
 * baseline. The last line of output is one JSON object (PostgreSQL figures when DATABASE_URL is
 * set, else PGlite) for scripts to compare against the targets.
 */

import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../src/db/client';
import { migrate } from '../../src/db/migrator';
import { queryRows } from '../../src/db/query';
import { iterations } from '../../src/db/schema';
import { generateMasterPlan, type DemoPlan } from '../../src/local/demo-plan';
import { measureServiceOverhead, type ServiceOverhead } from '../../src/server/bench';
import { benchImportExport, type ImportExportBench } from './import-export';
import { benchSchedule } from './schedule';
import { benchRunsheet10k, type Runsheet10kBench } from './runsheet-10k';
import { benchRunsheetUi } from './ui';
import { createHandler, operations } from '../../src/resolvers';
import type { Envelope } from '../../src/resolvers/operation';
import { CHANGES_OVERLAP_MS } from '../../src/services/runsheet/runsheet';
import { stepRowsQuery } from '../../src/services/runsheet/step-rows';
import type { Runsheet } from '../../src/services/runsheet/types';
import { CONTAINER_STATUS_ID, STEP_STATUS_ID } from '../../src/domain/statuses';

const SIZE = { sequences: 10, phasesPerSequence: 8, stepsPerPhase: 25, instructionsPerStep: 5, controlsPerPhase: 2, teams: 50, users: 300, seed: 42 };
const INSTANTIATIONS = 5;
const REPETITIONS = 30;
const WARM_UP = 3;

interface Series {
  label: string;
  samples: number[];
}

interface DatabaseResult {
  title: string;
  generateMs: number;
  series: Record<string, Series>;
  runsheetBytes: number;
  filteredSteps: number;
  changedSteps: number;
  ratio: number;
  notes: string[];
  /** A small call through HTTP + token check versus the handler in-process (target < 5 ms). */
  service: ServiceOverhead;
  /** 2,000 steps and 10,000 instructions imported into a plan, then exported (target import < 5 s). */
  importExport: ImportExportBench;
  /** 1-minute load average before and after the run: timings mean little on a busy machine. */
  load: [number, number];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank 95th percentile (the maximum for fewer than 20 samples). */
function p95(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

function unwrap<T>(envelope: Envelope<T>, what: string): T {
  if (!envelope.ok) throw new Error(`${what} failed: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.data;
}

async function benchmark(database: Database, title: string): Promise<DatabaseResult> {
  const loadBefore = loadavg()[0]!;
  const db = database.db;
  const notes: string[] = [];
  const series: Record<string, Series> = {};
  const record = (key: string, label: string, ms: number) => {
    series[key] ??= { label, samples: [] };
    series[key].samples.push(ms);
  };

  const generated = await timed(() => generateMasterPlan(db, SIZE));
  const plan: DemoPlan = generated.value;
  const admin = plan.users.find((user) => user.role === 'ADMIN')!;
  const handler = createHandler({ databaseFor: () => db, logError: (error) => console.error(error) });
  const call = async <T>(functionKey: string, payload: unknown): Promise<Envelope<T>> =>
    (await handler(
      { call: { functionKey, payload }, context: { extension: { type: 'macro' } } },
      { principal: { accountId: admin.accountId }, installContext: 'ari:cloud:confluence::site/bench' } as never,
    )) as Envelope<T>;

  // Instantiation, each into a fresh production-cutover iteration (every step of the plan runs there).
  const freshIterations = await db
    .insert(iterations)
    .values(
      Array.from({ length: INSTANTIATIONS }, (_, index) => ({
        migrationId: plan.migrationId,
        masterPlanId: plan.masterPlanId,
        iterationTypeCode: 'CUTOVER',
        name: `Bench cutover ${index + 1}`,
        statusId: CONTAINER_STATUS_ID.Iteration.PLANNING,
      })),
    )
    .returning({ id: iterations.id });
  let stepCount = 0;
  for (const iteration of freshIterations) {
    const { ms, value } = await timed(() => call<{ counts: { steps: number } }>('planInstances/create', { iterationId: iteration.id, masterPlanId: plan.masterPlanId }));
    stepCount = unwrap(value, 'planInstances/create').counts.steps;
    record('instantiate', `instantiate (${stepCount} steps)`, ms);
  }
  const iterationId = freshIterations[0]!.id;

  // A runsheet in motion: some steps done, some running, some ready; statistics as in production.
  await db.execute(sql`
    WITH ordered AS (
      SELECT st.sti_id, row_number() OVER (ORDER BY sq.sqi_order, ph.phi_order, m.stm_number) AS n
        FROM steps_instance_sti st
        JOIN steps_master_stm m ON m.stm_id = st.stm_id
        JOIN phases_instance_phi ph ON ph.phi_id = st.phi_id
        JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id
        JOIN plans_instance_pli pl ON pl.pli_id = sq.pli_id
       WHERE pl.ite_id = ${iterationId})
    UPDATE steps_instance_sti st
       SET sti_status = CASE WHEN o.n <= 300 THEN ${STEP_STATUS_ID.COMPLETED}::int WHEN o.n <= 340 THEN ${STEP_STATUS_ID.IN_PROGRESS}::int ELSE ${STEP_STATUS_ID.TODO}::int END,
           sti_start_time = CASE WHEN o.n <= 340 THEN now() - interval '3 hours' + o.n * interval '30 seconds' END,
           sti_end_time = CASE WHEN o.n <= 300 THEN now() - interval '3 hours' + o.n * interval '30 seconds' + interval '20 minutes' END
      FROM ordered o
     WHERE st.sti_id = o.sti_id AND o.n <= 600`);
  await db.execute(sql`
    UPDATE instructions_instance_ini i SET ini_is_completed = true, ini_completed_at = now(), usr_id_completed_by = ${admin.id}
      FROM steps_instance_sti st WHERE st.sti_id = i.sti_id AND st.sti_status = ${STEP_STATUS_ID.COMPLETED}`);
  await db.execute(sql`ANALYZE`);
  const preparedAt = Date.now();

  // Full runsheet, interleaved with the bare step SQL it is built around.
  const bareQuery = stepRowsQuery({ iterationId });
  let runsheetBytes = 0;
  for (let i = 0; i < WARM_UP + REPETITIONS; i++) {
    const full = await timed(() => call<Runsheet>('runsheet/get', { iterationId }));
    const bare = await timed(() => queryRows(db, bareQuery));
    const data = unwrap(full.value, 'runsheet/get');
    if (i === 0) {
      runsheetBytes = Buffer.byteLength(JSON.stringify(full.value));
      const listed = data.planInstances.flatMap((p) => p.sequences.flatMap((s) => s.phases.flatMap((ph) => ph.steps))).length;
      if (listed !== stepCount || bare.value.length !== stepCount) throw new Error(`runsheet listed ${listed} steps, bare SQL ${bare.value.length}, expected ${stepCount}`);
    }
    if (i < WARM_UP) continue;
    record('runsheet_full', 'runsheet, full', full.ms);
    record('bare_sql', 'bare step SQL (same rows)', bare.ms);
  }

  // Filtered: one team's open work.
  const ownerCounts = await queryRows<{ team: number; n: number }>(
    db,
    sql`SELECT m.tms_id_owner AS team, count(*)::int AS n FROM steps_master_stm m JOIN steps_instance_sti st ON st.stm_id = m.stm_id
          JOIN phases_instance_phi ph ON ph.phi_id = st.phi_id JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id
          JOIN plans_instance_pli pl ON pl.pli_id = sq.pli_id WHERE pl.ite_id = ${iterationId}
         GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
  );
  const filter = { iterationId, teamId: ownerCounts[0]!.team, statuses: ['TODO', 'IN_PROGRESS'] as const };
  let filteredSteps = 0;
  for (let i = 0; i < WARM_UP + REPETITIONS; i++) {
    const { ms, value } = await timed(() => call<Runsheet>('runsheet/get', filter));
    const data = unwrap(value, 'runsheet/get (filtered)');
    filteredSteps = data.planInstances.flatMap((p) => p.sequences.flatMap((s) => s.phases.flatMap((ph) => ph.steps))).length;
    if (i >= WARM_UP) record('runsheet_filtered', 'runsheet, team + statuses', ms);
  }

  // Changes since a read: wait out the overlap window so only the changes below are "new".
  const settle = CHANGES_OVERLAP_MS + 500 - (Date.now() - preparedAt);
  if (settle > 0) await sleep(settle);
  const since = unwrap(await call<Runsheet>('runsheet/get', { iterationId }), 'runsheet/get').asOf;
  await db.execute(sql`
    UPDATE steps_instance_sti SET sti_status = ${STEP_STATUS_ID.IN_PROGRESS}, sti_start_time = now(), updated_at = now()
     WHERE sti_id IN (SELECT sti_id FROM steps_instance_sti st JOIN phases_instance_phi ph ON ph.phi_id = st.phi_id
                       JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id JOIN plans_instance_pli pl ON pl.pli_id = sq.pli_id
                      WHERE pl.ite_id = ${iterationId} AND st.sti_status = ${STEP_STATUS_ID.TODO} ORDER BY st.sti_id LIMIT 5)`);
  await db.execute(sql`
    UPDATE instructions_instance_ini SET ini_is_completed = true, ini_completed_at = now(), updated_at = now()
     WHERE ini_id IN (SELECT i.ini_id FROM instructions_instance_ini i JOIN steps_instance_sti st ON st.sti_id = i.sti_id
                       JOIN phases_instance_phi ph ON ph.phi_id = st.phi_id JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id
                       JOIN plans_instance_pli pl ON pl.pli_id = sq.pli_id
                      WHERE pl.ite_id = ${iterationId} AND st.sti_status = ${STEP_STATUS_ID.IN_PROGRESS} AND NOT i.ini_is_completed
                      ORDER BY i.ini_id LIMIT 3)`);
  await db.execute(sql`
    UPDATE controls_instance_cti SET cti_status = 29, updated_at = now()
     WHERE cti_id = (SELECT c.cti_id FROM controls_instance_cti c JOIN phases_instance_phi ph ON ph.phi_id = c.phi_id
                      JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id JOIN plans_instance_pli pl ON pl.pli_id = sq.pli_id
                     WHERE pl.ite_id = ${iterationId} ORDER BY sq.sqi_order, ph.phi_order, c.cti_order LIMIT 1)`);
  let changedSteps = 0;
  for (let i = 0; i < WARM_UP + REPETITIONS; i++) {
    const { ms, value } = await timed(() => call<{ steps: unknown[] }>('runsheet/changesSince', { iterationId, since }));
    changedSteps = unwrap(value, 'runsheet/changesSince').steps.length;
    if (i >= WARM_UP) record('changes_since', 'changes since (a few changes)', ms);
  }

  // Step status changes: PENDING -> TODO on distinct steps, through the execution resolver when it exists.
  const pending = await queryRows<{ id: string }>(
    db,
    sql`SELECT st.sti_id AS id FROM steps_instance_sti st JOIN phases_instance_phi ph ON ph.phi_id = st.phi_id
          JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id JOIN plans_instance_pli pl ON pl.pli_id = sq.pli_id
         WHERE pl.ite_id = ${iterationId} AND st.sti_status = ${STEP_STATUS_ID.PENDING} ORDER BY st.sti_id LIMIT ${WARM_UP + REPETITIONS}`,
  );
  const hasChangeStatus = 'steps/changeStatus' in operations;
  let statusViaResolver = hasChangeStatus;
  for (const [i, step] of pending.entries()) {
    let ms: number;
    if (statusViaResolver) {
      const result = await timed(() => call('steps/changeStatus', { stepId: step.id, toStatus: 'TODO', expectedStatus: 'PENDING' }));
      if (!result.value.ok) {
        notes.push(`steps/changeStatus refused the bench payload (${result.value.error.code}: ${result.value.error.message}); timed a direct UPDATE instead.`);
        statusViaResolver = false;
        continue;
      }
      ms = result.ms;
    } else {
      ms = (
        await timed(() =>
          db.execute(sql`UPDATE steps_instance_sti SET sti_status = ${STEP_STATUS_ID.TODO}, updated_at = now(), updated_by = ${admin.code} WHERE sti_id = ${step.id}`),
        )
      ).ms;
    }
    if (i >= WARM_UP) record('status_change', statusViaResolver ? 'step status change (steps/changeStatus)' : 'step status change (direct UPDATE)', ms);
  }
  if (!hasChangeStatus) notes.push("'steps/changeStatus' is not in the operations map yet; the status change figure is a direct UPDATE.");

  // Instruction ticks on running steps, through the execution resolver when it exists.
  const open = await queryRows<{ id: string }>(
    db,
    sql`SELECT i.ini_id AS id FROM instructions_instance_ini i JOIN steps_instance_sti st ON st.sti_id = i.sti_id
          JOIN phases_instance_phi ph ON ph.phi_id = st.phi_id JOIN sequences_instance_sqi sq ON sq.sqi_id = ph.sqi_id
          JOIN plans_instance_pli pl ON pl.pli_id = sq.pli_id
         WHERE pl.ite_id = ${iterationId} AND st.sti_status = ${STEP_STATUS_ID.IN_PROGRESS} AND NOT i.ini_is_completed
         ORDER BY i.ini_id LIMIT ${WARM_UP + REPETITIONS}`,
  );
  const hasSetCompleted = 'instructions/setCompleted' in operations;
  let tickViaResolver = hasSetCompleted;
  for (const [i, instruction] of open.entries()) {
    let ms: number;
    if (tickViaResolver) {
      const result = await timed(() => call('instructions/setCompleted', { instructionId: instruction.id, completed: true }));
      if (!result.value.ok) {
        notes.push(`instructions/setCompleted refused the bench payload (${result.value.error.code}: ${result.value.error.message}); timed a direct UPDATE instead.`);
        tickViaResolver = false;
        continue;
      }
      ms = result.ms;
    } else {
      ms = (
        await timed(() =>
          db.execute(sql`UPDATE instructions_instance_ini SET ini_is_completed = true, ini_completed_at = now(), usr_id_completed_by = ${admin.id},
                            updated_at = now(), updated_by = ${admin.code} WHERE ini_id = ${instruction.id}`),
        )
      ).ms;
    }
    if (i >= WARM_UP) record('instruction_complete', tickViaResolver ? 'instruction completion (instructions/setCompleted)' : 'instruction completion (direct UPDATE)', ms);
  }
  if (!hasSetCompleted) notes.push("'instructions/setCompleted' is not in the operations map yet; the completion figure is a direct UPDATE.");

  const service = await measureServiceOverhead({ database, accountId: admin.accountId });
  const importExport = await benchImportExport(db);

  return {
    title,
    service,
    importExport,
    generateMs: generated.ms,
    series,
    runsheetBytes,
    filteredSteps,
    changedSteps,
    ratio: median(series.runsheet_full!.samples) / median(series.bare_sql!.samples),
    notes,
    load: [loadBefore, loadavg()[0]!],
  };
}

function printTable(result: DatabaseResult): void {
  const rows: Array<[string, string, string, string]> = [['measure', 'n', 'median ms', 'p95 ms']];
  rows.push(['generate master plan (2,000 steps)', '1', result.generateMs.toFixed(1), '']);
  for (const entry of Object.values(result.series)) {
    rows.push([entry.label, String(entry.samples.length), median(entry.samples).toFixed(1), p95(entry.samples).toFixed(1)]);
  }
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  console.log(`\n${result.title}`);
  console.log(line(rows[0]!));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log(`runsheet response: ${result.runsheetBytes.toLocaleString('en-US')} bytes (JSON)`);
  console.log(`runsheet resolver / bare step SQL (medians): ${result.ratio.toFixed(2)}`);
  console.log(`service overhead (HTTP + token check vs in-process, median of ${result.service.iterations}): ${result.service.service_overhead_ms.toFixed(2)} ms (${result.service.http_ms.toFixed(2)} vs ${result.service.inprocess_ms.toFixed(2)})`);
  console.log(`import of ${result.importExport.steps} steps and ${result.importExport.instructions} instructions: ${result.importExport.import_ms.toFixed(0)} ms; export: ${result.importExport.export_ms.toFixed(0)} ms (median of ${result.importExport.runs})`);
  console.log(`filtered runsheet lists ${result.filteredSteps} steps; changes since lists ${result.changedSteps} steps`);
  console.log(`machine: ${availableParallelism()} CPUs, 1-minute load average ${result.load[0].toFixed(1)} before and ${result.load[1].toFixed(1)} after`);
  for (const note of result.notes) console.log(`note: ${note}`);
}

function summary(result: DatabaseResult): Record<string, number> {
  const out: Record<string, number> = {};
  const keys: Array<[string, string]> = [
    ['instantiate', 'instantiate'],
    ['runsheet_full', 'runsheet_full'],
    ['runsheet_filtered', 'runsheet_filtered'],
    ['changes_since', 'changes_since'],
    ['status_change', 'status_change'],
    ['instruction_complete', 'instruction_complete'],
  ];
  const round = (value: number) => Math.round(value * 10) / 10;
  for (const [key, name] of keys) {
    const samples = result.series[key]?.samples ?? [];
    out[`${name}_ms`] = samples.length > 0 ? round(median(samples)) : NaN;
    out[`${name}_p95_ms`] = samples.length > 0 ? round(p95(samples)) : NaN;
  }
  out.runsheet_bytes = result.runsheetBytes;
  out.runsheet_vs_sql_ratio = Math.round(result.ratio * 100) / 100;
  out.service_overhead_ms = round(result.service.service_overhead_ms);
  out.import_ms = round(result.importExport.import_ms);
  out.export_ms = round(result.importExport.export_ms);
  return out;
}

async function withAdmin<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A migrated database of its own for one measurement: PGlite in memory, or a PostgreSQL database made and dropped. */
async function withFreshDatabase<T>(url: string | undefined, fn: (database: Database) => Promise<T>): Promise<T> {
  if (!url) {
    const database = await openDatabase({});
    try {
      await migrate(database.raw);
      return await fn(database);
    } finally {
      await database.close();
    }
  }
  const name = `umig_bench_${randomBytes(4).toString('hex')}`;
  await withAdmin(url, (client) => client.query(`CREATE DATABASE "${name}"`));
  try {
    const target = new URL(url);
    target.pathname = `/${name}`;
    const database = await openDatabase({ url: target.toString() });
    try {
      await migrate(database.raw);
      return await fn(database);
    } finally {
      await database.close();
    }
  } finally {
    await withAdmin(url, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }
}

async function onPGlite(): Promise<DatabaseResult> {
  return withFreshDatabase(undefined, (database) => benchmark(database, 'PGlite (in memory)'));
}

async function onPostgres(url: string): Promise<DatabaseResult> {
  return withFreshDatabase(url, (database) => benchmark(database, database.description));
}

/** BENCH_SKIP_10K skips the 10,000-step runsheet (it generates a plan of its own: about a minute). */
async function runsheet10k(url: string | undefined, title: string): Promise<Runsheet10kBench | null> {
  if (process.env.BENCH_SKIP_10K) return null;
  const result = await withFreshDatabase(url, benchRunsheet10k);
  console.log(
    `\n${title}: runsheet of ${result.steps.toLocaleString('en-US')} steps: median ${result.runsheet_10k_ms} ms (p95 ${result.runsheet_10k_p95_ms} ms), ` +
      `${result.runsheet_10k_bytes.toLocaleString('en-US')} bytes (${result.runsheet_10k_bytes_per_step} bytes a step); plan generated and instantiated in ${result.generate_ms} ms`,
  );
  return result;
}

async function main(): Promise<void> {
  const results: DatabaseResult[] = [];
  const url = process.env.DATABASE_URL?.trim();
  // BENCH_ONLY=postgres|pglite runs one database (for profiling); by default both run.
  const only = process.env.BENCH_ONLY?.trim();
  if (only !== 'postgres') {
    results.push(await onPGlite());
    printTable(results.at(-1)!);
  }
  if (url && only !== 'pglite') {
    results.push(await onPostgres(url));
    printTable(results.at(-1)!);
  }
  if (results.length === 0) throw new Error('BENCH_ONLY=postgres needs DATABASE_URL.');
  // The 10,000-step runsheet on the database the closing figures come from.
  const big = await runsheet10k(url && only !== 'pglite' ? url : undefined, url && only !== 'pglite' ? 'PostgreSQL' : 'PGlite');
  // The browser figures: npm start's host (embedded database, ~1,000-step demo) in Chromium.
  const ui = process.env.BENCH_SKIP_UI ? null : await benchRunsheetUi();
  if (ui) {
    console.log(`\nRunsheet in Chromium (${ui.steps} steps, npm start's demo): interactive ${ui.ui_interactive_ms} ms after navigation; filter repaint median ${ui.filter_repaint_ms.toFixed(1)} ms, max ${ui.filter_repaint_max_ms.toFixed(1)} ms`);
  } else {
    console.log('\nRunsheet in Chromium: skipped (no /usr/bin/chromium, or BENCH_SKIP_UI set)');
  }
  const closing: Record<string, number> = summary(results.at(-1)!);
  const schedule = benchSchedule();
  console.log(`critical path + forecast of ${schedule.steps} steps and ${schedule.dependencies} dependencies (in-process, median): ${schedule.schedule_10k_ms} ms`);
  closing.schedule_10k_ms = schedule.schedule_10k_ms;
  if (big) {
    closing.runsheet_10k_ms = big.runsheet_10k_ms;
    closing.runsheet_10k_bytes = big.runsheet_10k_bytes;
    closing.runsheet_10k_bytes_per_step = big.runsheet_10k_bytes_per_step;
  }
  if (ui) {
    closing.ui_interactive_ms = ui.ui_interactive_ms;
    closing.filter_repaint_ms = Math.round(ui.filter_repaint_ms * 10) / 10;
  }
  console.log(JSON.stringify(closing));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
