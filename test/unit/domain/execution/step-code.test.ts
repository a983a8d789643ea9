import { isDomainError } from '../../../../src/domain/errors';
import { formatStepCode, isStepNumber, isStepTypeCode, parseStepCode } from '../../../../src/domain/execution/step-code';

describe('formatStepCode', () => {
  it.each([
    ['TRT', 10, 'TRT-010'],
    ['PRE', 1, 'PRE-001'],
    ['IGO', 0, 'IGO-000'],
    ['CHK', 999, 'CHK-999'],
    ['BUS', 1000, 'BUS-1000'],
    ['IT', 5, 'IT-005'],
    ['X1', 42, 'X1-042'],
  ])('%s + %d -> %s', (typeCode, number, code) => {
    expect(formatStepCode(typeCode, number)).toBe(code);
  });

  it.each([
    ['', 1],
    ['trt', 1],
    ['TRTX', 1],
    ['T-R', 1],
    ['TRT', -1],
    ['TRT', 1.5],
    ['TRT', Number.NaN],
    ['TRT', 2_147_483_648],
  ])('refuses %j / %d with a VALIDATION error', (typeCode, number) => {
    let thrown: unknown;
    try {
      formatStepCode(typeCode, number);
    } catch (error) {
      thrown = error;
    }
    expect(isDomainError(thrown)).toBe(true);
    expect((thrown as { code: string }).code).toBe('VALIDATION');
  });
});

describe('parseStepCode', () => {
  it.each([
    ['TRT-010', { typeCode: 'TRT', number: 10 }],
    ['PRE-000', { typeCode: 'PRE', number: 0 }],
    ['BUS-1000', { typeCode: 'BUS', number: 1000 }],
    ['IT-005', { typeCode: 'IT', number: 5 }],
    ['  trt-010 ', { typeCode: 'TRT', number: 10 }],
    ['CHK-2147483647', { typeCode: 'CHK', number: 2_147_483_647 }],
  ])('%j', (text, expected) => {
    expect(parseStepCode(text)).toEqual(expected);
  });

  it.each([
    '',
    'TRT',
    'TRT-',
    '-010',
    'TRT010',
    'TRT-10',
    'TRT-0010',
    'TRT-01a',
    'TRTX-010',
    'TR T-010',
    'TRT--010',
    'TRT-010-1',
    'TRT-+10',
    'TRT-2147483648',
    'TRT-99999999999',
  ])('rejects %j', (text) => {
    expect(parseStepCode(text)).toBeNull();
  });

  it('round-trips with formatStepCode', () => {
    for (const [typeCode, number] of [
      ['TRT', 0],
      ['DUM', 7],
      ['GON', 123],
      ['BGO', 45_678],
    ] as const) {
      expect(parseStepCode(formatStepCode(typeCode, number))).toEqual({ typeCode, number });
    }
  });
});

describe('validators', () => {
  it('accept what the schema can hold', () => {
    expect(isStepTypeCode('TRT')).toBe(true);
    expect(isStepTypeCode('A')).toBe(true);
    expect(isStepTypeCode('abc')).toBe(false);
    expect(isStepNumber(0)).toBe(true);
    expect(isStepNumber(2_147_483_647)).toBe(true);
    expect(isStepNumber(-1)).toBe(false);
  });
});
