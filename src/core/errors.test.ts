// SyncError never carries unbounded client input: messages quote through `quote`, and every
// string in the details is cut, however deep.
import { describe, expect, it } from 'vitest';
import { DETAIL_STRING_LIMIT, MESSAGE_LIMIT, QUOTE_LIMIT, SyncError, quote } from './errors.js';

describe('SyncError bounds what it echoes', () => {
  it('quote cuts a long value and keeps short ones exact', () => {
    expect(quote('bob')).toBe('"bob"');
    expect(quote(42)).toBe('42');
    expect(quote({ a: 1 })).toBe('{"a":1}');
    const long = quote('x'.repeat(900_000));
    expect(long.length).toBeLessThanOrEqual(QUOTE_LIMIT + 3);
    expect(long.endsWith('…"')).toBe(true);
  });

  it('cuts long detail strings at any depth, and long keys', () => {
    const huge = 'y'.repeat(900_000);
    const error = new SyncError('invalid_id', 'Bad.', { id: huge, nested: { list: [huge, { deeper: huge }] }, [huge]: 1, n: 3, ok: 'short' });
    const body = JSON.stringify(error.toBody());
    expect(body.length).toBeLessThan(6 * DETAIL_STRING_LIMIT);
    expect(error.details).toMatchObject({ n: 3, ok: 'short' });
    expect((error.details.id as string).length).toBe(DETAIL_STRING_LIMIT + 1);
  });

  it('cuts an over-long message and keeps it one sentence', () => {
    const error = new SyncError('invalid_body', `The value ${'z'.repeat(10_000)} is wrong.`);
    expect(error.message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(error.message).toMatch(/\.$/);
  });

  it('keeps a __proto__ key as data', () => {
    const details = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const error = new SyncError('invalid_body', 'Bad.', { field: details });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(error.details.field as object)).toEqual(['__proto__']);
  });
});

describe('SyncError', () => {
  it('keeps its cause for logs and never puts it in the wire body', () => {
    const cause = new Error('disk I/O error');
    const error = new SyncError('service_unavailable', 'The database is unreachable.', { retry_after: 1 }, { cause });
    expect(error.cause).toBe(cause);
    expect(error.toBody()).toEqual({ error: 'service_unavailable', message: 'The database is unreachable.', retry_after: 1 });
  });
});
