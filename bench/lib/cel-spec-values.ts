// Conversion between cel-spec conformance values (cel.expr.Value in proto3 JSON form) and our CEL
// runtime values, and one canonical text form of each so results compare structurally.
import { celEnvironment } from '../../src/core/cel/environment.js';

export type SpecValue = Record<string, unknown>;

// cel-js exports neither class, so take them from values it makes.
const UnsignedInt = (celEnvironment.evaluate('0u') as object).constructor as new (v: bigint) => object;
const Duration = (celEnvironment.evaluate('duration("0s")') as object).constructor as new (s: bigint, n: number) => object;

/** Spec types that are protobuf messages other than the well-known scalar-like ones. */
export function isProtoMessage(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as Record<string, unknown>)['@type'];
  if (typeof type === 'string' && !/google\.protobuf\.(Duration|Timestamp)$/.test(type)) return true;
  if ('enumValue' in value) return true;
  return Object.values(value).some(isProtoMessage);
}

const double = (v: unknown): number => (typeof v === 'string' ? Number(v) : (v as number));

/** cel.expr.Value (JSON) → the value our runtime uses. */
export function toRuntime(v: SpecValue): unknown {
  if ('nullValue' in v) return null;
  if ('boolValue' in v) return v.boolValue;
  if ('int64Value' in v) return BigInt(v.int64Value as string);
  if ('uint64Value' in v) return new UnsignedInt(BigInt(v.uint64Value as string));
  if ('doubleValue' in v) return double(v.doubleValue);
  if ('stringValue' in v) return v.stringValue;
  if ('bytesValue' in v) return new Uint8Array(Buffer.from(v.bytesValue as string, 'base64'));
  if ('listValue' in v) return ((v.listValue as { values?: SpecValue[] }).values ?? []).map(toRuntime);
  if ('mapValue' in v) {
    const out: Record<string, unknown> = {};
    for (const e of (v.mapValue as { entries?: Array<{ key: SpecValue; value: SpecValue }> }).entries ?? []) out[String(toRuntime(e.key))] = toRuntime(e.value);
    return out;
  }
  if ('objectValue' in v) return wellKnown(v.objectValue as Record<string, unknown>);
  throw new Error(`unsupported value ${JSON.stringify(v)}`);
}

function wellKnown(o: Record<string, unknown>): unknown {
  const type = String(o['@type']);
  if (type.endsWith('google.protobuf.Timestamp')) return new Date(String(o.value));
  if (type.endsWith('google.protobuf.Duration')) {
    const m = /^(-?)(\d+)(?:\.(\d{1,9}))?s$/.exec(String(o.value));
    if (!m) throw new Error(`bad duration ${String(o.value)}`);
    const sign = m[1] ? -1 : 1;
    return new Duration(BigInt(sign) * BigInt(m[2]!), sign * Number((m[3] ?? '').padEnd(9, '0')));
  }
  throw new Error(`unsupported object ${type}`);
}

/** Canonical text of an expected value. */
export function canonSpec(v: SpecValue): string {
  if ('nullValue' in v) return 'null';
  if ('boolValue' in v) return `bool:${String(v.boolValue)}`;
  if ('int64Value' in v) return `int:${BigInt(v.int64Value as string)}`;
  if ('uint64Value' in v) return `uint:${BigInt(v.uint64Value as string)}`;
  if ('doubleValue' in v) return canonDouble(double(v.doubleValue));
  if ('stringValue' in v) return `string:${JSON.stringify(v.stringValue)}`;
  if ('bytesValue' in v) return `bytes:${Buffer.from(v.bytesValue as string, 'base64').toString('hex')}`;
  if ('typeValue' in v) return `type:${String(v.typeValue)}`;
  if ('listValue' in v) return `[${((v.listValue as { values?: SpecValue[] }).values ?? []).map(canonSpec).join(',')}]`;
  if ('mapValue' in v) {
    const entries = (v.mapValue as { entries?: Array<{ key: SpecValue; value: SpecValue }> }).entries ?? [];
    return canonMap(entries.map((e) => [mapKey(canonSpec(e.key)), canonSpec(e.value)]));
  }
  if ('objectValue' in v) return canonRuntime(wellKnown(v.objectValue as Record<string, unknown>));
  return `?${JSON.stringify(v)}`;
}

/** Canonical text of a value our runtime produced. */
export function canonRuntime(x: unknown): string {
  if (x === null || x === undefined) return 'null';
  if (typeof x === 'boolean') return `bool:${x}`;
  if (typeof x === 'bigint') return `int:${x}`;
  if (typeof x === 'number') return canonDouble(x);
  if (typeof x === 'string') return `string:${JSON.stringify(x)}`;
  if (x instanceof UnsignedInt) return `uint:${(x as { valueOf(): bigint }).valueOf()}`;
  if (x instanceof Uint8Array) return `bytes:${Buffer.from(x).toString('hex')}`;
  if (x instanceof Date) return `timestamp:${x.getTime()}`;
  if (x instanceof Duration) {
    const d = x as unknown as { seconds: bigint; nanos: number };
    return `duration:${BigInt(d.seconds) * 1_000_000_000n + BigInt(Math.trunc(d.nanos))}`;
  }
  if (Array.isArray(x)) return `[${x.map(canonRuntime).join(',')}]`;
  if (x instanceof Map) return canonMap([...x].map(([k, v]) => [mapKey(canonRuntime(k)), canonRuntime(v)]));
  const tag = (x as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (typeof tag === 'string' && tag.startsWith('Type<')) return `type:${String((x as { name: unknown }).name)}`;
  if (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null) {
    return canonMap(Object.entries(x).map(([k, v]) => [k, canonRuntime(v)]));
  }
  return `?${String(x)}`;
}

function canonDouble(n: number): string {
  return `double:${Number.isNaN(n) ? 'NaN' : Object.is(n, -0) ? '0' : String(n)}`;
}

// Our maps are plain objects, so keys compare by their text (1, "1" and true's text alike).
function mapKey(canon: string): string {
  const text = canon.slice(canon.indexOf(':') + 1);
  return canon.startsWith('string:') ? (JSON.parse(text) as string) : text;
}

function canonMap(entries: Array<[string, string]>): string {
  return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}
