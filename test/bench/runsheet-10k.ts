/**
 * A 10,000-step iteration (real programmes reach that): how long 'runsheet/get' takes through the
 * resolver handler, and how many bytes its answer is. Targets: under 500 ms on PostgreSQL and under
 * 250 bytes a step (2.5 MB). Runs in a database of its own (the generator names its teams).
 */
import type { Database } from '../../src/db/client';
import { generateMasterPlan } from '../../src/local/demo-plan';
import { createHandler } from '../../src/resolvers';
import type { Envelope } from '../../src/resolvers/operation';
import type { WireRunsheet } from '../../src/resolvers/runsheet-wire';

export const SIZE_10K = { sequences: 10, phasesPerSequence: 10, stepsPerPhase: 100, instructionsPerStep: 2, controlsPerPhase: 2, teams: 50, users: 300, seed: 10 };

export interface Runsheet10kBench {
  steps: number;
  runsheet_10k_ms: number;
  runsheet_10k_p95_ms: number;
  runsheet_10k_bytes: number;
  runsheet_10k_bytes_per_step: number;
  generate_ms: number;
}

const REPETITIONS = 10;
const WARM_UP = 2;

export async function benchRunsheet10k(database: Database): Promise<Runsheet10kBench> {
  const db = database.db;
  const generatedAt = performance.now();
  const plan = await generateMasterPlan(db, { ...SIZE_10K, iterations: [{ name: 'Ten thousand', typeCode: 'CUTOVER', startDate: '2027-01-09' }] });
  const admin = plan.users.find((user) => user.role === 'ADMIN')!;
  const handler = createHandler({ databaseFor: () => db, logError: (error) => console.error(error) });
  const call = async <T>(functionKey: string, payload: unknown): Promise<T> => {
    const envelope = (await handler(
      { call: { functionKey, payload }, context: { extension: { type: 'macro' } } },
      { principal: { accountId: admin.accountId }, installContext: 'ari:cloud:confluence::site/bench' } as never,
    )) as Envelope<T>;
    if (!envelope.ok) throw new Error(`${functionKey} failed: ${envelope.error.code} ${envelope.error.message}`);
    return envelope.data;
  };
  const iterationId = plan.iterations[0]!.id;
  await call('planInstances/create', { iterationId, masterPlanId: plan.masterPlanId });
  const generateMs = performance.now() - generatedAt;

  const samples: number[] = [];
  let bytes = 0;
  let steps = 0;
  for (let i = 0; i < WARM_UP + REPETITIONS; i++) {
    const started = performance.now();
    const runsheet = await call<WireRunsheet>('runsheet/get', { iterationId });
    // What the service would send: the JSON text of the answer.
    const text = JSON.stringify(runsheet);
    const ms = performance.now() - started;
    if (i === 0) {
      bytes = Buffer.byteLength(text);
      steps = runsheet.planInstances.reduce((sum, p) => sum + p.sequences.reduce((s, q) => s + q.phases.reduce((t, ph) => t + ph.steps.length, 0), 0), 0);
    }
    if (i >= WARM_UP) samples.push(ms);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    steps,
    runsheet_10k_ms: round(sorted[Math.floor(sorted.length / 2)]!),
    runsheet_10k_p95_ms: round(sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!),
    runsheet_10k_bytes: bytes,
    runsheet_10k_bytes_per_step: Math.round(bytes / Math.max(1, steps)),
    generate_ms: Math.round(generateMs),
  };
}
