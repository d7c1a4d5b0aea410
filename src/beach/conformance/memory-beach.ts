// Test support: the engine behind an in-memory map, the way storage will wrap it (read → apply → write).
import { applyDelete } from '../delete-request.js';
import { applyPost } from '../engine.js';
import { applyGet } from '../read-request.js';
import type { BlockRecord, EngineResult } from '../record.js';

export const ORIGIN = 'beach.example.com';
export const T0 = Date.parse('2026-06-01T12:00:00.000Z');

export class MemoryBeach {
  readonly records = new Map<string, BlockRecord>();
  readonly claims = new Map<string, string>();
  now = T0;

  constructor(readonly origin: string = ORIGIN) {}

  post(name: string, body: unknown): { status: number; body: any } {
    const record = this.records.get(name) ?? null;
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const window = typeof fields['resolve_window'] === 'string' ? fields['resolve_window'] : undefined;
    const state =
      window === undefined ? undefined : { liquid: this.records.get(`liquid:${name}`)?.block ?? null, claimedBy: this.claims.get(`${name}|${window}`) ?? null };
    const result = applyPost(record, { name, body }, { origin: this.origin, now: this.now }, state);
    this.store(name, result);
    if (result.effects?.liquid) this.records.set(`liquid:${name}`, { ...(this.records.get(`liquid:${name}`) ?? { locks: {} }), block: result.effects.liquid });
    if (result.effects?.claim) this.claims.set(`${name}|${result.effects.claim.window}`, result.effects.claim.claimant);
    return { status: result.status, body: result.body };
  }

  get(name: string, spindle?: string, pscale?: string): { status: number; body: any } {
    const result = applyGet(this.records.get(name) ?? null, { name, spindle: spindle ?? null, pscale: pscale ?? null });
    return { status: result.status, body: result.body };
  }

  delete(name: string, body: unknown): { status: number; body: any } {
    const result = applyDelete(this.records.get(name) ?? null, { name, body }, { origin: this.origin, now: this.now });
    this.store(name, result);
    return { status: result.status, body: result.body };
  }

  block(name: string): any {
    return this.records.get(name)?.block ?? undefined;
  }

  private store(name: string, result: EngineResult): void {
    if (!result.changed) return;
    if (result.record === null) this.records.delete(name);
    else this.records.set(name, result.record);
  }
}
