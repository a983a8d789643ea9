import { and, asc, eq, like, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { queryRows } from '../../src/db/query';
import { auditLog, environments, masterControls, masterSequences } from '../../src/db/schema';
import { adminOperations } from '../../src/resolvers/admin';
import {
  applicationEntity,
  emailTemplateEntity,
  environmentEntity,
  iterationEntity,
  iterationTypeEntity,
  labelEntity,
  masterControlEntity,
  masterInstructionEntity,
  masterPhaseEntity,
  masterPlanEntity,
  masterSequenceEntity,
  masterStepEntity,
  migrationEntity,
  migrationTypeEntity,
  statusEntity,
  stepTypeEntity,
  systemConfigurationEntity,
  teamEntity,
  userEntity,
} from '../../src/services/admin/entities';
import { schemaTables, tableName } from '../../src/services/admin/schema-meta';
import { codeOf, expectOk } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';

/**
 * Every admin entity, table-driven: the create -> get -> list -> update -> delete round trip with
 * the database and audit rows checked, optimistic concurrency, malformed payloads, and the
 * permission matrix of every mutating admin resolver (entities and links).
 */

type Payload = Record<string, unknown>;

interface EntitySpec {
  key: string;
  entity: { table: PgTable; idColumn: AnyPgColumn; config: { entityType: string } };
  /** A fresh, valid create payload (unique names and codes on every call). */
  create(): Payload;
  /** A valid change for update. */
  change(): Payload;
  unknownId: unknown;
  version?: 'expectedVersion';
}

interface LinkSpec {
  key: string;
  /** Creates fresh ends and returns the add payload and the matching remove payload. */
  fresh(): Promise<{ add: Payload; remove: Payload }>;
}

const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';
const ADMIN = ACCOUNTS.admin;

describe('admin entities', () => {
  let s: Scenario;
  let counter = 0;
  const n = () => ++counter;
  /** Three characters, unique per call: user codes and step type codes. */
  const trigram = (prefix: string) => `${prefix}${n().toString(36).toUpperCase().padStart(2, '0')}`;
  let sequenceId: string;
  let phaseId: string;
  let controlId: string;
  let environmentId: number;

  beforeAll(async () => {
    s = await createScenario();
    const [sequence] = await s.db.select().from(masterSequences).where(eq(masterSequences.planId, s.masterPlanId)).orderBy(asc(masterSequences.order));
    sequenceId = sequence!.id;
    phaseId = s.phases[0]!.masterId;
    const [control] = await s.db.select().from(masterControls).limit(1);
    controlId = control!.id;
    const [environment] = await s.db.insert(environments).values({ code: 'PRD', name: 'Production' }).returning();
    environmentId = environment!.id;
  });
  afterAll(() => s.close());

  const specs: EntitySpec[] = [
    {
      key: 'migrations',
      entity: migrationEntity,
      create: () => ({ name: `Migration ${n()}`, type: 'DATABASE', startDate: '2027-01-01', endDate: '2027-03-31', statusId: 1 }),
      change: () => ({ name: `Migration renamed ${n()}`, description: 'Moved to Q2', statusId: 2 }),
      unknownId: UNKNOWN_UUID,
    },
    {
      key: 'iterations',
      entity: iterationEntity,
      create: () => ({ migrationId: s.migrationId, iterationTypeCode: 'DR', name: `Dress rehearsal ${n()}`, startDate: '2027-01-10' }),
      change: () => ({ name: `Dress rehearsal renamed ${n()}`, iterationTypeCode: 'CUTOVER', statusId: 10 }),
      unknownId: UNKNOWN_UUID,
    },
    {
      key: 'masterPlans',
      entity: masterPlanEntity,
      create: () => ({ teamId: s.teams.owner, name: `Plan ${n()}`, description: 'Template' }),
      change: () => ({ teamId: s.teams.other, description: `Changed ${n()}` }),
      unknownId: UNKNOWN_UUID,
    },
    {
      key: 'masterSequences',
      entity: masterSequenceEntity,
      create: () => ({ planId: s.masterPlanId, name: `Sequence ${n()}`, order: 90 }),
      change: () => ({ name: `Sequence renamed ${n()}`, order: 91 }),
      unknownId: UNKNOWN_UUID,
    },
    {
      key: 'masterPhases',
      entity: masterPhaseEntity,
      create: () => ({ sequenceId, name: `Phase ${n()}`, order: 90 }),
      change: () => ({ name: `Phase renamed ${n()}`, description: 'Shorter' }),
      unknownId: UNKNOWN_UUID,
    },
    {
      key: 'masterSteps',
      entity: masterStepEntity,
      create: () => ({ phaseId, stepTypeCode: 'CHK', number: 100 + n(), name: 'Check the row counts', ownerTeamId: s.teams.owner, durationMinutes: 15 }),
      change: () => ({ name: `Check again ${n()}`, durationMinutes: 20, ownerTeamId: s.teams.other }),
      unknownId: UNKNOWN_UUID,
    },
    {
      key: 'masterInstructions',
      entity: masterInstructionEntity,
      create: () => ({ stepId: s.steps[0]!.masterId, order: 10 + n(), body: 'Run the script', durationMinutes: 3 }),
      change: () => ({ body: `Run it twice ${n()}`, teamId: s.teams.other }),
      unknownId: UNKNOWN_UUID,
    },
    {
      key: 'masterControls',
      entity: masterControlEntity,
      create: () => ({ phaseId, code: `CTL-${n()}`, name: 'Row counts match', type: 'QUALITY', isCritical: true }),
      change: () => ({ name: `Row counts still match ${n()}`, isCritical: false }),
      unknownId: UNKNOWN_UUID,
    },
    {
      key: 'teams',
      entity: teamEntity,
      create: () => ({ name: `Team ${n()}`, email: 'team@example.com', description: 'Night shift' }),
      change: () => ({ description: `Day shift ${n()}`, email: null }),
      unknownId: 999_999,
    },
    {
      key: 'users',
      entity: userEntity,
      create: () => {
        const code = trigram('U');
        return { code, firstName: 'Ann', lastName: 'Lee', email: `${code.toLowerCase()}@example.com`, roleCode: 'PILOT', confluenceUserId: `acc-${code}` };
      },
      change: () => ({ firstName: `Anne${n()}`, roleCode: 'NORMAL', active: false }),
      unknownId: 999_999,
    },
    {
      key: 'applications',
      entity: applicationEntity,
      create: () => ({ code: `APP-${n()}`, name: 'Core banking', description: 'Mainframe' }),
      change: () => ({ name: `Core banking ${n()}`, code: `APP-R${n()}` }),
      unknownId: 999_999,
    },
    {
      key: 'environments',
      entity: environmentEntity,
      create: () => ({ code: `ENV${n()}`, name: 'Test' }),
      change: () => ({ name: `Test ${n()}`, description: 'Shared' }),
      unknownId: 999_999,
    },
    {
      key: 'labels',
      entity: labelEntity,
      create: () => ({ migrationId: s.migrationId, name: `label-${n()}`, color: '#112233' }),
      change: () => ({ color: '#445566', description: `Tagged ${n()}` }),
      unknownId: 999_999,
      version: 'expectedVersion',
    },
    {
      key: 'iterationTypes',
      entity: iterationTypeEntity,
      create: () => ({ code: `IT${n()}`, name: 'Pilot run', color: '#336699', displayOrder: 9 }),
      change: () => ({ name: `Pilot run ${n()}`, active: false }),
      unknownId: 'NOPE',
    },
    {
      key: 'migrationTypes',
      entity: migrationTypeEntity,
      create: () => ({ code: `MT_${n()}`, name: 'Carve-out', icon: 'scissors' }),
      change: () => ({ name: `Carve-out ${n()}`, displayOrder: 12 }),
      unknownId: 999_999,
    },
    {
      key: 'stepTypes',
      entity: stepTypeEntity,
      create: () => ({ code: trigram('Q'), name: 'Quality' }),
      change: () => ({ name: `Quality ${n()}`, description: 'QA steps' }),
      unknownId: 'ZZZ',
    },
    {
      key: 'statuses',
      entity: statusEntity,
      create: () => ({ name: `ON_HOLD_${n()}`, color: '#123456', type: 'Step' }),
      change: () => ({ color: '#ABCDEF', name: `PAUSED_${n()}` }),
      unknownId: 999_999,
    },
    {
      key: 'systemConfiguration',
      entity: systemConfigurationEntity,
      create: () => ({ environmentId, key: `api.timeout_${n()}`, value: '30', dataType: 'NUMBER', category: 'API_CONFIG' }),
      change: () => ({ value: String(40 + n()) }),
      unknownId: UNKNOWN_UUID,
    },
    {
      key: 'emailTemplates',
      entity: emailTemplateEntity,
      create: () => ({ type: 'SYSTEM_ALERT', name: `Alert ${n()}`, subject: 'Heads up', bodyHtml: '<p>Heads up</p>' }),
      change: () => ({ subject: `Heads up again ${n()}`, isActive: false }),
      unknownId: UNKNOWN_UUID,
    },
  ];

  const call = (key: string, payload: unknown, account: string = ADMIN) => s.callRaw(account, key, payload);

  async function createVia(spec: EntitySpec, payload = spec.create()): Promise<Payload> {
    return expectOk(await call(`admin/${spec.key}/create`, payload)) as Payload;
  }

  function versionOf(spec: EntitySpec, view: Payload): Payload {
    return spec.version === 'expectedVersion' ? { expectedVersion: view.version } : { expectedUpdatedAt: view.updatedAt };
  }

  async function rowOf(spec: EntitySpec, id: unknown): Promise<Payload | undefined> {
    const [row] = await s.db.select().from(spec.entity.table).where(eq(spec.entity.idColumn, id));
    return row;
  }

  /** The payload fields that are columns, compared with what the database holds. */
  function expectRowHolds(row: Payload | undefined, payload: Payload): void {
    expect(row).toBeDefined();
    for (const [key, value] of Object.entries(payload)) if (key in row!) expect([key, row![key]]).toEqual([key, value]);
  }

  /** One count per table of the schema, in one statement. */
  async function rowCounts(): Promise<Record<string, number>> {
    const names = schemaTables().map(tableName);
    const [row] = await queryRows<Record<string, number>>(
      s.db,
      sql`select ${sql.join(
        names.map((name) => sql`(select count(*)::int from ${sql.identifier(name)}) as ${sql.identifier(name)}`),
        sql`, `,
      )}`,
    );
    return row!;
  }

  async function adminActions(spec: EntitySpec, id: unknown): Promise<string[]> {
    const rows = await s.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.entityType, spec.entity.config.entityType), eq(auditLog.entityId, String(id)), like(auditLog.action, 'ADMIN_%')))
      .orderBy(asc(auditLog.timestamp));
    return rows.map((row) => row.action ?? '');
  }

  describe.each(specs)('$key', (spec) => {
    it('creates, gets, lists, updates and deletes, recording who did it and one audit row each', async () => {
      const payload = spec.create();
      const created = await createVia(spec, payload);
      expect(created).toMatchObject(payload);
      const row = await rowOf(spec, created.id);
      expectRowHolds(row, payload);
      if ('updatedBy' in row!) expect(row.updatedBy).toBe('ADM');
      if ('createdBy' in row!) expect(row.createdBy).toBe(spec.key === 'labels' ? s.users.admin.id : 'ADM');

      expect(expectOk(await call(`admin/${spec.key}/get`, { id: created.id }))).toEqual(created);
      const listed = expectOk(await call(`admin/${spec.key}/list`, {})) as Payload[];
      expect(listed.find((item) => item.id === created.id)).toEqual(created);

      const change = spec.change();
      const updated = expectOk(await call(`admin/${spec.key}/update`, { id: created.id, ...versionOf(spec, created), ...change })) as Payload;
      expect(updated).toMatchObject(change);
      expectRowHolds(await rowOf(spec, created.id), change);
      if (spec.version !== 'expectedVersion') expect(Date.parse(updated.updatedAt as string)).toBeGreaterThan(Date.parse(created.updatedAt as string));

      expect(expectOk(await call(`admin/${spec.key}/delete`, { id: created.id }))).toEqual({ id: created.id, deleted: true });
      expect(await rowOf(spec, created.id)).toBeUndefined();
      expect(codeOf(await call(`admin/${spec.key}/get`, { id: created.id }))).toBe('NOT_FOUND');

      const type = spec.entity.config.entityType.toUpperCase();
      expect(await adminActions(spec, created.id)).toEqual([`ADMIN_${type}_CREATED`, `ADMIN_${type}_UPDATED`, `ADMIN_${type}_DELETED`]);
      const [deleted] = await s.db.select().from(auditLog).where(and(eq(auditLog.entityId, String(created.id)), eq(auditLog.action, `ADMIN_${type}_DELETED`)));
      expect((deleted!.details as Payload).before).toMatchObject({ id: created.id });
    });

    it('refuses the second of two updates made from the same loaded version, keeping the first', async () => {
      const loaded = await createVia(spec);
      const first = spec.change();
      const second = spec.change();
      expectOk(await call(`admin/${spec.key}/update`, { id: loaded.id, ...versionOf(spec, loaded), ...first }));
      const late = await call(`admin/${spec.key}/update`, { id: loaded.id, ...versionOf(spec, loaded), ...second });
      expect(codeOf(late)).toBe('CONFLICT');
      expect(late.ok ? '' : late.error.message).toMatch(/changed by someone else since you opened it; reload/);
      expectRowHolds(await rowOf(spec, loaded.id), first);
      // A stale delete is refused the same way.
      expect(codeOf(await call(`admin/${spec.key}/delete`, { id: loaded.id, ...versionOf(spec, loaded) }))).toBe('CONFLICT');
      expect(await rowOf(spec, loaded.id)).toBeDefined();
    });

    it('rejects malformed payloads and unknown ids without writing anything', async () => {
      const existing = await createVia(spec);
      const before = await rowCounts();
      const valid = spec.create();
      const bad: unknown[] = [{}, null, 'DROP TABLE teams_tms', [], { ...valid, extra: 1 }, { ...valid, id: 1 }];
      for (const [key, value] of Object.entries(valid)) {
        bad.push({ ...valid, [key]: { nested: true } });
        if (typeof value === 'string') bad.push({ ...valid, [key]: 'x'.repeat(1_000_000) });
        if (typeof value === 'number') bad.push({ ...valid, [key]: 'seven' });
      }
      for (const payload of bad) {
        const result = await call(`admin/${spec.key}/create`, payload);
        expect([JSON.stringify(payload)?.slice(0, 80), codeOf(result)]).toEqual([JSON.stringify(payload)?.slice(0, 80), 'VALIDATION']);
      }
      const version = versionOf(spec, existing);
      expect(codeOf(await call(`admin/${spec.key}/update`, { id: existing.id, ...version }))).toBe('VALIDATION');
      expect(codeOf(await call(`admin/${spec.key}/update`, { id: existing.id, ...spec.change() }))).toBe('VALIDATION');
      expect(codeOf(await call(`admin/${spec.key}/update`, { id: existing.id, ...version, ...spec.change(), createdBy: 'EVE' }))).toBe('VALIDATION');
      expect(codeOf(await call(`admin/${spec.key}/update`, { id: spec.unknownId, ...version, ...spec.change() }))).toBe('NOT_FOUND');
      expect(codeOf(await call(`admin/${spec.key}/delete`, { id: spec.unknownId }))).toBe('NOT_FOUND');
      expect(codeOf(await call(`admin/${spec.key}/get`, { id: spec.unknownId }))).toBe('NOT_FOUND');
      expect(codeOf(await call(`admin/${spec.key}/list`, { unexpected: true }))).toBe('VALIDATION');
      expect(await rowCounts()).toEqual(before);
    });
  });

  describe('permissions', () => {
    const links: LinkSpec[] = [
      {
        key: 'teamMembers',
        fresh: async () => {
          const team = await createVia(specs.find((sp) => sp.key === 'teams')!);
          const keys = { teamId: team.id, userId: s.users.pilot.id };
          return { add: keys, remove: keys };
        },
      },
      {
        key: 'teamApplications',
        fresh: async () => {
          const app = await createVia(specs.find((sp) => sp.key === 'applications')!);
          const keys = { teamId: s.teams.other, applicationId: app.id };
          return { add: keys, remove: keys };
        },
      },
      {
        key: 'environmentApplications',
        fresh: async () => {
          const app = await createVia(specs.find((sp) => sp.key === 'applications')!);
          const keys = { environmentId, applicationId: app.id };
          return { add: keys, remove: keys };
        },
      },
      {
        key: 'iterationEnvironments',
        fresh: async () => {
          const env = await createVia(specs.find((sp) => sp.key === 'environments')!);
          const keys = { iterationId: s.iterationId, environmentId: env.id };
          return { add: { ...keys, environmentRoleId: 1 }, remove: keys };
        },
      },
      {
        key: 'stepImpactedTeams',
        fresh: async () => {
          const team = await createVia(specs.find((sp) => sp.key === 'teams')!);
          const keys = { stepId: s.steps[0]!.masterId, teamId: team.id };
          return { add: keys, remove: keys };
        },
      },
      {
        key: 'stepIterationTypes',
        fresh: async () => {
          const type = await createVia(specs.find((sp) => sp.key === 'iterationTypes')!);
          const keys = { stepId: s.steps[0]!.masterId, iterationTypeCode: type.code };
          return { add: keys, remove: keys };
        },
      },
      {
        key: 'stepLabels',
        fresh: async () => {
          const label = await createVia(specs.find((sp) => sp.key === 'labels')!);
          const keys = { masterStepId: s.steps[0]!.masterId, labelId: label.id };
          return { add: keys, remove: keys };
        },
      },
      {
        key: 'labelApplications',
        fresh: async () => {
          const label = await createVia(specs.find((sp) => sp.key === 'labels')!);
          const app = await createVia(specs.find((sp) => sp.key === 'applications')!);
          const keys = { labelId: label.id, applicationId: app.id };
          return { add: keys, remove: keys };
        },
      },
      {
        key: 'labelControls',
        fresh: async () => {
          const label = await createVia(specs.find((sp) => sp.key === 'labels')!);
          const keys = { labelId: label.id, masterControlId: controlId };
          return { add: keys, remove: keys };
        },
      },
    ];

    const mutations: Array<{ key: string; payload: () => Promise<Payload> }> = [
      ...specs.flatMap((spec) => [
        { key: `admin/${spec.key}/create`, payload: async () => spec.create() },
        {
          key: `admin/${spec.key}/update`,
          payload: async () => {
            const view = await createVia(spec);
            return { id: view.id, ...versionOf(spec, view), ...spec.change() };
          },
        },
        { key: `admin/${spec.key}/delete`, payload: async () => ({ id: (await createVia(spec)).id }) },
      ]),
      ...links.flatMap((link) => [
        { key: `admin/${link.key}/add`, payload: async () => (await link.fresh()).add },
        {
          key: `admin/${link.key}/remove`,
          payload: async () => {
            const { add, remove } = await link.fresh();
            expect(expectOk(await call(`admin/${link.key}/add`, add))).toEqual({ changed: true });
            return remove;
          },
        },
      ]),
    ];

    it('covers every mutating admin resolver', () => {
      const mutating = Object.keys(adminOperations).filter((key) => /\/(create|update|delete|add|remove)$/.test(key));
      expect(mutations.map((m) => m.key).sort()).toEqual(mutating.sort());
    });

    const refused: Array<[string, string]> = [
      [ACCOUNTS.unknown, 'UNKNOWN_USER'],
      [ACCOUNTS.inactive, 'UNKNOWN_USER'],
      [ACCOUNTS.normalOutside, 'FORBIDDEN'],
      [ACCOUNTS.normalInTeam, 'FORBIDDEN'],
      [ACCOUNTS.pilot, 'FORBIDDEN'],
    ];

    it.each(mutations)('$key: refuses everyone but administrators and changes nothing', async ({ key, payload }) => {
      const valid = await payload();
      const before = await rowCounts();
      for (const [account, code] of refused) {
        const result = await call(key, valid, account);
        expect([account, codeOf(result)]).toEqual([account, code]);
      }
      expect(await rowCounts()).toEqual(before);
      const result = await call(key, valid);
      expect(codeOf(result)).toBe('OK');
      if (/\/(add|remove)$/.test(key)) expect(result.ok && result.data).toEqual({ changed: true });
    });

    it('lets every known user read reference data and plans, but only administrators read settings, templates and contact details', async () => {
      const reader = ACCOUNTS.normalOutside;
      for (const spec of specs) {
        const adminOnly = spec.key === 'systemConfiguration' || spec.key === 'emailTemplates';
        const listed = await call(`admin/${spec.key}/list`, {}, reader);
        expect([spec.key, codeOf(listed)]).toEqual([spec.key, adminOnly ? 'FORBIDDEN' : 'OK']);
        expect([spec.key, codeOf(await call(`admin/${spec.key}/list`, {}, ACCOUNTS.pilot))]).toEqual([spec.key, adminOnly ? 'FORBIDDEN' : 'OK']);
        expect(codeOf(await call(`admin/${spec.key}/list`, {}, ACCOUNTS.unknown))).toBe('UNKNOWN_USER');
      }
      const users = expectOk(await s.call(reader, 'admin/users/list', {}));
      expect(users.length).toBeGreaterThan(0);
      expect(users.every((user) => user.email === null && user.confluenceUserId === null)).toBe(true);
      const me = expectOk(await s.call(reader, 'admin/users/get', { id: s.users.admin.id }));
      expect(me).toMatchObject({ code: 'ADM', roleCode: 'ADMIN', email: null });
      const asAdmin = expectOk(await s.call(ADMIN, 'admin/users/get', { id: s.users.admin.id }));
      expect(asAdmin).toMatchObject({ email: 'adm@example.com', confluenceUserId: ACCOUNTS.admin });
    });
  });
});
