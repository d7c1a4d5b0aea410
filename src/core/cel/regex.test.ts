// Unit tests for the RE2 regexes behind CEL matches(): RE2 syntax compiles, what RE2 cannot run
// (lookarounds, back-references) and oversized programs are refused with a code, and patterns
// that backtrack catastrophically in JavaScript match hostile input with RE2 semantics.
import { describe, expect, it } from 'vitest';
import { compileRegex, estimateProgramSize, regexProblem, REGEX_LIMITS } from './regex.js';

function regex(pattern: string) {
  const compiled = compileRegex(pattern);
  if (!compiled.ok) throw new Error(`${pattern}: ${compiled.problem.reason}`);
  return compiled.regex;
}

describe('compileRegex', () => {
  it('accepts ordinary RE2 patterns, including ones that backtrack catastrophically in JavaScript', () => {
    for (const pattern of ['^a[0-9]+$', '^(?:ab)+$', '^(a+)+$', '(x*y?)*', '^(a|aa)+$', '(?i)abc', '\\pL+', '[[:alpha:]]+', '(?<word>[a-z]+)', '\\x{41}', '']) {
      expect(regexProblem(pattern), pattern).toBeNull();
    }
  });

  it('has partial-match (search) semantics, as CEL matches() requires', () => {
    expect(regex('b').test('abc')).toBe(true);
    expect(regex('^b').test('abc')).toBe(false);
    expect(regex('^[a-c]+$').test('abc')).toBe(true);
    expect(regex('(?i)^ABC$').test('abc')).toBe(true);
  });

  it('matches hostile inputs with the right answer where JavaScript would backtrack for ages', () => {
    const hostile = 'a'.repeat(100_000) + '!';
    expect(regex('^(a+)+$').test(hostile)).toBe(false);
    expect(regex('^(a|aa)+$').test(hostile)).toBe(false);
    expect(regex('(a+)+!$').test(hostile)).toBe(true);
  });

  it('refuses lookarounds', () => {
    for (const pattern of ['(?=a*a*a*b)', 'x(?!y)', '(?<=a)b', '(?<!a)b']) {
      expect(regexProblem(pattern)?.code, pattern).toBe('regex_lookaround');
      expect(regexProblem(pattern)?.reason).toContain('lookaround');
    }
  });

  it('refuses back-references', () => {
    for (const pattern of ['^(a)\\1$', '(?<x>a)\\k<x>', '(?P<n>a)(?P=n)']) {
      expect(regexProblem(pattern), pattern).toEqual({ code: 'regex_backreference', reason: 'back-references are not supported' });
    }
  });

  it('refuses invalid patterns, JavaScript-only escapes and over-large repeat counts, naming RE2', () => {
    for (const pattern of ['(', '[a-', 'a{2,1}', '*a', '\\u0041', 'a{1001}']) {
      const problem = regexProblem(pattern);
      expect(problem?.code, pattern).toBe('invalid_regex');
      expect(problem?.reason).toContain('RE2');
    }
  });

  it('refuses a pattern whose repetitions expand past the program limit', () => {
    const problem = regexProblem('[a-z]{1000}'.repeat(10));
    expect(problem?.code).toBe('regex_too_large');
    expect(problem?.reason).toContain(String(REGEX_LIMITS.maxProgramSize));
    expect(regexProblem('((a{100}){100}){100}')?.code).toBe('regex_too_large');
    expect(regexProblem('[a-z]{100}'.repeat(10))).toBeNull();
  });
});

describe('estimateProgramSize', () => {
  it('counts atoms, sums groups and multiplies counted repetitions', () => {
    expect(estimateProgramSize('abc')).toBe(3);
    expect(estimateProgramSize('[abc]x')).toBe(2);
    expect(estimateProgramSize('[]{9}]')).toBe(1);
    expect(estimateProgramSize('\\{9}')).toBe(3);
    expect(estimateProgramSize('a{9}')).toBe(10);
    expect(estimateProgramSize('(ab){9}')).toBe(30);
    expect(estimateProgramSize('((a{9}){9}){9}')).toBeGreaterThan(1000);
  });
});
