// Routes of the older API that seed 004 describes (direct state writes, an actions table, a
// message board with claims). agent-sync has none of them; a client that tries one is told the
// equivalent instead of a bare 404.
import { SyncError } from '../../core/errors.js';

const PATTERNS = 'See docs/patterns.md for each seed 004 pattern written this way.';

const REPLACED: Array<[RegExp, string]> = [
  [/^\/rooms\/[^/]+\/state\/batch\/?$/, 'state is written only by actions: register one whose writes list holds the batch with _register_action, then invoke it (POST /rooms/:id/actions/:action/invoke); it commits atomically'],
  [/^\/rooms\/[^/]+\/state(\/.*)?$/, 'state is written only by actions: register one with _register_action, then invoke it (POST /rooms/:id/actions/:action/invoke); read state with GET /rooms/:id/context'],
  [/^\/rooms\/[^/]+\/actions\/?$/, 'register an action by invoking _register_action (POST /rooms/:id/actions/_register_action/invoke) and list them with GET /rooms/:id/context?only=actions'],
  [/^\/rooms\/[^/]+\/messages\/[^/]+\/claim\/?$/, 'claims are actions: see the task fan-out pattern (a claim action guarded by if_version)'],
  [/^\/rooms\/[^/]+\/messages(\/.*)?$/, 'send a message by invoking _send_message and read messages with GET /rooms/:id/context?only=messages'],
];

/** The error for a seed 004 route, or null if the path is not one. */
export function replacedRoute(method: string, path: string): SyncError | null {
  const hit = REPLACED.find(([pattern]) => pattern.test(path));
  if (!hit) return null;
  return new SyncError('route_not_found', `There is no route ${method} ${path.slice(0, 200)} in this API: ${hit[1]}.`, { see: 'docs/patterns.md', hint: PATTERNS });
}
