// A conservative static check for regular expressions used by CEL `matches()`.
// JavaScript regexes backtrack, so a quantified group that itself contains a quantifier
// (`(a+)+`, `(x*y?)*`) can take exponential time; such patterns are refused at compile time.

const QUANTIFIER_AT = /^(?:[*+?]|\{\d+(?:,\d*)?\})/;

/** Returns a reason string when the pattern is unsafe or invalid, otherwise null. */
export function unsafeRegexReason(pattern: string): string | null {
  try {
    new RegExp(pattern);
  } catch {
    return 'it is not a valid regular expression';
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'back-references are not allowed';
  if (hasNestedQuantifier(pattern)) {
    return 'a repeated group contains another repetition, which can backtrack catastrophically';
  }
  return null;
}

function hasNestedQuantifier(pattern: string): boolean {
  const groups: boolean[] = []; // per open group: does it contain a quantifier?
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
    if (ch === '[') {
      inClass = true;
    } else if (ch === '(') {
      groups.push(false);
      if (pattern[i + 1] === '?') i += 1; // group modifiers such as (?: are not repetitions
    } else if (ch === ')') {
      const inner = groups.pop() ?? false;
      const repeated = QUANTIFIER_AT.test(pattern.slice(i + 1));
      if (inner && repeated) return true;
      if ((inner || repeated) && groups.length > 0) groups[groups.length - 1] = true;
    } else if (QUANTIFIER_AT.test(pattern.slice(i)) && groups.length > 0) {
      groups[groups.length - 1] = true;
    }
  }
  return false;
}
