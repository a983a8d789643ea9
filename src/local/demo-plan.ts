/**
 * Builds a realistic cutover world of any size: teams, users (roles, team memberships, Confluence
 * account ids), environments and applications, a migration with iterations, and a master plan
 * (sequences > phases > steps > instructions, controls per phase) with predecessors, impacted
 * teams, labels and a few iteration-type-only steps. Used by the benchmark, tests and the demo
 * data of `npm start`.
 *
 * Every table is written with multi-row INSERTs of at most CHUNK_ROWS rows, ids made here, all in
 * one transaction: a 2,000-step plan with 10,000 instructions takes a handful of statements.
 * Content is deterministic for a given seed; ids and account ids stay unique across runs.
 */

import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from '../db/client';
import {
  applications,
  environmentApplications,
  environments,
  iterationEnvironments,
  iterations,
  labels,
  masterControls,
  masterInstructions,
  masterPhases,
  masterPlans,
  masterSequences,
  masterStepImpactedTeams,
  masterStepIterationTypes,
  masterSteps,
  migrations,
  roles,
  stepLabels,
  teamMembers,
  teams,
  users,
} from '../db/schema';
import { queryRows } from '../db/query';
import type { Role } from '../domain/access/permissions';
import { formatStepCode } from '../domain/execution/step-code';
import { CONTAINER_STATUS_ID } from '../domain/statuses';

export interface DemoPlanOptions {
  sequences: number;
  phasesPerSequence: number;
  stepsPerPhase: number;
  instructionsPerStep: number;
  controlsPerPhase: number;
  teams: number;
  users: number;
  /** Same seed, same names, owners, durations and links. Default 1. */
  seed?: number;
  /** Default: two dress rehearsals and the production cutover. */
  iterations?: ReadonlyArray<{ name: string; typeCode: 'RUN' | 'DR' | 'CUTOVER'; startDate?: string }>;
  migrationName?: string;
  planName?: string;
}

export interface DemoUser {
  id: number;
  code: string;
  name: string;
  email: string;
  /** What Forge sends as the principal's accountId. */
  accountId: string;
  role: Role;
  teamIds: number[];
}

export interface DemoPlan {
  migrationId: string;
  iterationIds: string[];
  iterations: Array<{ id: string; name: string; typeCode: string }>;
  masterPlanId: string;
  teamIds: number[];
  labelIds: number[];
  environmentIds: number[];
  applicationIds: number[];
  users: DemoUser[];
  counts: {
    teams: number;
    users: number;
    sequences: number;
    phases: number;
    steps: number;
    instructions: number;
    controls: number;
    impactedTeamLinks: number;
    labelLinks: number;
    iterationTypeTags: number;
  };
}

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table here. */
export const CHUNK_ROWS = 1_000;

/** Small, fast, seedable PRNG (mulberry32): the same seed yields the same plan content. */
function makeRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (probability: number) => next() < probability,
    hex: (length: number) => Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join(''),
  };
}

async function insertChunked<T extends PgTable>(db: DbOrTx, table: T, rows: ReadonlyArray<T['$inferInsert']>): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    await db.insert(table).values(rows.slice(start, start + CHUNK_ROWS));
  }
}

const TEAM_NAMES = [
  'Cutover Management', 'DBA Team', 'Unix Team', 'Windows Team', 'Network Team', 'Storage Team', 'Middleware Team',
  'Mainframe Team', 'Security Team', 'Cloud Platform Team', 'Core Banking App Team', 'Payments Team', 'CRM Team',
  'Data Warehouse Team', 'Integration Team', 'Batch Operations', 'Service Desk', 'Monitoring Team', 'Test Team',
  'Business Operations', 'Finance Business Team', 'Treasury Business Team', 'Customer Service', 'Release Management',
  'Change Management', 'Backup Team', 'Identity & Access Team', 'Reporting Team', 'Digital Channels Team', 'Cards Team',
  'Lending Team', 'Compliance Team', 'Vendor Support', 'ETL Team', 'API Gateway Team', 'Messaging Team',
  'Scheduler Team', 'Performance Team', 'Application Support', 'Infrastructure Team',
];

const FIRST_NAMES = [
  'Alice', 'Bruno', 'Chloé', 'David', 'Emma', 'Felix', 'Grace', 'Hugo', 'Inès', 'Jonas', 'Katrin', 'Louis', 'Maria',
  'Nils', 'Olivia', 'Pierre', 'Quentin', 'Rosa', 'Samuel', 'Tanja', 'Ugo', 'Valérie', 'William', 'Xenia', 'Yann',
  'Zoé', 'Anna', 'Benoît', 'Clara', 'Daniel', 'Elena', 'Fabio', 'Gabriel', 'Hanna', 'Ivan', 'Julia', 'Karim',
  'Laura', 'Marc', 'Nadia',
];
const LAST_NAMES = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon',
  'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'Müller', 'Schmid', 'Keller', 'Weber', 'Huber', 'Meyer', 'Fischer',
  'Rossi', 'Bianchi', 'Ferrari', 'Costa', 'Novak', 'Horvat', 'Jensen', 'Nielsen', 'Berg', 'Lind', 'Kowalski',
  'Nowak', 'Silva', 'Santos', 'Brown', 'Wilson', 'Taylor', 'Clarke',
];

const SEQUENCE_NAMES = [
  'Preparation', 'Application Freeze', 'System Shutdown', 'Backup', 'Data Migration', 'Infrastructure Switch',
  'Application Deployment', 'Technical Validation', 'Business Validation', 'Go-Live', 'Post Go-Live', 'Decommission',
];
const PHASE_NAMES = ['Pre-checks', 'Execution', 'Verification', 'Sign-off', 'Hand-over', 'Monitoring', 'Clean-up', 'Reporting'];

/** [step type, action]: what a cutover runsheet says, by the kind of step it is. */
const ACTIONS: ReadonlyArray<readonly [string, string]> = [
  ['PRE', 'Freeze change requests'], ['PRE', 'Notify stakeholders of the cutover window'], ['PRE', 'Confirm bridge call attendance'],
  ['SYS', 'Stop batch scheduler'], ['SYS', 'Disable user logins'], ['SYS', 'Drain application servers'], ['SYS', 'Stop file transfers'],
  ['SYS', 'Restart message queues'], ['SYS', 'Start batch scheduler'], ['SYS', 'Enable user logins'], ['SYS', 'Start file transfers'],
  ['DUM', 'Take full database backup'], ['DUM', 'Snapshot virtual machines'], ['DUM', 'Export customer master data'],
  ['TRT', 'Import customer master data'], ['TRT', 'Run database schema migration'], ['TRT', 'Deploy application release'],
  ['TRT', 'Switch DNS to the new data centre'], ['TRT', 'Update load balancer pool'], ['TRT', 'Rebuild database indexes'],
  ['TRT', 'Refresh materialized views'], ['TRT', 'Clear application caches'], ['TRT', 'Rotate service credentials'],
  ['TRT', 'Archive log files'], ['CHK', 'Verify backup integrity'], ['CHK', 'Run data reconciliation report'],
  ['CHK', 'Check interface connectivity'], ['CHK', 'Run smoke tests'], ['CHK', 'Check monitoring dashboards'],
  ['BUS', 'Validate end-of-day balances'], ['BUS', 'Confirm business sign-off'], ['BUS', 'Sample customer accounts'],
  ['IGO', 'Confirm IT go'], ['BGO', 'Confirm business go'], ['GON', 'Hold go/no-go meeting'],
];
const SYSTEMS = ['Core Banking', 'Payments Hub', 'CRM', 'Data Warehouse', 'Cards', 'Online Banking', 'General Ledger', 'Treasury'];

const INSTRUCTIONS = [
  'Log on to the jump host with your privileged account.',
  'Open the runbook section for this step and check the prerequisites.',
  'Run the script from the cutover repository and keep the output.',
  'Check the log file for errors and warnings.',
  'Compare the record counts with the reference report.',
  'Record start and end times in the cutover log.',
  'Confirm completion on the bridge call.',
  'Attach the evidence to the change record.',
];

const CONTROL_NAMES = [
  'Data reconciliation sign-off', 'Smoke tests passed', 'Backup verified', 'Interfaces connected',
  'Business acceptance', 'Performance within thresholds', 'Security scan clean', 'Monitoring green',
];

const LABELS: ReadonlyArray<readonly [string, string]> = [
  ['critical-path', '#DE350B'], ['rollback-point', '#FF8B00'], ['customer-facing', '#0052CC'],
  ['manual', '#6554C0'], ['automated', '#00875A'], ['regulatory', '#172B4D'],
];

const ENVIRONMENTS: ReadonlyArray<readonly [string, string, string]> = [
  // [code, name, role it plays in every iteration]
  ['PRD-DC2', 'Production (new data centre)', 'PROD'],
  ['TST-DC2', 'Integration test (new data centre)', 'TEST'],
  ['BCK-DC1', 'Backup (old data centre)', 'BACKUP'],
];
const APPLICATIONS: ReadonlyArray<readonly [string, string]> = [
  ['CBS', 'Core Banking System'], ['PAYHUB', 'Payments Hub'], ['CRM', 'Customer Relationship Management'],
  ['DWH', 'Data Warehouse'], ['CARDS', 'Cards Platform'], ['OLB', 'Online Banking'],
];

/** Three capital letters, preferring the person's initials, never one already taken. */
/**
 * Step numbers run 10 apart through the whole plan and all have the same number of digits, so a
 * search for one code (e.g. "TRT-1250") never also finds a longer one ("TRT-12500").
 */
export function firstStepNumber(totalSteps: number): number {
  let digits = String(totalSteps * 10).length;
  if (String(10 ** (digits - 1) + (totalSteps - 1) * 10).length > digits) digits += 1;
  return 10 ** (digits - 1);
}

function userCode(first: string, last: string, taken: Set<string>): string {
  const letters = (text: string) => text.normalize('NFD').replace(/[^A-Za-z]/g, '').toUpperCase();
  const f = letters(first);
  const l = letters(last);
  const candidates = [f[0]! + l.slice(0, 2), f.slice(0, 2) + l[0]!, f[0]! + l[0]! + l[l.length - 1]!];
  for (const candidate of candidates) if (candidate.length === 3 && !taken.has(candidate)) return candidate;
  for (let a = 0; a < 26; a++) {
    for (let b = 0; b < 26; b++) {
      const candidate = f[0]! + String.fromCharCode(65 + a) + String.fromCharCode(65 + b);
      if (!taken.has(candidate)) return candidate;
    }
  }
  for (let n = 0; n < 26 ** 3; n++) {
    const candidate = String.fromCharCode(65 + Math.floor(n / 676), 65 + (Math.floor(n / 26) % 26), 65 + (n % 26));
    if (!taken.has(candidate)) return candidate;
  }
  throw new Error('No three-letter user code is left.');
}

/** Checks sizes before writing anything, so a typo fails fast with a sentence. */
function assertSizes(options: DemoPlanOptions): void {
  const sizes: Array<[keyof DemoPlanOptions, number]> = [
    ['sequences', 1], ['phasesPerSequence', 1], ['stepsPerPhase', 1], ['instructionsPerStep', 0], ['controlsPerPhase', 0], ['teams', 1], ['users', 1],
  ];
  for (const [key, min] of sizes) {
    const value = options[key] as number;
    if (!Number.isInteger(value) || value < min) throw new Error(`${key} must be a whole number of at least ${min}.`);
  }
  if (options.sequences * options.phasesPerSequence * options.stepsPerPhase * 20 > 2_000_000_000) throw new Error('The plan is too large for step numbers.');
}

export async function generateMasterPlan(db: Db, options: DemoPlanOptions): Promise<DemoPlan> {
  assertSizes(options);
  return db.transaction((tx) => generateInTransaction(tx, options));
}

async function generateInTransaction(tx: DbOrTx, options: DemoPlanOptions): Promise<DemoPlan> {
  const random = makeRandom(options.seed ?? 1);
  const by = 'generator';

  // Reference data already present: codes, e-mails and account ids must stay unique.
  const existing = await queryRows<{ code: string; email: string; account: string | null }>(
    tx,
    sql`SELECT usr_code AS code, usr_email AS email, usr_confluence_user_id AS account FROM users_usr`,
  );
  const takenCodes = new Set(existing.map((row) => row.code));
  const takenEmails = new Set(existing.map((row) => row.email.toLowerCase()));
  const takenAccounts = new Set(existing.map((row) => row.account).filter((account): account is string => account !== null));
  const [{ plans: planOrdinal } = { plans: 0 }] = await queryRows<{ plans: number }>(tx, sql`SELECT count(*)::int + 1 AS plans FROM plans_master_plm`);
  const roleIds = new Map((await tx.select({ id: roles.id, code: roles.code }).from(roles)).map((row) => [row.code, row.id]));
  const environmentRoleIds = new Map(
    (await queryRows<{ id: number; name: string }>(tx, sql`SELECT enr_id AS id, enr_name AS name FROM environment_roles_enr`)).map((row) => [row.name, row.id]),
  );

  // Teams.
  const teamRows = Array.from({ length: options.teams }, (_, index) => {
    const base = TEAM_NAMES[index % TEAM_NAMES.length]!;
    const round = Math.floor(index / TEAM_NAMES.length);
    const name = round === 0 ? base : `${base} ${round + 1}`;
    return { name, email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.|\.$/g, '')}@bank.example`, createdBy: by, updatedBy: by };
  });
  const teamIds: number[] = [];
  for (let start = 0; start < teamRows.length; start += CHUNK_ROWS) {
    const inserted = await tx.insert(teams).values(teamRows.slice(start, start + CHUNK_ROWS)).returning({ id: teams.id });
    teamIds.push(...inserted.map((row) => row.id));
  }

  // Users: two administrators, a few pilots, the rest team members; everyone in one or two teams.
  const pilotCount = Math.max(1, Math.round(options.users * 0.05));
  const demoUsers: Array<Omit<DemoUser, 'id'>> = [];
  for (let index = 0; index < options.users; index++) {
    const first = FIRST_NAMES[index % FIRST_NAMES.length]!;
    const last = LAST_NAMES[(Math.floor(index / FIRST_NAMES.length) + index) % LAST_NAMES.length]!;
    const code = userCode(first, last, takenCodes);
    takenCodes.add(code);
    const plain = (text: string) => text.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
    let email = `${plain(first)}.${plain(last)}@bank.example`;
    for (let n = 2; takenEmails.has(email); n++) email = `${plain(first)}.${plain(last)}${n}@bank.example`;
    takenEmails.add(email);
    let accountId = `557058:${random.hex(8)}-${random.hex(4)}-4${random.hex(3)}-a${random.hex(3)}-${random.hex(12)}`;
    if (takenAccounts.has(accountId)) accountId = `557058:${randomUUID()}`;
    takenAccounts.add(accountId);
    const role: Role = index < Math.min(2, options.users) ? 'ADMIN' : index < 2 + pilotCount ? 'PILOT' : 'NORMAL';
    const memberOf = [teamIds[index % teamIds.length]!];
    if (index % 3 === 0 && teamIds.length > 1) {
      const second = teamIds[(index * 7 + 1) % teamIds.length]!;
      if (second !== memberOf[0]) memberOf.push(second);
    }
    demoUsers.push({ code, name: `${first} ${last}`, email, accountId, role, teamIds: memberOf });
  }
  const userIds: number[] = [];
  for (let start = 0; start < demoUsers.length; start += CHUNK_ROWS) {
    const inserted = await tx
      .insert(users)
      .values(
        demoUsers.slice(start, start + CHUNK_ROWS).map((user) => ({
          code: user.code,
          firstName: user.name.split(' ')[0]!,
          lastName: user.name.split(' ').slice(1).join(' '),
          email: user.email,
          roleId: roleIds.get(user.role),
          isAdmin: user.role === 'ADMIN',
          confluenceUserId: user.accountId,
          createdBy: by,
          updatedBy: by,
        })),
      )
      .returning({ id: users.id });
    userIds.push(...inserted.map((row) => row.id));
  }
  const usersOut: DemoUser[] = demoUsers.map((user, index) => ({ id: userIds[index]!, ...user }));
  await insertChunked(
    tx,
    teamMembers,
    usersOut.flatMap((user) => user.teamIds.map((teamId) => ({ teamId, userId: user.id, createdBy: by }))),
  );

  // Environments and applications: shared reference data, created once per database.
  await tx
    .insert(environments)
    .values(ENVIRONMENTS.map(([code, name]) => ({ code, name, createdBy: by, updatedBy: by })))
    .onConflictDoNothing();
  await tx
    .insert(applications)
    .values(APPLICATIONS.map(([code, name]) => ({ code, name, createdBy: by, updatedBy: by })))
    .onConflictDoNothing();
  const environmentRows = await queryRows<{ id: number; code: string }>(
    tx,
    sql`SELECT env_id AS id, env_code AS code FROM environments_env WHERE env_code IN ${ENVIRONMENTS.map(([code]) => code)}`,
  );
  const applicationRows = await queryRows<{ id: number; code: string }>(
    tx,
    sql`SELECT app_id AS id, app_code AS code FROM applications_app WHERE app_code IN ${APPLICATIONS.map(([code]) => code)}`,
  );
  await tx
    .insert(environmentApplications)
    .values(environmentRows.flatMap((environment) => applicationRows.map((application) => ({ environmentId: environment.id, applicationId: application.id }))))
    .onConflictDoNothing();

  // The migration, its labels and the master plan.
  const owner = usersOut.find((user) => user.role === 'ADMIN') ?? usersOut[0]!;
  const [migration] = await tx
    .insert(migrations)
    .values({
      ownerId: owner.id,
      name: options.migrationName ?? 'Core Banking Platform Migration',
      description: 'Move the core banking platform and its satellites to the new data centre.',
      type: 'APPLICATION',
      startDate: '2026-09-01',
      endDate: '2026-12-31',
      businessCutoverDate: '2026-11-14',
      statusId: CONTAINER_STATUS_ID.Migration.PLANNING,
      createdBy: owner.code,
      updatedBy: owner.code,
    })
    .returning({ id: migrations.id });
  const migrationId = migration!.id;
  const labelRows = await tx
    .insert(labels)
    .values(LABELS.map(([name, color]) => ({ migrationId, name, color, createdBy: owner.id })))
    .returning({ id: labels.id });
  const labelIds = labelRows.map((row) => row.id);

  const masterPlanId = randomUUID();
  await tx.insert(masterPlans).values({
    id: masterPlanId,
    teamId: teamIds[0]!,
    name: options.planName ?? 'Core Banking Cutover',
    description: 'Master runsheet of the core banking cutover weekend.',
    statusId: CONTAINER_STATUS_ID.Plan.PLANNING,
    createdBy: owner.code,
    updatedBy: owner.code,
  });

  const iterationSpecs = options.iterations ?? [
    { name: 'Dress Rehearsal 1', typeCode: 'DR' as const, startDate: '2026-10-03' },
    { name: 'Dress Rehearsal 2', typeCode: 'DR' as const, startDate: '2026-10-24' },
    { name: 'Production Cutover', typeCode: 'CUTOVER' as const, startDate: '2026-11-14' },
  ];
  const iterationRows = iterationSpecs.map((spec) => ({
    id: randomUUID(),
    migrationId,
    masterPlanId,
    iterationTypeCode: spec.typeCode,
    name: spec.name,
    startDate: spec.startDate ?? null,
    statusId: CONTAINER_STATUS_ID.Iteration.PLANNING,
    createdBy: owner.code,
    updatedBy: owner.code,
  }));
  if (iterationRows.length > 0) await tx.insert(iterations).values(iterationRows);
  const iterationEnvironmentRows = iterationRows.flatMap((iteration) =>
    ENVIRONMENTS.map(([code, , role]) => ({
      iterationId: iteration.id,
      environmentId: environmentRows.find((row) => row.code === code)!.id,
      environmentRoleId: environmentRoleIds.get(role) ?? null,
    })),
  );
  if (iterationEnvironmentRows.length > 0) await insertChunked(tx, iterationEnvironments, iterationEnvironmentRows);

  // The master plan's hierarchy, built in memory with its own ids, then written level by level.
  const sequenceRows: Array<typeof masterSequences.$inferInsert> = [];
  const phaseRows: Array<typeof masterPhases.$inferInsert> = [];
  const stepRows: Array<typeof masterSteps.$inferInsert> = [];
  const instructionRows: Array<typeof masterInstructions.$inferInsert> = [];
  const controlRows: Array<typeof masterControls.$inferInsert> = [];
  const impactedRows: Array<typeof masterStepImpactedTeams.$inferInsert> = [];
  const labelLinkRows: Array<typeof stepLabels.$inferInsert> = [];
  const tagRows: Array<typeof masterStepIterationTypes.$inferInsert> = [];
  const pad2 = (value: number) => String(value).padStart(2, '0');
  let previousSequenceId: string | null = null;
  let previousStepId: string | null = null;
  let stepOrdinal = 0;
  const totalSteps = options.sequences * options.phasesPerSequence * options.stepsPerPhase;
  const firstNumber = firstStepNumber(totalSteps);
  for (let s = 0; s < options.sequences; s++) {
    const sequenceId = randomUUID();
    const sequenceName = SEQUENCE_NAMES[s] ?? `Sequence ${s + 1}`;
    sequenceRows.push({ id: sequenceId, planId: masterPlanId, order: s + 1, name: sequenceName, description: `${sequenceName} of the cutover.`, predecessorId: previousSequenceId, createdBy: by, updatedBy: by });
    previousSequenceId = sequenceId;
    let previousPhaseId: string | null = null;
    for (let p = 0; p < options.phasesPerSequence; p++) {
      const phaseId = randomUUID();
      const phaseName = `${sequenceName}: ${PHASE_NAMES[p % PHASE_NAMES.length]!}${p >= PHASE_NAMES.length ? ` ${Math.floor(p / PHASE_NAMES.length) + 1}` : ''}`;
      phaseRows.push({ id: phaseId, sequenceId, order: p + 1, name: phaseName, description: `${phaseName}.`, predecessorId: previousPhaseId, createdBy: by, updatedBy: by });
      previousPhaseId = phaseId;
      for (let k = 0; k < options.controlsPerPhase; k++) {
        controlRows.push({
          id: randomUUID(),
          phaseId,
          code: `QG${planOrdinal}-${pad2(s + 1)}${pad2(p + 1)}-${k + 1}`,
          order: k + 1,
          name: CONTROL_NAMES[(s * options.phasesPerSequence + p + k) % CONTROL_NAMES.length],
          description: 'Both validators confirm the evidence before the next phase starts.',
          type: k === 0 ? 'TECHNICAL' : 'BUSINESS',
          isCritical: k === 0,
          createdBy: by,
          updatedBy: by,
        });
      }
      const phaseStepIds: string[] = [];
      for (let n = 0; n < options.stepsPerPhase; n++) {
        const stepId = randomUUID();
        const [typeCode, action] = random.pick(ACTIONS);
        const system = SYSTEMS[(stepOrdinal + p) % SYSTEMS.length]!;
        // Numbered through the whole plan, as real runbooks are: one code, one step.
        const number = firstNumber + stepOrdinal * 10;
        const ownerTeamId = random.pick(teamIds);
        // Mostly a chain; now and then a step runs in parallel with the previous one.
        const predecessorId = n >= 2 && random.chance(0.2) ? phaseStepIds[n - 2]! : (phaseStepIds[n - 1] ?? previousStepId);
        stepRows.push({
          id: stepId,
          phaseId,
          ownerTeamId,
          stepTypeCode: typeCode,
          number,
          code: formatStepCode(typeCode, number),
          name: `${action} (${system})`,
          description: `${action} for ${system} during "${phaseName}". Follow the instructions in order and report on the bridge call.`,
          durationMinutes: random.int(1, 12) * 5,
          predecessorId,
          environmentRoleId: environmentRoleIds.get(random.chance(0.85) ? 'PROD' : random.chance(0.5) ? 'TEST' : 'BACKUP') ?? null,
          createdBy: by,
          updatedBy: by,
        });
        phaseStepIds.push(stepId);
        previousStepId = stepId;
        for (let i = 0; i < options.instructionsPerStep; i++) {
          instructionRows.push({
            id: randomUUID(),
            stepId,
            order: i + 1,
            body: INSTRUCTIONS[i % INSTRUCTIONS.length],
            durationMinutes: random.int(1, 5),
            teamId: i === options.instructionsPerStep - 1 && random.chance(0.1) ? random.pick(teamIds) : null,
            createdBy: by,
            updatedBy: by,
          });
        }
        if (teamIds.length > 1 && random.chance(0.3)) {
          const impacted = new Set<number>();
          const wanted = random.chance(0.3) ? 2 : 1;
          for (let attempt = 0; impacted.size < wanted && attempt < 10; attempt++) {
            const teamId = random.pick(teamIds);
            if (teamId !== ownerTeamId) impacted.add(teamId);
          }
          for (const teamId of impacted) impactedRows.push({ stepId, teamId });
        }
        if (random.chance(0.25)) {
          const first = random.pick(labelIds);
          labelLinkRows.push({ labelId: first, masterStepId: stepId, createdBy: by });
          const second = random.pick(labelIds);
          if (second !== first && random.chance(0.2)) labelLinkRows.push({ labelId: second, masterStepId: stepId, createdBy: by });
        }
        // A few steps belong only to some kinds of run: DR-only restore drills, production-only go checks.
        if (stepOrdinal % 50 === 49 || (totalSteps < 50 && stepOrdinal === Math.floor(totalSteps / 2))) {
          const types = stepOrdinal % 100 === 49 || totalSteps < 50 ? ['DR', 'CUTOVER'] : ['RUN', 'CUTOVER'];
          for (const iterationTypeCode of types) tagRows.push({ stepId, iterationTypeCode });
        }
        stepOrdinal += 1;
      }
    }
  }
  await insertChunked(tx, masterSequences, sequenceRows);
  await insertChunked(tx, masterPhases, phaseRows);
  await insertChunked(tx, masterControls, controlRows);
  // Predecessors always point at earlier steps, so chunks in order satisfy the foreign key.
  await insertChunked(tx, masterSteps, stepRows);
  await insertChunked(tx, masterInstructions, instructionRows);
  await insertChunked(tx, masterStepImpactedTeams, impactedRows);
  await insertChunked(tx, stepLabels, labelLinkRows);
  await insertChunked(tx, masterStepIterationTypes, tagRows);

  return {
    migrationId,
    iterationIds: iterationRows.map((row) => row.id),
    iterations: iterationRows.map((row) => ({ id: row.id, name: row.name, typeCode: row.iterationTypeCode })),
    masterPlanId,
    teamIds,
    labelIds,
    environmentIds: environmentRows.map((row) => row.id),
    applicationIds: applicationRows.map((row) => row.id),
    users: usersOut,
    counts: {
      teams: teamIds.length,
      users: usersOut.length,
      sequences: sequenceRows.length,
      phases: phaseRows.length,
      steps: stepRows.length,
      instructions: instructionRows.length,
      controls: controlRows.length,
      impactedTeamLinks: impactedRows.length,
      labelLinks: labelLinkRows.length,
      iterationTypeTags: tagRows.length,
    },
  };
}
