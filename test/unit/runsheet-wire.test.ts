import fc from 'fast-check';
import { decodeRunsheetChanges, decodeStep, encodeRunsheetChanges, encodeStep, type RunsheetStepView } from '../../src/resolvers/runsheet-wire';
import type { RunsheetChanges, RunsheetStep } from '../../src/services/runsheet/types';

/** The compact runsheet (src/resolvers/runsheet-wire.ts) gives the apps back exactly what the table shows. */

const T0 = Math.floor(Date.parse('2026-12-06T10:00:00.000Z') / 1000);
// Whole seconds: the wire keeps times to the second.
const time = fc.option(fc.integer({ min: -400 * 86_400, max: 400 * 86_400 }).map((offset) => new Date((T0 + offset) * 1000).toISOString()), { nil: null });
const id = fc.uuid();
const ids = fc.array(fc.integer({ min: 1, max: 100_000 }), { maxLength: 5 });
const typeCode = fc.stringMatching(/^[A-Z]{1,3}$/);

const step: fc.Arbitrary<RunsheetStep> = fc
  .record({
    id,
    type: fc.option(typeCode, { nil: null }),
    number: fc.integer({ min: 0, max: 99_999 }),
    name: fc.option(fc.string({ maxLength: 80 }), { nil: null }),
    ownerTeamId: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: null }),
    impactedTeamIds: ids,
    statusId: fc.integer({ min: 1, max: 30 }),
    durationMinutes: fc.option(fc.integer({ min: 0, max: 10_080 }), { nil: null }),
    startTime: time,
    endTime: time,
    done: fc.nat(50),
    total: fc.nat(50),
    labelIds: ids,
    p: fc.option(fc.tuple(fc.nat(100_000), fc.nat(100_000), fc.nat(100_000)), { nil: undefined }),
    statusReason: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
    predecessorId: fc.option(id, { nil: null }),
  })
  .map((r) => {
    const code = r.type === null ? null : `${r.type}-${String(r.number).padStart(3, '0')}`;
    const built: RunsheetStep = {
      id: r.id,
      code,
      name: r.name,
      typeCode: r.type,
      ownerTeamId: r.ownerTeamId,
      impactedTeamIds: r.impactedTeamIds,
      statusId: r.statusId,
      durationMinutes: r.durationMinutes,
      startTime: r.startTime,
      endTime: r.endTime,
      predecessorId: r.predecessorId,
      predecessorCode: r.predecessorId ? 'TRT-010' : null,
      instructions: { done: r.done, total: r.total },
      labelIds: r.labelIds,
      environmentRoleId: 1,
      updatedAt: '2026-12-06T09:59:59.123Z',
    };
    if (r.p) built.p = r.p;
    if (r.statusReason !== undefined) built.statusReason = r.statusReason;
    return built;
  });

function view(full: RunsheetStep): RunsheetStepView {
  const { predecessorId: _p, predecessorCode: _c, environmentRoleId: _e, updatedAt: _u, ...shown } = full;
  return shown;
}

describe('runsheet on the wire', () => {
  it('decodes every step to what the table shows, whatever it holds', () => {
    fc.assert(
      fc.property(step, (full) => {
        expect(decodeStep(encodeStep(full, T0), T0)).toEqual(view(full));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a typical step under 250 bytes', () => {
    const typical: RunsheetStep = {
      id: 'c613da8d-b8df-4ef8-a948-8f81abfdca1b',
      code: 'TRT-1050',
      name: 'Refresh materialized views (Online Banking)',
      typeCode: 'TRT',
      ownerTeamId: 17,
      impactedTeamIds: [4, 9],
      statusId: 21,
      durationMinutes: 45,
      startTime: '2026-12-06T09:12:31.000Z',
      endTime: null,
      predecessorId: 'cad2e920-de08-40e7-a5bc-ab06f03ef186',
      predecessorCode: 'IGO-1040',
      instructions: { done: 1, total: 3 },
      labelIds: [2],
      environmentRoleId: 2,
      updatedAt: '2026-12-06T10:44:46.039Z',
      p: [135, 180, 0],
    };
    const bytes = JSON.stringify(encodeStep(typical, T0)).length;
    expect(bytes).toBeLessThan(JSON.stringify(typical).length / 2);
    expect(bytes).toBeLessThan(250);
  });

  it('places every changed step in its phase', () => {
    const changed = { ...fc.sample(step, 1)[0]!, phaseId: 'phase-1' };
    const changes = { asOf: '2026-12-06T10:00:00.500Z', steps: [changed] } as unknown as RunsheetChanges;
    const decoded = decodeRunsheetChanges(encodeRunsheetChanges(changes));
    expect(decoded.steps).toEqual([{ ...view(changed), phaseId: 'phase-1' }]);
  });
});
