import { describe, expect, it } from 'vitest';
import { safeNext } from './passkey-ceremony.js';

describe('safeNext: where /signin may send a visitor', () => {
  const o = 'http://localhost:8787';
  it('keeps same-origin paths with their query and fragment', () => {
    expect(safeNext('/manage', o)).toBe('/manage');
    expect(safeNext('/auth/device?code=ABCD-EFGH', o)).toBe('/auth/device?code=ABCD-EFGH');
    expect(safeNext('/rooms/a/dashboard#x', o)).toBe('/rooms/a/dashboard#x');
  });
  it('sends anything else to /manage', () => {
    for (const bad of [null, '', 'manage', '//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', 'https://evil.example/', 'javascript:alert(1)', ' /manage', '/\u0000x']) {
      expect(safeNext(bad, o), JSON.stringify(bad)).toBe('/manage');
    }
  });
});
