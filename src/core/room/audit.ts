// Building audit-log records (D13) and showing them to a reader (D9). Pure.
import type { Json, JsonObject } from '../json.js';
import { canReadScope, type Reader } from '../read/policy.js';
import { AUDIT_VALUE_IN_READS } from '../limits.js';
import type { LogKind, LogRecord, WriteRecord } from './model.js';

export interface LogInput {
  kind: LogKind;
  agent: string | null;
  action?: string | null;
  builtin?: boolean;
  params?: JsonObject | null;
  ok: boolean;
  error?: string | null;
  writes?: WriteRecord[];
  detail?: JsonObject | null;
}

/** Params of a refused call are audited whole only up to this many bytes of JSON. */
export const MAX_REFUSED_PARAMS_BYTES = 4096;

/**
 * What the audit keeps of a refused call's params: the params themselves when small, otherwise
 * `{truncated: true, bytes: N}`, so a refused call cannot make the log grow by its body size.
 */
export function refusedParams(params: JsonObject): JsonObject {
  return summarised(params, MAX_REFUSED_PARAMS_BYTES) as JsonObject;
}

/** The value itself when its JSON is at most `limit` bytes, otherwise `{truncated: true, bytes}`. */
export function summarised(value: Json, limit: number): Json {
  const bytes = utf8Length(JSON.stringify(value));
  return bytes <= limit ? value : { truncated: true, bytes };
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export function logRecord(seq: number, ts: number, input: LogInput): LogRecord {
  return {
    seq,
    ts,
    kind: input.kind,
    agent: input.agent,
    action: input.action ?? null,
    builtin: input.builtin ?? false,
    params: input.params ?? null,
    ok: input.ok,
    error: input.error ?? null,
    writes: input.writes ?? [],
    detail: input.detail ?? null,
  };
}

/** A log record as `reader` may see it: private values and others' params are left out (D9). */
export function visibleLogRecord(record: LogRecord, reader: Reader): JsonObject {
  const own = reader.admin || (reader.agentId !== null && reader.agentId === record.agent);
  const out: JsonObject = {
    seq: record.seq,
    ts: new Date(record.ts).toISOString(),
    kind: record.kind,
    agent: record.agent,
    action: record.action,
    builtin: record.builtin,
    ok: record.ok,
  };
  if (record.error) out.error = record.error;
  // Reads show large params, values and details as a summary, so an audit page stays bounded.
  if (own && record.params) out.params = summarised(record.params, AUDIT_VALUE_IN_READS);
  if (record.writes.length) out.writes = record.writes.map((w) => boundedWrite(visibleWrite(w, reader))) as Json;
  if (record.detail && (own || !containsPrivate(record))) out.detail = summarised(record.detail, AUDIT_VALUE_IN_READS);
  return out;
}

export function visibleWrite(w: WriteRecord, reader: Reader): JsonObject {
  if (canReadScope(reader, w.scope) || w.scope === '_messages' || w.scope === '_actions' || w.scope === '_views' || w.scope === '_agents') {
    return w as unknown as JsonObject;
  }
  return { scope: w.scope, key: w.key, ...(w.deleted ? { deleted: true } : {}) };
}

function boundedWrite(w: JsonObject): JsonObject {
  if (w.value === undefined && w.merge === undefined) return w;
  const out = { ...w };
  if (out.value !== undefined) out.value = summarised(out.value, AUDIT_VALUE_IN_READS);
  if (out.merge !== undefined) out.merge = summarised(out.merge, AUDIT_VALUE_IN_READS);
  return out;
}

function containsPrivate(record: LogRecord): boolean {
  return record.kind === 'agent_join';
}
