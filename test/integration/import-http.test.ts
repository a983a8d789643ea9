import { request } from 'node:http';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../src/db/client';
import { queryRows } from '../../src/db/query';
import { generateMasterPlan, type DemoPlan } from '../../src/local/demo-plan';
import { buildServer, type UmigService } from '../../src/server/app';
import { startLocalIssuer, type LocalIssuer } from '../../src/server/dev-issuer';
import type { TenantSpec } from '../../src/server/tenants';
import { uploadInParts } from '../../static/shared/upload-parts';
import { openTestDatabase, usingPostgres, type TestDatabase } from '../helpers/test-database';
import { createEmptyPlan, dumpMaster, planContent } from './import-fixtures';

/**
 * Real-size imports through the real path: the UMIG service over HTTP with a signed Forge
 * Invocation Token, its 1 MiB body limit, and files sent in parts (imports/uploads/*).
 */

const APP_ID = 'ari:cloud:ecosystem::app/59e32d7e-c2e0-406d-abc2-0b5a27042fe9';
const INSTALLATION = 'ari:cloud:ecosystem::installation/1f000000-0000-4000-8000-000000000001';
const CLOUD_ID = '1f000000-1111-4000-8000-000000000001';
const MB = 1024 * 1024;

interface Answer {
  status: number;
  body: { ok?: boolean; data?: unknown; error?: { code: string; message: string } };
}

let database: TestDatabase;
let issuer: LocalIssuer;
let service: UmigService;
let url: string;
let demo: DemoPlan;
let adminToken: string;
let otherAdminToken: string;
let ownerTeamId: number;

function post(token: string, functionKey: string, payload: unknown): Promise<Answer> {
  const data = JSON.stringify({ functionKey, payload });
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/invoke`,
      { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['body'] }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Calls through HTTP and returns the data, failing with the service's sentence otherwise. */
async function call<T>(functionKey: string, payload: unknown, token = adminToken): Promise<T> {
  const answer = await post(token, functionKey, payload);
  if (answer.status !== 200 || !answer.body.ok) throw new Error(`${functionKey}: HTTP ${answer.status} ${JSON.stringify(answer.body.error)}`);
  return answer.body.data as T;
}

interface BatchView {
  batchId: string;
  status: string;
  next: string | null;
  counts: { steps: number; instructions: number; errors: number };
  changes: Record<string, number> | null;
  report: unknown[];
}

const partCalls = (token = adminToken) => ({
  start: (payload: unknown) => call<{ uploadId: string; partBytes: number }>('imports/uploads/start', payload, token),
  part: (payload: unknown) => call('imports/uploads/part', payload, token),
  finish: (payload: unknown) => call<BatchView>('imports/uploads/finish', payload, token),
});

/** What the admin page does: continue until validated, promote, continue until promoted. */
async function driveToPromoted(batch: BatchView): Promise<BatchView> {
  let view = batch;
  while (view.next === 'continue') view = await call<BatchView>('imports/continue', { batchId: view.batchId });
  if (view.status !== 'VALIDATED') throw new Error(`not validated: ${view.status} ${JSON.stringify(view.report.slice(0, 5))}`);
  view = await call<BatchView>('imports/promote', { batchId: view.batchId });
  while (view.next === 'continue') view = await call<BatchView>('imports/continue', { batchId: view.batchId });
  return view;
}

beforeAll(async () => {
  database = await openTestDatabase();
  issuer = await startLocalIssuer();
  demo = await generateMasterPlan(database.db, {
    sequences: 10,
    phasesPerSequence: 4,
    stepsPerPhase: 50,
    instructionsPerStep: 5,
    controlsPerPhase: 1,
    teams: 20,
    users: 30,
    seed: 11,
    planName: 'Bank runbook',
  });
  const admins = demo.users.filter((user) => user.role === 'ADMIN');
  adminToken = await issuer.sign({ appId: APP_ID, installationId: INSTALLATION, cloudId: CLOUD_ID, accountId: admins[0]!.accountId }, { expiresIn: 3600 });
  otherAdminToken = await issuer.sign({ appId: APP_ID, installationId: INSTALLATION, cloudId: CLOUD_ID, accountId: admins[1]!.accountId }, { expiresIn: 3600 });
  ownerTeamId = demo.teamIds[0]!;
  const spec: TenantSpec = usingPostgres
    ? { keys: [INSTALLATION], label: 'test PostgreSQL database', open: () => openDatabase({ url: database.url!, poolMax: 5 }) }
    : { keys: [INSTALLATION], label: 'test PGlite database', open: async () => database, owned: false };
  service = buildServer({ config: { appId: APP_ID, jwksUrl: issuer.jwksUrl, logLevel: 'silent', rateLimit: { perMinute: 60_000, burst: 1_000 } }, tenants: [spec] });
  url = await service.listen();
});

afterAll(async () => {
  await service?.close();
  await issuer?.close();
  await database?.close();
});

/** A CSV pair of `steps` steps (two instructions each) for the phases "Load / Part A…D", about 1.3 KB a step. */
function bigCsvPair(steps: number): { steps: string; instructions: string } {
  const teamName = 'Cutover Management';
  const filler = 'Check the interface queues, the batch windows and the reconciliation totals before going on; '.repeat(12);
  const stepLines = ['step_id,name,description,phase_id,owner_team,duration_minutes,predecessor'];
  const instructionLines = ['step_id,instruction_text,order_number,duration_minutes'];
  for (let i = 0; i < steps; i++) {
    const phase = `Part ${'ABCD'[i % 4]}`;
    // A step code names one step of the plan; each step waits for the one before it in its phase.
    const number = 10 + i;
    const code = `TRT-${String(number).padStart(3, '0')}`;
    const predecessor = i >= 4 ? `TRT-${String(number - 4).padStart(3, '0')}` : '';
    stepLines.push(`${code},"Step ${i + 1}, with ""quotes""","${filler}step ${i + 1}",Load / ${phase},${teamName},${(i % 50) + 5},${predecessor}`);
    instructionLines.push(`${phase} / ${code},"Prepare ${code}: ${filler.slice(0, 60)}",1,5`);
    instructionLines.push(`${phase} / ${code},Confirm ${code} with the team lead,2,`);
  }
  return { steps: `${stepLines.join('\r\n')}\r\n`, instructions: `${instructionLines.join('\r\n')}\r\n` };
}

test('a 5 MB CSV pair goes through the service in parts, is checked, promoted, and is in the plan', async () => {
  const { planId } = await createEmptyPlan(database.db, ownerTeamId, { name: 'Five megabytes', sequences: [{ name: 'Load', phases: ['Part A', 'Part B', 'Part C', 'Part D'] }] });
  const files = bigCsvPair(4000);
  const total = Buffer.byteLength(files.steps) + Buffer.byteLength(files.instructions);
  expect(total).toBeGreaterThan(5 * MB);

  // In one call it is refused by the body limit, with a sentence, and nothing is kept.
  const before = await dumpMaster(database.db);
  const inline = await post(adminToken, 'imports/upload', { masterPlanId: planId, format: 'CSV', files: [{ name: 'steps.csv', content: files.steps }, { name: 'instructions.csv', content: files.instructions }] });
  expect(inline.status).toBe(413);
  expect(inline.body.error).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'The request is too large: the UMIG service accepts at most 1 MB per call. Send less at once.' });
  expect(await queryRows(database.db, sql`SELECT 1 FROM import_batches_imb WHERE plm_id = ${planId}`)).toHaveLength(0);
  expect(await dumpMaster(database.db)).toEqual(before);

  let calls = 0;
  const counted = partCalls();
  const batch = await uploadInParts(
    { ...counted, part: (payload) => ((calls += 1), counted.part(payload)) },
    { masterPlanId: planId, format: 'CSV', files: [{ name: 'steps.csv', content: files.steps }, { name: 'instructions.csv', content: files.instructions }] },
  );
  expect(calls).toBeGreaterThanOrEqual(11);
  expect(batch.counts).toEqual({ steps: 4000, instructions: 8000, errors: 0 });
  const promoted = await driveToPromoted(batch);
  expect(promoted.status).toBe('PROMOTED');
  expect(promoted.changes).toMatchObject({ stepsCreated: 4000, instructionsCreated: 8000 });
  const [counts] = await queryRows<{ steps: number; instructions: number; linked: number }>(
    database.db,
    sql`SELECT count(DISTINCT s.stm_id)::int AS steps, count(i.inm_id)::int AS instructions,
               count(DISTINCT s.stm_id) FILTER (WHERE s.stm_id_predecessor IS NOT NULL)::int AS linked
          FROM steps_master_stm s JOIN phases_master_phm p ON p.phm_id = s.phm_id JOIN sequences_master_sqm q ON q.sqm_id = p.sqm_id
          LEFT JOIN instructions_master_inm i ON i.stm_id = s.stm_id WHERE q.plm_id = ${planId}`,
  );
  expect(counts).toEqual({ steps: 4000, instructions: 8000, linked: 3996 });
  // The parts are gone once the upload became a batch.
  expect(await queryRows(database.db, sql`SELECT 1 FROM import_upload_parts_iupp`)).toHaveLength(0);
});

test("the product's own export of a 2,000-step plan comes back through the service and reproduces the plan", async () => {
  const exported = await call<{ fileName: string; content: string; stepCount: number }>('exports/masterPlanJson', { masterPlanId: demo.masterPlanId });
  expect(exported.stepCount).toBe(2000);
  expect(Buffer.byteLength(exported.content)).toBeGreaterThan(MB);
  const document = JSON.parse(exported.content) as { sequences: Array<{ name: string; phases: Array<{ name: string }> }> };
  const { planId } = await createEmptyPlan(database.db, ownerTeamId, {
    name: 'Copy of the runbook',
    sequences: document.sequences.map((sequence) => ({ name: sequence.name, phases: sequence.phases.map((phase) => phase.name) })),
  });
  const batch = await uploadInParts(partCalls(), { masterPlanId: planId, format: 'JSON', files: [{ name: exported.fileName, content: exported.content }] });
  expect(batch.counts).toMatchObject({ steps: 2000, instructions: 10000, errors: 0 });
  const promoted = await driveToPromoted(batch);
  expect(promoted.status).toBe('PROMOTED');
  expect(promoted.changes).toMatchObject({ stepsCreated: 2000, instructionsCreated: 10000 });
  expect(await planContent(database.db, planId)).toEqual(await planContent(database.db, demo.masterPlanId));
});

test('an upload resumes: a part sent again replaces itself, finishing early says what is missing, finishing twice gives one batch', async () => {
  const { planId } = await createEmptyPlan(database.db, ownerTeamId, { name: 'Resumed', sequences: [{ name: 'Load', phases: ['Part A', 'Part B', 'Part C', 'Part D'] }] });
  const files = bigCsvPair(8);
  const start = await call<{ uploadId: string; partBytes: number }>('imports/uploads/start', {
    masterPlanId: planId,
    format: 'CSV',
    files: [{ name: 'steps.csv', bytes: Buffer.byteLength(files.steps) }, { name: 'instructions.csv', bytes: Buffer.byteLength(files.instructions) }],
  });
  expect(start.partBytes).toBe(512 * 1024);
  const half = Math.floor(files.steps.length / 2);
  await call('imports/uploads/part', { uploadId: start.uploadId, file: 0, index: 0, content: files.steps.slice(0, half) });
  // The answer was lost: the same part again.
  await call('imports/uploads/part', { uploadId: start.uploadId, file: 0, index: 0, content: files.steps.slice(0, half) });
  await call('imports/uploads/part', { uploadId: start.uploadId, file: 1, index: 0, content: files.instructions });

  const early = await post(adminToken, 'imports/uploads/finish', { uploadId: start.uploadId });
  expect(early.body.error).toEqual({
    code: 'VALIDATION',
    message: `The upload is not complete: steps.csv: ${Buffer.byteLength(files.steps.slice(0, half))} of ${Buffer.byteLength(files.steps)} bytes received. Send the missing parts, then finish again.`,
  });
  // Another administrator cannot add to it or finish it.
  const foreign = await post(otherAdminToken, 'imports/uploads/part', { uploadId: start.uploadId, file: 0, index: 1, content: files.steps.slice(half) });
  expect(foreign.body.error?.code).toBe('NOT_FOUND');
  // More than announced is refused.
  const tooMuch = await post(adminToken, 'imports/uploads/part', { uploadId: start.uploadId, file: 0, index: 1, content: `${files.steps.slice(half)}extra` });
  expect(tooMuch.body.error?.message).toMatch(/^steps\.csv was announced with \d+ bytes; with this part it would hold \d+\. Start the upload again with the right size\.$/);

  const progress = await call<{ files: Array<{ parts: number[]; receivedBytes: number }> }>('imports/uploads/get', { uploadId: start.uploadId });
  expect(progress.files.map((file) => file.parts)).toEqual([[0], [0]]);
  await call('imports/uploads/part', { uploadId: start.uploadId, file: 0, index: 1, content: files.steps.slice(half) });
  const first = await call<BatchView>('imports/uploads/finish', { uploadId: start.uploadId });
  const again = await call<BatchView>('imports/uploads/finish', { uploadId: start.uploadId });
  expect(again.batchId).toBe(first.batchId);
  expect(first).toMatchObject({ status: 'VALIDATED', counts: { steps: 8, instructions: 16, errors: 0 } });
  expect(await queryRows(database.db, sql`SELECT 1 FROM import_batches_imb WHERE plm_id = ${planId}`)).toHaveLength(1);
});
