/**
 * Import and export speed: a JSON document of 2,000 steps and 10,000 instructions (with
 * predecessors, impacted teams and iteration types) imported into an empty plan, from upload to
 * PROMOTED, then the same plan exported back to JSON. Each run imports into a fresh plan.
 * Returns the median of each; the target is an import under 5 s on PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { masterPhases, masterPlans, masterSequences, roles, teams, users } from '../../src/db/schema';
import type { Actor } from '../../src/domain/access/permissions';
import { CONTAINER_STATUS_ID } from '../../src/domain/statuses';
import type { ServiceContext } from '../../src/services/context';
import { exportMasterPlanJson } from '../../src/services/exports/master-plan-json';
import { batchView, continueImport, promoteImport, uploadImport } from '../../src/services/imports/batches';

export interface ImportExportBench {
  import_ms: number;
  export_ms: number;
  runs: number;
  steps: number;
  instructions: number;
}

export interface ImportExportBenchOptions {
  runs?: number;
  sequences?: number;
  phasesPerSequence?: number;
  stepsPerPhase?: number;
  instructionsPerStep?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return Math.round(sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2);
}

async function benchActor(db: Db, suffix: string): Promise<{ actor: Actor; teamNames: string[]; teamId: number }> {
  const teamNames = ['Cutover Ops', 'Database Team', 'Network Team'].map((name) => `${name} ${suffix}`);
  const created = await db.insert(teams).values(teamNames.map((name) => ({ name }))).returning({ id: teams.id });
  const [adminRole] = await db.select({ id: roles.id }).from(roles).where(eq(roles.code, 'ADMIN'));
  let code = '';
  let userId = 0;
  for (let attempt = 0; userId === 0 && attempt < 50; attempt++) {
    code = randomBytes(2).toString('hex').slice(0, 3).toUpperCase();
    const rows = await db
      .insert(users)
      .values({ code, firstName: 'Bench', lastName: 'Admin', email: `bench-${suffix}-${attempt}@example.com`, roleId: adminRole?.id, isAdmin: true })
      .onConflictDoNothing()
      .returning({ id: users.id });
    userId = rows[0]?.id ?? 0;
  }
  return { actor: { userId, code, role: 'ADMIN', isAdmin: true, teamIds: [] }, teamNames, teamId: created[0]!.id };
}

export async function benchImportExport(db: Db, options: ImportExportBenchOptions = {}): Promise<ImportExportBench> {
  const runs = options.runs ?? 3;
  const sequenceCount = options.sequences ?? 4;
  const phasesPerSequence = options.phasesPerSequence ?? 5;
  const stepsPerPhase = options.stepsPerPhase ?? 100;
  const instructionsPerStep = options.instructionsPerStep ?? 5;
  const suffix = randomBytes(3).toString('hex');
  const { actor, teamNames, teamId } = await benchActor(db, suffix);
  const ctx: ServiceContext = { db, actor, now: () => new Date() };

  const phaseNames: string[][] = [];
  for (let s = 0; s < sequenceCount; s++) phaseNames.push(Array.from({ length: phasesPerSequence }, (_, p) => `Phase ${s + 1}.${p + 1}`));
  const steps: unknown[] = [];
  let previous: string | null = null;
  for (const phases of phaseNames) {
    for (const phase of phases) {
      for (let n = 1; n <= stepsPerPhase; n++) {
        const code = `TRT-${String(n * 10).padStart(3, '0')}`;
        steps.push({
          code,
          name: `${phase} step ${n}`,
          description: `Do the work of step ${n} of ${phase}`,
          phase,
          ownerTeam: teamNames[n % 3],
          durationMinutes: 5 + (n % 20),
          predecessor: previous,
          environmentRole: 'PROD',
          targetEnvironmentRole: n % 10 === 0 ? 'BACKUP' : null,
          impactedTeams: n % 3 === 0 ? [teamNames[(n + 1) % 3]] : [],
          iterationTypes: n % 5 === 0 ? ['DR', 'RUN'] : [],
          instructions: Array.from({ length: instructionsPerStep }, (_, i) => ({
            order: i + 1,
            text: `Instruction ${i + 1} of ${code} in ${phase}: check the logs, then confirm on the bridge`,
            durationMinutes: 1 + i,
          })),
        });
        previous = `${phase} / ${code}`;
      }
    }
  }
  const content = JSON.stringify({ format: 'umig-master-plan', version: 1, steps });
  const instructionCount = steps.length * instructionsPerStep;

  const importTimes: number[] = [];
  const exportTimes: number[] = [];
  for (let run = 0; run < runs; run++) {
    const [plan] = await db
      .insert(masterPlans)
      .values({ teamId, name: `Bench plan ${suffix} ${run}`, statusId: CONTAINER_STATUS_ID.Plan.PLANNING })
      .returning({ id: masterPlans.id });
    for (const [s, phases] of phaseNames.entries()) {
      const [sequence] = await db.insert(masterSequences).values({ planId: plan!.id, order: s + 1, name: `Sequence ${s + 1}` }).returning({ id: masterSequences.id });
      await db.insert(masterPhases).values(phases.map((name, p) => ({ sequenceId: sequence!.id, order: p + 1, name })));
    }

    const started = performance.now();
    let view = await uploadImport(ctx, { masterPlanId: plan!.id, format: 'JSON', files: [{ name: 'bench.json', content }] });
    while (view.next === 'continue') view = await continueImport(ctx, { batchId: view.batchId });
    if (view.status !== 'VALIDATED') throw new Error(`bench import did not validate: ${JSON.stringify(view.report.slice(0, 5))}`);
    view = await promoteImport(ctx, { batchId: view.batchId });
    while (view.next === 'continue') view = await continueImport(ctx, { batchId: view.batchId });
    if (view.status !== 'PROMOTED') throw new Error(`bench import did not promote: ${(await batchView(db, view.batchId)).status}`);
    importTimes.push(performance.now() - started);

    const exportStarted = performance.now();
    const exported = await exportMasterPlanJson(ctx, { masterPlanId: plan!.id });
    exportTimes.push(performance.now() - exportStarted);
    if (exported.stepCount !== steps.length) throw new Error(`bench export has ${exported.stepCount} steps`);
  }
  return { import_ms: median(importTimes), export_ms: median(exportTimes), runs, steps: steps.length, instructions: instructionCount };
}
