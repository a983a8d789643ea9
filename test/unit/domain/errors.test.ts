import {
  DOMAIN_ERROR_CODES,
  ERROR_CODES,
  isErrorCode,
  DomainError,
  UNKNOWN_ERROR_MESSAGE,
  domainError,
  isDomainError,
  isDomainErrorCode,
  refuse,
  toErrorPayload,
} from '../../../src/domain/errors';

describe('domain errors', () => {
  it('keeps one code list: rule codes the services throw, transport codes the HTTP layer adds', () => {
    expect(DOMAIN_ERROR_CODES).toEqual(['VALIDATION', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'UNKNOWN_USER', 'UNKNOWN']);
    expect(Object.keys(ERROR_CODES).filter((code) => !(DOMAIN_ERROR_CODES as string[]).includes(code))).toEqual([
      'UNAUTHENTICATED',
      'PAYLOAD_TOO_LARGE',
      'RATE_LIMITED',
      'UNAVAILABLE',
    ]);
  });

  it('carries a code, a sentence and optional details, and can be thrown', () => {
    const error = domainError('CONFLICT', 'This step was changed by someone else; reload and try again.', { stepId: 's1' });
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DomainError');
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe('This step was changed by someone else; reload and try again.');
    expect(error.details).toEqual({ stepId: 's1' });
    expect(() => {
      throw error;
    }).toThrow('reload and try again');
    expect(domainError('NOT_FOUND', 'Gone.').details).toBeUndefined();
  });

  it('recognises domain errors by class or by shape, and nothing else', () => {
    expect(isDomainError(domainError('FORBIDDEN', 'No.'))).toBe(true);
    const lookalike = Object.assign(new Error('No.'), { name: 'DomainError', code: 'FORBIDDEN' });
    expect(isDomainError(lookalike)).toBe(true);
    expect(isDomainError(Object.assign(new Error('x'), { name: 'DomainError', code: 'NOPE' }))).toBe(false);
    expect(isDomainError(new Error('plain'))).toBe(false);
    expect(isDomainError({ name: 'DomainError', code: 'FORBIDDEN', message: 'not an Error' })).toBe(false);
    expect(isDomainError(undefined)).toBe(false);
  });

  it('narrows error codes', () => {
    expect(isDomainErrorCode('UNKNOWN_USER')).toBe(true);
    expect(isDomainErrorCode('conflict')).toBe(false);
    expect(isDomainErrorCode(409)).toBe(false);
    // A transport code is a code, but no service may throw it.
    expect(isErrorCode('RATE_LIMITED')).toBe(true);
    expect(isDomainErrorCode('RATE_LIMITED')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });
});

describe('toErrorPayload', () => {
  it('keeps the sentence and details of a domain error', () => {
    expect(toErrorPayload(domainError('VALIDATION', 'Give a reason.', { field: 'reason' }))).toEqual({
      code: 'VALIDATION',
      message: 'Give a reason.',
      details: { field: 'reason' },
    });
    expect(toErrorPayload(domainError('NOT_FOUND', 'Gone.'))).toEqual({ code: 'NOT_FOUND', message: 'Gone.' });
  });

  it('never lets internal text reach the user', () => {
    const leaked = new Error('relation "steps_instance_sti" does not exist at Object.<anonymous> (/srv/x.ts:1:1)');
    expect(toErrorPayload(leaked)).toEqual({ code: 'UNKNOWN', message: UNKNOWN_ERROR_MESSAGE });
    expect(toErrorPayload('a string')).toEqual({ code: 'UNKNOWN', message: UNKNOWN_ERROR_MESSAGE });
    expect(toErrorPayload(null)).toEqual({ code: 'UNKNOWN', message: UNKNOWN_ERROR_MESSAGE });
  });
});

describe('refuse', () => {
  it('wraps a domain error in a failed decision', () => {
    const decision = refuse('CONFLICT', 'Taken.', { id: 1 });
    expect(decision.ok).toBe(false);
    expect(decision.error.code).toBe('CONFLICT');
    expect(decision.error.details).toEqual({ id: 1 });
  });
});
