// Refuse, when an expression is declared, one that statically reads a scope its author can never
// read (D7): under the read rule it could never hold, and nothing would say why. Only literal paths
// count (`state.narrator.x`, `has(state.narrator.x)`, `state["narrator"]`); a computed index
// (`state[params.who]`) is left to evaluation. Pure.
import { SyncError } from '../errors.js';
import type { Dep } from '../cel/index.js';
import { canReadScope, isAgentScope, isStateScope, type Reader } from './policy.js';

export interface Author {
  /** The authority the expression will be evaluated with. */
  reader: Reader;
  /** Whether `state.self` can exist for this evaluation (false for the public authority). */
  selfReadable: boolean;
  /** Who that is, for the message: "path (joined without a token, it reads as itself)". */
  describe: string;
}

/** Throw `403 unreadable_scope` if the expression's literal paths read a scope the author cannot. */
export function requireReadableDeps(deps: ReadonlySet<Dep>, field: string, author: Author): void {
  for (const dep of deps) {
    const scope = scopeOf(dep);
    if (scope === null || readable(scope, author)) continue;
    const who = isAgentScope(scope) ? `${scope}'s own agent token or the room token` : 'the room token';
    throw new SyncError('unreadable_scope', `The ${field} expression reads state.${scope}, which ${author.describe} cannot read, so it could never hold.`, {
      field,
      scope,
      hint: scope === 'self'
        ? 'state.self is the invoker\'s scope, which a _shared action never reads: own the action (scope = your id), or use params.'
        : `Declare it with ${who}, or publish what it needs with a view its owner registers.`,
    });
  }
}

function readable(scope: string, author: Author): boolean {
  if (scope === 'self') return author.selfReadable;
  return !isStateScope(scope) || canReadScope(author.reader, scope);
}

// `s:<scope>\u0000<key>` and `S:<scope>` name a scope; every other path is not about state scopes.
function scopeOf(dep: Dep): string | null {
  if (dep.startsWith('S:')) return dep.slice(2);
  if (dep.startsWith('s:')) return dep.slice(2, dep.indexOf('\u0000'));
  return null;
}
