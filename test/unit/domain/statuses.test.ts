import {
  CONTAINER_KINDS,
  CONTAINER_STATUS_ID,
  CONTROL_STATUS_ID,
  SEEDED_STATUSES,
  STEP_STATUS_ID,
  containerStatusFromId,
  containerStatusId,
  controlStatusFromId,
  describeStatusId,
  isContainerStatus,
  isControlStatus,
  isStepStatus,
  statusLabel,
  stepStatusFromId,
} from '../../../src/domain/statuses';

describe('seeded status ids (migrations/0003_reference_data.sql)', () => {
  it('numbers the containers 1-20 in PLANNING, IN_PROGRESS, COMPLETED, CANCELLED order', () => {
    expect(CONTAINER_STATUS_ID).toEqual({
      Migration: { PLANNING: 1, IN_PROGRESS: 2, COMPLETED: 3, CANCELLED: 4 },
      Plan: { PLANNING: 5, IN_PROGRESS: 6, COMPLETED: 7, CANCELLED: 8 },
      Iteration: { PLANNING: 9, IN_PROGRESS: 10, COMPLETED: 11, CANCELLED: 12 },
      Sequence: { PLANNING: 13, IN_PROGRESS: 14, COMPLETED: 15, CANCELLED: 16 },
      Phase: { PLANNING: 17, IN_PROGRESS: 18, COMPLETED: 19, CANCELLED: 20 },
    });
  });

  it('numbers the steps 21-27 and the controls 28-31', () => {
    expect(STEP_STATUS_ID).toEqual({
      PENDING: 21,
      TODO: 22,
      IN_PROGRESS: 23,
      COMPLETED: 24,
      FAILED: 25,
      BLOCKED: 26,
      CANCELLED: 27,
    });
    expect(CONTROL_STATUS_ID).toEqual({ TODO: 28, PASSED: 29, FAILED: 30, CANCELLED: 31 });
  });

  it('lists all 31 seeded statuses once, ordered by id', () => {
    expect(SEEDED_STATUSES.map((status) => status.id)).toEqual(Array.from({ length: 31 }, (_, index) => index + 1));
    expect(SEEDED_STATUSES[0]).toEqual({ id: 1, kind: 'Migration', name: 'PLANNING' });
    expect(SEEDED_STATUSES[30]).toEqual({ id: 31, kind: 'Control', name: 'CANCELLED' });
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(STEP_STATUS_ID)).toBe(true);
    expect(Object.isFrozen(CONTAINER_STATUS_ID.Phase)).toBe(true);
  });
});

describe('reverse lookups', () => {
  it('describes any seeded id and nothing else', () => {
    expect(describeStatusId(18)).toEqual({ id: 18, kind: 'Phase', name: 'IN_PROGRESS' });
    expect(describeStatusId(26)).toEqual({ id: 26, kind: 'Step', name: 'BLOCKED' });
    expect(describeStatusId(0)).toBeUndefined();
    expect(describeStatusId(32)).toBeUndefined();
  });

  it('round-trips every container status and refuses ids of another kind', () => {
    for (const kind of CONTAINER_KINDS) {
      for (const status of ['PLANNING', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] as const) {
        expect(containerStatusFromId(kind, containerStatusId(kind, status))).toBe(status);
      }
    }
    expect(containerStatusFromId('Phase', 13)).toBeUndefined();
    expect(containerStatusFromId('Phase', 23)).toBeUndefined();
  });

  it('reads step and control ids only for their own kind', () => {
    expect(stepStatusFromId(21)).toBe('PENDING');
    expect(stepStatusFromId(27)).toBe('CANCELLED');
    expect(stepStatusFromId(28)).toBeUndefined();
    expect(stepStatusFromId(20)).toBeUndefined();
    expect(controlStatusFromId(29)).toBe('PASSED');
    expect(controlStatusFromId(22)).toBeUndefined();
    expect(controlStatusFromId(999)).toBeUndefined();
  });
});

describe('guards and labels', () => {
  it('narrows untrusted strings', () => {
    expect(isStepStatus('BLOCKED')).toBe(true);
    expect(isStepStatus('PLANNING')).toBe(false);
    expect(isStepStatus('blocked')).toBe(false);
    expect(isStepStatus(23)).toBe(false);
    expect(isContainerStatus('PLANNING')).toBe(true);
    expect(isContainerStatus('PENDING')).toBe(false);
    expect(isControlStatus('PASSED')).toBe(true);
    expect(isControlStatus('COMPLETED')).toBe(false);
  });

  it('gives every status the words a user reads', () => {
    expect(statusLabel('IN_PROGRESS')).toBe('In progress');
    expect(statusLabel('TODO')).toBe('To do');
    expect(statusLabel('PASSED')).toBe('Passed');
    expect(statusLabel('PLANNING')).toBe('Planning');
  });
});
