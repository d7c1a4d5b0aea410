// A conservative static check for regular expressions used by CEL `matches()`.
// JavaScript regexes backtrack, so a repeated group that itself contains a quantifier
// (`(a+)+`, `(x*y?)*`) or alternatives that can match the same text (`(a|a)+`, `(\w|\d)*`)
// can take exponential time; such patterns are refused at compile time.

const QUANTIFIER_AT = /^(?:[*+?]|\{\d+(?:,\d*)?\})/;

export interface RegexProblem {
  /** Hint code: invalid_regex, regex_backreference or unsafe_regex. */
  readonly code: string;
  readonly reason: string;
}

/** Why the pattern is refused, or null when it is valid and safe. */
export function regexProblem(pattern: string): RegexProblem | null {
  try {
    new RegExp(pattern);
  } catch {
    return { code: 'invalid_regex', reason: 'it is not a valid regular expression' };
  }
  if (/\\[1-9]|\\k</.test(pattern)) return { code: 'regex_backreference', reason: 'back-references are not allowed' };
  const unsafe = backtrackingRisk(pattern);
  return unsafe ? { code: 'unsafe_regex', reason: unsafe } : null;
}

/** Returns a reason string when the pattern is unsafe or invalid, otherwise null. */
export function unsafeRegexReason(pattern: string): string | null {
  return regexProblem(pattern)?.reason ?? null;
}

interface Group {
  /** Index of the first character of the group's body (after any `?:`-style modifier). */
  body: number;
  /** The body contains a quantifier. */
  quantified: boolean;
  /** The body has alternatives that may match the same text. */
  ambiguous: boolean;
  /** The body has a `|` at its own level. */
  alternation: boolean;
}

// Length of a group modifier after `(`: `?:`, `?=`, `?!`, `?<=`, `?<!`, `?<name>`.
function modifierLength(pattern: string, i: number): number {
  if (pattern[i] !== '?') return 0;
  if (pattern[i + 1] === '<' && pattern[i + 2] !== '=' && pattern[i + 2] !== '!') return pattern.indexOf('>', i) - i + 1;
  return pattern[i + 1] === '<' ? 3 : 2;
}

// Alternatives are unambiguous when they are plain text starting with pairwise different characters.
function plainDistinctAlternatives(body: string): boolean {
  const alternatives = body.split('|');
  if (alternatives.some((a) => a === '' || /[\\.[\](){}*+?^$]/.test(a))) return false;
  return new Set(alternatives.map((a) => a[0])).size === alternatives.length;
}

function backtrackingRisk(pattern: string): string | null {
  const groups: Group[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      inClass = ch !== ']';
      continue;
    }
    const top = groups[groups.length - 1];
    if (ch === '[') {
      inClass = true;
    } else if (ch === '(') {
      const skip = modifierLength(pattern, i + 1);
      groups.push({ body: i + 1 + skip, quantified: false, ambiguous: false, alternation: false });
      i += skip;
    } else if (ch === '|') {
      if (top) top.alternation = true;
    } else if (ch === ')') {
      const group = groups.pop()!;
      if (group.alternation && !plainDistinctAlternatives(pattern.slice(group.body, i))) group.ambiguous = true;
      // `?` (or lazy `??`) after a group makes it optional, not repeated.
      const repeated = QUANTIFIER_AT.test(pattern.slice(i + 1)) && pattern[i + 1] !== '?';
      if (group.quantified && repeated) return 'a repeated group contains another repetition, which can backtrack catastrophically';
      if (group.ambiguous && repeated) return 'a repeated group has alternatives that can match the same text, which can backtrack catastrophically';
      const parent = groups[groups.length - 1];
      if (parent) {
        if (group.quantified || repeated) parent.quantified = true;
        if (group.ambiguous) parent.ambiguous = true;
      }
    } else if (top && QUANTIFIER_AT.test(pattern.slice(i))) {
      top.quantified = true;
    }
  }
  return null;
}
