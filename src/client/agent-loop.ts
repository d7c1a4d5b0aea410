// The loop a well-behaved agent runs (seed 000): wait → read context → act → repeat. It waits
// on a condition instead of polling, re-reads after every action, and backs off on failures.
import type { Context } from '../protocol/wire/reads.js';
import type { AgentSyncClient, ContextOptions } from './client.js';
import { isAgentSyncError } from './errors.js';
import { sleep } from './transport.js';

export interface AgentLoopOptions {
  room: string;
  /** CEL condition that means "there is something for me to do". */
  until: string;
  /** Act on the context; return `false` to stop the loop. */
  act: (context: Context, client: AgentSyncClient) => Promise<boolean | void>;
  /** Shaping for the context read after each wake. */
  context?: ContextOptions;
  /** Per-wait timeout in milliseconds (the server caps it). */
  waitTimeoutMs?: number;
  signal?: AbortSignal;
  /** Stop after this many actions (default: unbounded). */
  maxTurns?: number;
  /** Called when a turn fails with a transient server or network error; the loop backs off and goes on. */
  onError?: (error: unknown) => void;
}

/** Errors that retrying cannot fix: the loop stops and throws them. */
const FATAL = new Set(['authentication_required', 'invalid_token', 'room_not_found', 'invalid_cel', 'read_only_token', 'identity_mismatch', 'scope_denied']);

/** Run until `act` returns false, `maxTurns` is reached or `signal` aborts; resolves with the turns taken. */
export async function runAgentLoop(client: AgentSyncClient, options: AgentLoopOptions): Promise<number> {
  let turns = 0;
  let failures = 0;
  while (!options.signal?.aborted && (options.maxTurns === undefined || turns < options.maxTurns)) {
    try {
      const waited = await client.wait(options.room, options.until, { timeout: options.waitTimeoutMs, messages: false, actions: false, signal: options.signal, include: 'agents' });
      if (!waited.triggered) continue;
      const context = await client.context(options.room, { ...options.context, signal: options.signal });
      turns++;
      failures = 0;
      if ((await options.act(context, client)) === false) break;
    } catch (error) {
      if (options.signal?.aborted) break;
      // Bugs in `act` and errors a retry cannot fix end the loop; transient ones are retried.
      if (!isAgentSyncError(error) || FATAL.has(error.code)) throw error;
      options.onError?.(error);
      failures++;
      await sleep(client.transport.delay(Math.min(failures, 6)), options.signal).catch(() => undefined);
    }
  }
  return turns;
}
