import { eq } from 'drizzle-orm';
import { instructionInstances } from '../../src/db/schema';
import { codeOf } from '../helpers/call';
import { ACCOUNTS, createScenario, type Scenario } from '../helpers/scenario';
import {
  executionFingerprint,
  ONE_MB,
  phaseAt,
  resetRunsheet,
  seedComment,
  seedPilotComment,
  setStepStatus,
  SQL_TEXT,
  stepAt,
  tableCounts,
  UNKNOWN_UUID,
} from './execution-fixtures';

/**
 * Malformed payloads for every execution resolver: each gets VALIDATION (or NOT_FOUND for ids that
 * are well formed but unknown), a readable message, and changes nothing in the database.
 */

type Kind = 'uuid' | 'int' | 'enum' | 'bool' | 'text';

interface Spec {
  functionKey: string;
  /** A payload that would be accepted. */
  valid(s: Scenario): Promise<Record<string, unknown>>;
  fields: Record<string, { kind: Kind; required: boolean }>;
  /** Well-formed ids that point at nothing. */
  unknown: Array<Record<string, unknown>>;
}

const SPECS: Spec[] = [
  {
    functionKey: 'steps/changeStatus',
    valid: async (s) => ({ stepId: stepAt(s, 0, 0, 0).id, toStatus: 'TODO', expectedStatus: 'PENDING', overrideReason: 'because' }),
    fields: { stepId: { kind: 'uuid', required: true }, toStatus: { kind: 'enum', required: true }, expectedStatus: { kind: 'enum', required: true }, overrideReason: { kind: 'text', required: false } },
    unknown: [{ stepId: UNKNOWN_UUID, toStatus: 'TODO', expectedStatus: 'PENDING' }],
  },
  {
    functionKey: 'steps/allowedTransitions',
    valid: async (s) => ({ stepId: stepAt(s, 0, 0, 0).id }),
    fields: { stepId: { kind: 'uuid', required: true } },
    unknown: [{ stepId: UNKNOWN_UUID }],
  },
  {
    functionKey: 'instructions/setCompleted',
    valid: async (s) => {
      const [instruction] = await s.db.select().from(instructionInstances).where(eq(instructionInstances.stepId, stepAt(s, 0, 0, 0).id)).limit(1);
      return { instructionId: instruction!.id, completed: false };
    },
    fields: { instructionId: { kind: 'uuid', required: true }, completed: { kind: 'bool', required: true } },
    unknown: [{ instructionId: UNKNOWN_UUID, completed: true }],
  },
  {
    functionKey: 'controls/recordVerdict',
    valid: async (s) => ({ controlId: phaseAt(s, 0, 0).criticalControlId!, verdict: 'PASSED', slot: 'IT', comment: 'fine', expectedStatus: 'TODO' }),
    fields: {
      controlId: { kind: 'uuid', required: true },
      verdict: { kind: 'enum', required: true },
      slot: { kind: 'enum', required: false },
      comment: { kind: 'text', required: false },
      expectedStatus: { kind: 'enum', required: true },
    },
    unknown: [{ controlId: UNKNOWN_UUID, verdict: 'PASSED', slot: 'IT', expectedStatus: 'TODO' }],
  },
  {
    functionKey: 'controls/assignValidators',
    valid: async (s) => ({ controlId: phaseAt(s, 0, 0).criticalControlId!, itValidatorId: s.users.itValidator.id, bizValidatorId: s.users.bizValidator.id }),
    fields: { controlId: { kind: 'uuid', required: true }, itValidatorId: { kind: 'int', required: true }, bizValidatorId: { kind: 'int', required: true } },
    unknown: [{ controlId: UNKNOWN_UUID, itValidatorId: null, bizValidatorId: null }],
  },
  {
    functionKey: 'comments/add',
    valid: async (s) => ({ stepId: stepAt(s, 0, 0, 0).id, body: 'hello' }),
    fields: { stepId: { kind: 'uuid', required: true }, body: { kind: 'text', required: true } },
    unknown: [{ stepId: UNKNOWN_UUID, body: 'hello' }],
  },
  {
    functionKey: 'comments/edit',
    valid: async (s) => ({ commentId: await seedComment(s, stepAt(s, 0, 0, 0).id, s.users.admin.id), body: 'hello' }),
    fields: { commentId: { kind: 'int', required: true }, body: { kind: 'text', required: true } },
    unknown: [{ commentId: 2_000_000_000, body: 'hello' }],
  },
  {
    functionKey: 'comments/delete',
    valid: async (s) => ({ commentId: await seedComment(s, stepAt(s, 0, 0, 0).id, s.users.admin.id) }),
    fields: { commentId: { kind: 'int', required: true } },
    unknown: [{ commentId: 2_000_000_000 }],
  },
  {
    functionKey: 'pilotComments/add',
    valid: async (s) => ({ masterStepId: stepAt(s, 0, 0, 0).masterId, body: 'hello', visibility: 'ALL' }),
    fields: { masterStepId: { kind: 'uuid', required: true }, body: { kind: 'text', required: true }, visibility: { kind: 'enum', required: false } },
    unknown: [{ masterStepId: UNKNOWN_UUID, body: 'hello' }],
  },
  {
    functionKey: 'pilotComments/edit',
    valid: async (s) => ({ commentId: await seedPilotComment(s, stepAt(s, 0, 0, 0).masterId, s.users.admin.id), body: 'hello', visibility: 'PILOTS' }),
    fields: { commentId: { kind: 'int', required: true }, body: { kind: 'text', required: true }, visibility: { kind: 'enum', required: false } },
    unknown: [{ commentId: 2_000_000_000, body: 'hello' }],
  },
  {
    functionKey: 'pilotComments/delete',
    valid: async (s) => ({ commentId: await seedPilotComment(s, stepAt(s, 0, 0, 0).masterId, s.users.admin.id) }),
    fields: { commentId: { kind: 'int', required: true } },
    unknown: [{ commentId: 2_000_000_000 }],
  },
];

/** Values of the wrong type or shape for a field of the given kind. */
function badValues(kind: Kind): unknown[] {
  const common = [ONE_MB, [], {}, true];
  switch (kind) {
    case 'uuid':
      return [...common, SQL_TEXT, 'not-a-uuid', 42, null, `${UNKNOWN_UUID}'; --`];
    case 'enum':
      return [...common, SQL_TEXT, 'done', 'in_progress', 1, null];
    case 'int':
      return [ONE_MB, [], {}, true, SQL_TEXT, '1', -1, 0, 1.5, 2 ** 31, Number.NaN, '1 OR 1=1'];
    case 'bool':
      return [ONE_MB, [], {}, SQL_TEXT, 'true', 1, null];
    case 'text':
      // SQL-looking text is legitimate text; only size and type are wrong here.
      return [ONE_MB, 'y'.repeat(10_001), [], {}, 42, null, true];
  }
}

function badPayloads(valid: Record<string, unknown>, fields: Spec['fields']): Array<{ label: string; payload: unknown }> {
  const payloads: Array<{ label: string; payload: unknown }> = [
    { label: 'no payload', payload: undefined },
    { label: 'null', payload: null },
    { label: 'an empty object', payload: {} },
    { label: 'an array', payload: [valid] },
    { label: 'a SQL string', payload: SQL_TEXT },
    { label: 'an extra field', payload: { ...valid, extra: 1 } },
    { label: 'an actor id in the payload', payload: { ...valid, userId: 1 } },
  ];
  for (const [name, field] of Object.entries(fields)) {
    if (field.required) {
      const { [name]: _omitted, ...rest } = valid;
      payloads.push({ label: `without ${name}`, payload: rest });
    }
    badValues(field.kind).forEach((value, i) => {
      if (value === null && field.kind === 'int') return;
      payloads.push({ label: `${name} = bad value #${i}`, payload: { ...valid, [name]: value } });
    });
  }
  if (Object.values(fields).some((field) => field.kind === 'text')) {
    for (const [name, field] of Object.entries(fields)) {
      if (field.kind === 'text' && field.required) payloads.push({ label: `${name} blank`, payload: { ...valid, [name]: '   ' } });
    }
  }
  return payloads;
}

describe('bad input to the execution resolvers', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario();
    await resetRunsheet(s);
    await setStepStatus(s, stepAt(s, 0, 0, 0).id, 'PENDING');
  });
  afterAll(() => s.close());

  it.each(SPECS.map((spec) => [spec.functionKey, spec] as const))('%s refuses malformed payloads with VALIDATION and changes nothing', async (_key, spec) => {
    const valid = await spec.valid(s);
    const counts = await tableCounts(s);
    const before = await executionFingerprint(s);
    const failures: string[] = [];
    for (const { label, payload } of badPayloads(valid, spec.fields)) {
      const result = await s.callRaw(ACCOUNTS.admin, spec.functionKey, payload);
      if (codeOf(result) !== 'VALIDATION') failures.push(`${label}: ${codeOf(result)}`);
      else if (result.ok || !/^The request is not valid: /.test(result.error.message) || /select|insert|update|delete from/i.test(result.error.message)) {
        failures.push(`${label}: unclear message ${result.ok ? '' : result.error.message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await executionFingerprint(s)).toBe(before);
    expect(await tableCounts(s)).toEqual(counts);
    // The payload every bad one was derived from is accepted, so the refusals above are not vacuous.
    expect(codeOf(await s.callRaw(ACCOUNTS.admin, spec.functionKey, valid))).toBe('OK');
  });

  it.each(SPECS.map((spec) => [spec.functionKey, spec] as const))('%s answers NOT_FOUND for well-formed unknown ids and changes nothing', async (_key, spec) => {
    const before = await executionFingerprint(s);
    for (const payload of spec.unknown) {
      const result = await s.callRaw(ACCOUNTS.admin, spec.functionKey, payload);
      expect(codeOf(result)).toBe('NOT_FOUND');
    }
    expect(await executionFingerprint(s)).toBe(before);
  });

  it('keeps the users table intact after all the SQL-looking input', async () => {
    const counts = await tableCounts(s);
    expect(counts.users).toBe(8);
  });
});
