// Which budget a beach tool call spends (limits.ts): a call that can change a beach is a write,
// anything else a read. Their fetches of other beaches spend the fetch budget on top.
import type { BeachLimits, Budget } from '../limits.js';
import type { BeachTool } from './index.js';

const READS = new Set(['bsp-floor', 'pscale_invite', 'pscale_play', 'pscale_verify_rider']);

const given = (args: Record<string, unknown>, ...keys: string[]): boolean => keys.some((k) => Object.prototype.hasOwnProperty.call(args, k) && args[k] !== undefined);

export function toolBudget(name: string, input: unknown): Budget {
  const args = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  if (READS.has(name)) return 'read';
  if (name === 'bsp') return given(args, 'content', 'new_lock', 'members') || args['append'] === true ? 'write' : 'read';
  if (name === 'pscale_grain_reach') return args['verify_only'] === true ? 'read' : 'write';
  if (name === 'pscale_pool_engage') return given(args, 'contribution', 'submit', 'purpose', 'resolves_window') ? 'write' : 'read';
  return 'write';
}

/** The tools, each call first charged to the calling client (a no-op outside a client's request). */
export function limitedTools(tools: readonly BeachTool[], limits: BeachLimits): BeachTool[] {
  return tools.map((t) => ({
    ...t,
    handler: async (args: unknown) => {
      await limits.charge(toolBudget(t.name, args));
      return t.handler(args);
    },
  }));
}
