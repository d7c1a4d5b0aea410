// Compile CEL source once (parse, type-check, safety checks) and cache the result. Pure.
import { SyncError } from '../errors.js';
import { CEL_LIMITS, celEnvironment } from './environment.js';
import { extractDeps, type Dep } from './deps.js';
import { compileRegex, type LinearRegex } from './regex.js';
import { chargeCost } from './cost-budget.js';
import { hintFor } from './hints.js';
import { guardInt64 } from './int64.js';
import { buildMapLiteral } from './map-literal.js';
import { ByteLru } from '../byte-lru.js';

export type CelStage = 'limits' | 'parse' | 'check';

export interface CompiledExpression {
  readonly source: string;
  readonly deps: ReadonlySet<Dep>;
  /** The statically known result type (`bool`, `int`, `dyn`, …). */
  readonly type: string;
  /** Evaluate against a context object; throws on evaluation errors. */
  readonly run: (context: object) => unknown;
}

interface CelErrorLike {
  code?: string;
  summary?: string;
  message?: string;
  range?: { start: number; end: number };
}

// The cache is an LRU bounded by the bytes its compiled expressions retain, estimated from
// their size. Measured on Node 20 (cel-js 8, re2js 2.10): 260–750 bytes per AST node (more for
// comprehensions), ~130 bytes per regex program step, a few bytes per source character.
const BYTES_PER_ENTRY = 1024;
const BYTES_PER_NODE = 1024;
const BYTES_PER_REGEX_STEP = 160;
const BYTES_PER_SOURCE_CHAR = 2;

/** The most the compile cache retains, by that estimate. */
export const COMPILE_CACHE_BYTES = 64 * 1024 * 1024;
const cache = new ByteLru<string, CompiledExpression>(COMPILE_CACHE_BYTES);

/** What the compile cache holds now (for tests and diagnostics). */
export function compileCacheStats(): { entries: number; bytes: number; maxBytes: number } {
  return { entries: cache.size, bytes: cache.bytes, maxBytes: cache.maxBytes };
}

/** The estimated bytes a compiled expression retains. */
export function retainedBytes(source: string, nodes: number, regexSteps: number): number {
  return BYTES_PER_ENTRY + BYTES_PER_SOURCE_CHAR * source.length + BYTES_PER_NODE * nodes + BYTES_PER_REGEX_STEP * regexSteps;
}

interface AstStats {
  nodes: number;
  regexSteps: number;
}

/** Compile `source` for the named field, throwing `400 invalid_cel` with stage, detail and hint. */
export function compileCel(source: unknown, field: string, options: { boolean?: boolean } = {}): CompiledExpression {
  if (typeof source !== 'string' || source.trim() === '') {
    throw invalid(field, 'limits', 'the expression must be a non-empty string', 'empty');
  }
  let compiled = cache.get(source);
  if (!compiled) {
    const stats: AstStats = { nodes: 0, regexSteps: 0 };
    compiled = compileFresh(source, field, stats);
    cache.set(source, compiled, retainedBytes(source, stats.nodes, stats.regexSteps));
  }
  if (options.boolean && compiled.type !== 'bool' && compiled.type !== 'dyn') {
    throw invalid(field, 'check', `the expression must evaluate to a bool, but it yields ${compiled.type}`, 'not_bool');
  }
  return compiled;
}

function compileFresh(source: string, field: string, stats: AstStats): CompiledExpression {
  if (source.length > CEL_LIMITS.maxSourceLength) {
    throw invalid(field, 'limits', `the expression is longer than ${CEL_LIMITS.maxSourceLength} characters`, 'too_long');
  }
  let parsed: ReturnType<typeof celEnvironment.parse>;
  try {
    parsed = celEnvironment.parse(source);
  } catch (error) {
    // cel-js reports its structural limits (nodes, depth, list/map literal sizes) as parse errors.
    throw fromCelError(field, (error as CelErrorLike | null)?.code === 'limit_exceeded' ? 'limits' : 'parse', error);
  }
  const checked = parsed.check() as { valid: boolean; type?: string; error?: unknown };
  if (!checked.valid) throw fromCelError(field, 'check', checked.error);
  checkCalls(parsed.ast, field, stats);
  return { source, deps: extractDeps(parsed.ast), type: checked.type ?? 'dyn', run: parsed };
}

// Walk the checked AST: `matches()` must use a literal pattern RE2 can run, internal helpers
// are not callable, int64 arithmetic gets the overflow checks cel-js lacks, and map literals
// build Maps. Counts nodes
// and regex program steps for the cache's size estimate.
function checkCalls(node: unknown, field: string, stats: AstStats): void {
  if (Array.isArray(node)) return node.forEach((n) => checkCalls(n, field, stats));
  if (typeof node !== 'object' || node === null || !('op' in node)) return;
  const { op, args } = node as { op: string; args: unknown };
  stats.nodes++;
  guardInt64(node as Parameters<typeof guardInt64>[0]);
  buildMapLiteral(node as Parameters<typeof buildMapLiteral>[0]);
  if ((op === 'call' || op === 'rcall') && Array.isArray(args)) {
    const name = args[0] as string;
    if (name.startsWith('__')) throw invalid(field, 'check', `unknown function ${name}`, 'unknown_function');
    if (name === 'matches' && op === 'rcall') {
      const regex = compilePattern((args[2] as unknown[])[0], field);
      stats.regexSteps += regex.size;
      useLinearRegex(node as unknown as RcallNode, regex);
    }
  }
  checkCalls(args, field, stats);
}

function compilePattern(arg: unknown, field: string): LinearRegex {
  const literal = arg as { op?: string; args?: unknown } | undefined;
  if (literal?.op !== 'value' || typeof literal.args !== 'string') {
    throw invalid(field, 'check', 'matches() needs a string literal pattern', 'dynamic_regex');
  }
  const compiled = compileRegex(literal.args);
  if (!compiled.ok) throw invalid(field, 'check', `the pattern ${JSON.stringify(literal.args)} is refused: ${compiled.problem.reason}`, compiled.problem.code);
  return compiled.regex;
}

/** A checked `receiver.matches(pattern)` node: cel-js calls `handle` with the evaluated receiver and pattern. */
interface RcallNode {
  handle: (args: unknown[], ...rest: unknown[]) => unknown;
}

/** Units of evaluation budget per (input character × regex program step). */
const REGEX_WORK_PER_UNIT = 32;

// cel-js runs `matches()` on the backtracking JavaScript engine; route a string receiver to RE2
// instead (the pattern is a literal, compiled once), charging the budget before the match runs.
// Anything else (a non-string dyn receiver) keeps cel-js's own overload error.
function useLinearRegex(node: RcallNode, regex: LinearRegex): void {
  const fallback = node.handle;
  node.handle = (args, ...rest) => {
    const input = args[0];
    if (typeof input !== 'string') return fallback(args, ...rest);
    chargeCost(Math.ceil((input.length * regex.size) / REGEX_WORK_PER_UNIT));
    return regex.test(input);
  };
}

function fromCelError(field: string, stage: CelStage, error: unknown): SyncError {
  const e = (error ?? {}) as CelErrorLike;
  const summary = e.summary ?? e.message ?? String(error);
  const details: Record<string, unknown> = {};
  if (e.range) details.position = e.range.start;
  return invalid(field, stage, summary, e.code ?? stage, details);
}

function invalid(field: string, stage: CelStage, detail: string, code: string, extra: Record<string, unknown> = {}): SyncError {
  return new SyncError('invalid_cel', `The ${field} expression is not valid CEL: ${detail}.`, {
    field,
    stage,
    detail,
    ...extra,
    hint: hintFor(code, detail, stage),
  });
}

/** Compile an expression that was validated when it was stored; null if it no longer compiles. */
export function compileStored(source: string, field: string): CompiledExpression | null {
  try {
    return compileCel(source, field);
  } catch {
    return null;
  }
}
