import { adminList } from '../../shared/admin-api';
import type { OptionSource } from '../../shared/admin-options';
import { umig } from '../../shared/api';
import { readAllPages } from '../../shared/paging';

/**
 * The cascading choices of the runsheet settings: migration > iteration > plan instance >
 * sequence, plus the starting team and label filters. Each is one list resolver call, cached by
 * its scope for as long as the dialog is open.
 */

const dateRange = (start: string | null, end: string | null) => (start ? ` (${start}${end && end !== start ? ` – ${end}` : ''})` : '');

export const migrations: OptionSource = {
  key: 'migrations/list',
  entities: [],
  load: async () => (await readAllPages((page) => umig('migrations/list', page))).map((migration) => ({ value: migration.id, label: `${migration.name}${dateRange(migration.startDate, migration.endDate)}` })),
};

export function iterationsOf(migrationId: string): OptionSource {
  return {
    key: `iterations/list?migrationId=${migrationId}`,
    entities: [],
    load: async () =>
      (await readAllPages((page) => umig('iterations/list', { migrationId, ...page }))).map((iteration) => ({
        value: iteration.id,
        label: `${iteration.name}${dateRange(iteration.startDate, iteration.endDate)}`,
      })),
  };
}

export function planInstancesOf(iterationId: string): OptionSource {
  return {
    key: `planInstances/list?iterationId=${iterationId}`,
    entities: [],
    load: async () => (await readAllPages((page) => umig('planInstances/list', { iterationId, ...page }))).map((plan) => ({ value: plan.id, label: plan.name ?? 'Plan instance' })),
  };
}

export function sequencesOf(planInstanceId: string): OptionSource {
  return {
    key: `planInstances/sequences?planInstanceId=${planInstanceId}`,
    entities: [],
    load: async () =>
      (await readAllPages((page) => umig('planInstances/sequences', { planInstanceId, ...page }))).map((sequence) => ({
        value: sequence.id,
        label: sequence.name ?? `Sequence ${sequence.order ?? ''}`.trim(),
      })),
  };
}

export const teams: OptionSource = {
  key: 'admin/teams/list',
  entities: ['teams'],
  load: async () => (await adminList('teams')).map((team) => ({ value: team.id, label: team.name })),
};

export function labelsOf(migrationId: string): OptionSource {
  return {
    key: `admin/labels/list?migrationId=${migrationId}`,
    entities: ['labels'],
    load: async () => (await adminList('labels', { migrationId })).map((label) => ({ value: label.id, label: label.name })),
  };
}
