// Unit tests for the static regex check used by CEL matches(): safe patterns pass, patterns
// that can backtrack catastrophically, invalid patterns and back-references are refused.
import { describe, expect, it } from 'vitest';
import { regexProblem, unsafeRegexReason } from './regex-safety.js';

describe('regexProblem', () => {
  it('accepts ordinary patterns', () => {
    for (const pattern of [
      '^a[0-9]+$',
      '^(?:ab)+$',
      '^(ab)+$',
      '^[a-z]+@[a-z]+\\.com$',
      '^(cat|dog)+$',
      '^(a|b|c)*$',
      '^v(\\d+)?$',
      '^(-[a-z]+)??$',
      '^(?:x(?:a|b)c)+$',
      '[(+*)]+',
      '\\(a+\\)+',
      '^(?<word>[a-z]+) (?=x)',
      '',
    ]) {
      expect(regexProblem(pattern), pattern).toBeNull();
    }
  });

  it('refuses a repeated group that contains another repetition', () => {
    for (const pattern of ['(a+)+', '^(a+)+$', '(x*y?)*', '(?:a+)+', '(a*){2,}', '(.*,){12}x', '^(a{1,3}){1,20}$', '((a+)?)+', '(?:x(a+))*']) {
      const problem = regexProblem(pattern);
      expect(problem?.code, pattern).toBe('unsafe_regex');
      expect(problem?.reason).toContain('repetition');
    }
  });

  it('refuses a repeated group whose alternatives can match the same text', () => {
    for (const pattern of ['^(a|a)+$', '^(a|aa)+$', '(\\w|\\d)*', '(?:a|ab)*c', '(?:x(a|aa))+', '(cat|car)+']) {
      const problem = regexProblem(pattern);
      expect(problem?.code, pattern).toBe('unsafe_regex');
      expect(problem?.reason).toContain('alternatives');
    }
  });

  it('refuses back-references', () => {
    for (const pattern of ['^(a)\\1$', '(?<x>a)\\k<x>']) {
      expect(regexProblem(pattern)).toEqual({ code: 'regex_backreference', reason: 'back-references are not allowed' });
    }
  });

  it('refuses invalid patterns', () => {
    for (const pattern of ['(', '[a-', 'a{2,1}', '*a']) {
      expect(regexProblem(pattern)?.code, pattern).toBe('invalid_regex');
    }
  });

  it('checks quickly what it accepts: an accepted pattern runs in linear time on a hostile input', () => {
    const input = 'a'.repeat(5000) + '!';
    for (const pattern of ['^(?:ab)+$', '^(a|b)+$', '^(cat|dog)+$']) {
      expect(regexProblem(pattern)).toBeNull();
      const started = performance.now();
      new RegExp(pattern).test(input);
      expect(performance.now() - started).toBeLessThan(100);
    }
  });
});

describe('unsafeRegexReason', () => {
  it('returns the reason text or null', () => {
    expect(unsafeRegexReason('^a$')).toBeNull();
    expect(unsafeRegexReason('(a+)+')).toMatch(/backtrack/);
  });
});
