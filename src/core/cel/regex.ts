// Regular expressions for CEL `matches()` (D5: no expression can stall the server). Patterns run
// on RE2 (the re2js port), which matches in time linear in the input for every pattern it
// accepts; it has no lookarounds and no back-references, so those are refused at compile time.
// Two more bounds keep the engine's constant factor in check: a pattern whose compiled program
// would be large is refused (compiling it costs time too), and every match charges the caller's
// evaluation budget in proportion to input length × program size (see cost-budget.ts).
import { RE2JS } from 're2js';

export const REGEX_LIMITS = {
  /** Upper bound on the estimated RE2 program size (instructions) of one pattern. */
  maxProgramSize: 2000,
} as const;

export interface RegexProblem {
  /** Hint code: invalid_regex, regex_lookaround, regex_backreference or regex_too_large. */
  readonly code: string;
  readonly reason: string;
}

export interface LinearRegex {
  /** RE2 partial-match semantics, as CEL's `matches()` requires. */
  readonly test: (input: string) => boolean;
  /** The estimated program size, used to charge each match. */
  readonly size: number;
}

export type RegexCompilation = { ok: true; regex: LinearRegex } | { ok: false; problem: RegexProblem };

/** Compile `pattern` for RE2, or say why it is refused. */
export function compileRegex(pattern: string): RegexCompilation {
  const size = estimateProgramSize(pattern);
  if (size > REGEX_LIMITS.maxProgramSize) {
    const reason = `its repetitions expand to about ${size} steps, more than the ${REGEX_LIMITS.maxProgramSize} allowed`;
    return { ok: false, problem: { code: 'regex_too_large', reason } };
  }
  try {
    const re = RE2JS.compile(pattern);
    return { ok: true, regex: { test: (input) => re.test(input), size } };
  } catch (error) {
    return { ok: false, problem: classify(error, pattern) };
  }
}

/** Why the pattern is refused, or null when RE2 runs it. */
export function regexProblem(pattern: string): RegexProblem | null {
  const compiled = compileRegex(pattern);
  return compiled.ok ? null : compiled.problem;
}

function classify(error: unknown, pattern: string): RegexProblem {
  const e = error as { error?: unknown; input?: unknown; message?: unknown };
  const at = typeof e.input === 'string' ? e.input : '';
  if (/^\(\?(?:=|!|<=|<!)/.test(at)) {
    return { code: 'regex_lookaround', reason: 'lookaround assertions ((?=…), (?!…), (?<=…), (?<!…)) are not supported' };
  }
  if (/^\\(?:[1-9]|k)/.test(at) || (at === '(?P' && pattern.includes('(?P='))) return { code: 'regex_backreference', reason: 'back-references are not supported' };
  const what = typeof e.error === 'string' ? `${e.error}${at ? ` at ${at.slice(0, 40)}` : ''}` : String(e.message ?? error);
  return { code: 'invalid_regex', reason: `it is not a valid RE2 regular expression (${what})` };
}

// An upper bound on the size RE2 compiles `pattern` to: atoms count one, groups add up their
// alternatives, `x{n,m}` multiplies x by max(n, m) + 1. Anything unusual only over-estimates.
export function estimateProgramSize(pattern: string): number {
  const stack: number[] = [0];
  let last = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '(') {
      stack.push(0);
      last = 0;
      continue;
    }
    if (ch === ')') {
      last = stack.length > 1 ? stack.pop()! + 1 : 1;
      stack[stack.length - 1]! += last;
      continue;
    }
    const repeat = /^\{(\d+)(?:,(\d*))?\}/.exec(pattern.slice(i, i + 24));
    if (repeat) {
      const times = Math.max(Number(repeat[1]), Number(repeat[2] || 0)) + 1;
      stack[stack.length - 1]! += last * (times - 1);
      last *= times;
      i += repeat[0].length - 1;
      continue;
    }
    if (ch === '\\') i++;
    else if (ch === '[') i = classEnd(pattern, i);
    last = 1;
    stack[stack.length - 1]! += 1;
  }
  return stack.reduce((a, b) => a + b, 0);
}

// Index of the `]` closing the class opened at `start` (`[]a]`, `[^]a]` and `[[:alpha:]]` included).
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern.startsWith('[:', i)) i = Math.max(i, pattern.indexOf(':]', i + 2) + 1);
    else if (pattern[i] === ']') return i;
  }
  return pattern.length;
}
