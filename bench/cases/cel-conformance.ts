// Pass rate of our CEL environment (src/core/cel) on the official cel-spec conformance tests
// shipped in @bufbuild/cel-spec: core sections, protobuf-message tests skipped.
import { tests as conformance } from '@bufbuild/cel-spec/testdata/conformance.js';
import { compileCel, runCel, type CompiledExpression } from '../../src/core/cel/index.js';
import { celEnvironment } from '../../src/core/cel/environment.js';
import { canonRuntime, canonSpec, isProtoMessage, toRuntime, type SpecValue } from '../lib/cel-spec-values.js';

export const CORE_SECTIONS = ['basic', 'comparisons', 'conversions', 'fp_math', 'integer_math', 'lists', 'logic', 'macros', 'string', 'timestamps', 'fields', 'parse', 'plumbing'] as const;

interface SpecTest {
  name?: string;
  expr: string;
  container?: string;
  checkOnly?: boolean;
  disableCheck?: boolean;
  typeEnv?: Array<{ name: string; ident?: { type?: Record<string, unknown> } }>;
  bindings?: Record<string, { value?: SpecValue }>;
  value?: SpecValue;
  typedResult?: { result?: SpecValue };
  evalError?: unknown;
  anyEvalErrors?: unknown;
}

interface Suite {
  name: string;
  suites?: Suite[];
  tests?: Array<{ original: unknown }>;
}

export interface SectionResult {
  run: number;
  passed: number;
  skipped: number;
}

export interface ConformanceResult {
  sections: Record<string, SectionResult>;
  run: number;
  passed: number;
  skipped: number;
  rate: number;
  /** Failures among tests meant to run unchecked: our environment always type-checks first. */
  failed_unchecked_tests: number;
  /** Every failing test as section/group/name. */
  failures: string[];
}

export function celConformance(): ConformanceResult {
  const sections: Record<string, SectionResult> = {};
  const failures: string[] = [];
  let failedUnchecked = 0;
  for (const section of (conformance as Suite).suites ?? []) {
    if (!(CORE_SECTIONS as readonly string[]).includes(section.name)) continue;
    const result: SectionResult = { run: 0, passed: 0, skipped: 0 };
    for (const group of section.suites ?? []) {
      for (const { original } of group.tests ?? []) {
        const test = original as SpecTest;
        if (isProtoTest(test)) {
          result.skipped++;
          continue;
        }
        result.run++;
        if (passes(test)) result.passed++;
        else {
          failures.push(`${section.name}/${group.name}/${test.name ?? test.expr}`);
          if (test.disableCheck) failedUnchecked++;
        }
      }
    }
    sections[section.name] = result;
  }
  const total = Object.values(sections).reduce((a, s) => ({ run: a.run + s.run, passed: a.passed + s.passed, skipped: a.skipped + s.skipped }), { run: 0, passed: 0, skipped: 0 });
  return { sections, ...total, rate: total.passed / total.run, failed_unchecked_tests: failedUnchecked, failures };
}

// Tests about protobuf messages (TestAllTypes, enums, wrappers, containers) or type-checking only.
function isProtoTest(t: SpecTest): boolean {
  if (t.container || t.checkOnly) return true;
  if (/TestAllTypes|NestedTestAllTypes|google\.protobuf\.|cel\.expr\.conformance/.test(t.expr)) return true;
  if (t.typeEnv?.some((d) => JSON.stringify(d).includes('messageType') && !/google\.protobuf\.(Timestamp|Duration)/.test(JSON.stringify(d)))) return true;
  return isProtoMessage(t.value) || isProtoMessage(t.bindings) || isProtoMessage(t.typedResult);
}

function passes(t: SpecTest): boolean {
  const expectError = t.evalError !== undefined || t.anyEvalErrors !== undefined;
  const expected = t.value ?? t.typedResult?.result;
  let outcome;
  try {
    const { compiled, context } = prepare(t);
    outcome = runCel(compiled, context);
  } catch {
    return expectError; // refused at compile time
  }
  if (!outcome.ok) return expectError;
  if (expectError) return false;
  if (expected === undefined) return true; // a test that only asks for no error
  return canonRuntime(outcome.value) === canonSpec(expected);
}

// Expressions without variables go through compileCel exactly as the server's do; tests that
// bind variables get a clone of the same environment with those variables declared.
function prepare(t: SpecTest): { compiled: CompiledExpression; context: Record<string, unknown> } {
  const names = new Set([...(t.typeEnv ?? []).map((d) => d.name), ...Object.keys(t.bindings ?? {})]);
  const context: Record<string, unknown> = {};
  for (const [name, binding] of Object.entries(t.bindings ?? {})) if (binding.value) context[name] = toRuntime(binding.value);
  if (names.size === 0) return { compiled: compileCel(t.expr, 'conformance'), context };
  const env = celEnvironment.clone();
  for (const name of names) {
    const decl = t.typeEnv?.find((d) => d.name === name);
    env.registerVariable(name, celType(decl?.ident?.type));
  }
  const parsed = env.parse(t.expr);
  const checked = parsed.check();
  if (!checked.valid) throw checked.error ?? new Error('check failed');
  return { compiled: { source: t.expr, deps: new Set(), type: checked.type ?? 'dyn', run: parsed }, context };
}

const PRIMITIVES: Record<string, string> = { BOOL: 'bool', INT64: 'int', UINT64: 'uint', DOUBLE: 'double', STRING: 'string', BYTES: 'bytes' };

function celType(type: Record<string, unknown> | undefined): string {
  if (!type) return 'dyn';
  if (typeof type.primitive === 'string') return PRIMITIVES[type.primitive] ?? 'dyn';
  if (type.wellKnown === 'TIMESTAMP') return 'google.protobuf.Timestamp';
  if (type.wellKnown === 'DURATION') return 'google.protobuf.Duration';
  if ('listType' in type) return 'list';
  if ('mapType' in type) return 'map';
  if ('null' in type) return 'null';
  return 'dyn';
}
