// One-line fixes for the CEL errors agents hit most often (D5: "a type error's message says how to fix it").

const HINTS: Record<string, string> = {
  empty: 'Pass a CEL expression as a string, for example "state._shared.turn > 0".',
  too_long: 'Split the logic into views and reference them as views["id"].',
  limit_exceeded: 'The expression is too large or too deeply nested; split the logic into views and reference them as views["id"].',
  not_bool: 'Compare the value, for example "state._shared.count > 0" instead of "state._shared.count".',
  unknown_variable: 'The variables are state, views, agents, actions, messages, self and params; there is no clock variable.',
  unknown_function: 'See help({key: "expressions"}) for the functions available.',
  invalid_macro_argument: 'has() takes a chain of field selections such as has(state._shared.score); after an index (agents["w-1"]) or for a computed key write "key" in agents["w-1"] or params.key in state._shared.',
  dynamic_regex: 'Write the pattern as a literal: name.matches("^a[0-9]+$").',
  invalid_regex: 'Write the pattern in RE2 syntax (github.com/google/re2/wiki/Syntax), for example "^[a-z]+[0-9]*$"; \\x{41} instead of \\u0041.',
  regex_lookaround: 'Patterns run on RE2 in linear time, without lookarounds: test the parts separately, e.g. s.matches("a") && !s.matches("b").',
  regex_backreference: 'Back-references such as \\1 are not supported by RE2; match the repeated text explicitly.',
  regex_too_large: 'Use smaller repetition counts, or check the length with size() instead of {n} repetitions.',
  no_such_key: 'Test presence first: has(state._shared.key) or "key" in state._shared.',
  no_such_overload: 'The operand types do not fit; convert with int(), double() or string(). Whole JSON numbers are ints, others doubles.',
  no_matching_overload: 'No function matches these argument types; see help({key: "expressions"}).',
  unexpected_token: 'Check the syntax: strings use double quotes, == compares, && and || combine; CEL has no pipes or assignments.',
  parse: 'Check the syntax: strings use double quotes, == compares, && and || combine.',
  check: 'See help({key: "expressions"}) for the context shape and operators.',
  cost: 'Reduce nested comprehensions or the size of what they iterate over.',
  division_by_zero: 'Guard the divisor: x == 0 ? 0 : y / x.',
  not_json: 'JSON has no Infinity or NaN: guard the divisor of a double division, for example x == 0.0 ? 0.0 : y / x.',
  numeric_overflow: 'The result does not fit a 64-bit int; convert an operand with double() first.',
};

/** The hint for an error code; an unknown code falls back to the hint of its stage (`fallback`). */
export function hintFor(code: string, detail = '', fallback = 'check'): string {
  if (code === 'no_matching_overload' && detail.includes('keys()')) return HINTS.unknown_function!;
  return HINTS[code] ?? HINTS[fallback] ?? HINTS.check!;
}
