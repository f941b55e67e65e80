import { describe, expect, test } from 'vitest';
import { toApiError } from './api';

describe('toApiError', () => {
  test('keeps the backend shape {code, message}', () => {
    expect(toApiError({ code: 'PermissionDenied', message: '/x: denied' })).toEqual({
      code: 'PermissionDenied',
      message: '/x: denied',
    });
  });
  test('wraps strings, Errors and junk', () => {
    expect(toApiError('boom')).toEqual({ code: 'Unknown', message: 'boom' });
    expect(toApiError(new Error('bad'))).toEqual({ code: 'Unknown', message: 'bad' });
    expect(toApiError(undefined)).toEqual({ code: 'Unknown', message: 'Unknown error' });
  });
});
