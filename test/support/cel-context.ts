// A CEL evaluation context shaped like the engine's, for unit tests of the CEL layer.
import { toCel } from '../../src/core/cel/index.js';

export function celContext(shared: Record<string, unknown> = {}, self = 'alice') {
  return {
    state: { _shared: toCel(shared as never) },
    views: {},
    agents: {},
    actions: {},
    messages: { count: 0n, unread: 0n, directed_unread: 0n },
    params: {},
    self,
  };
}
