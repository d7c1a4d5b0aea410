// Unit tests for the declaration-time read check: literal paths into scopes the author cannot read
// are refused; the author's own scope, public scopes, `self` (when it can exist) and computed
// indexes pass.
import { describe, expect, it } from 'vitest';
import { compileCel } from '../cel/index.js';
import { isSyncError } from '../errors.js';
import { ADMIN_READER, PUBLIC_READER, agentReader } from './policy.js';
import { requireReadableDeps, type Author } from './static-access.js';

const narrator: Author = { reader: agentReader('narrator'), selfReadable: true, describe: 'narrator' };
const path: Author = { reader: agentReader('path'), selfReadable: true, describe: 'path' };
const shared: Author = { reader: PUBLIC_READER, selfReadable: false, describe: 'a _shared action' };
const admin: Author = { reader: ADMIN_READER, selfReadable: true, describe: 'an admin' };

function refusal(source: string, author: Author): Record<string, unknown> | null {
  try {
    requireReadableDeps(compileCel(source, 'enabled').deps, 'enabled', author);
    return null;
  } catch (error) {
    if (!isSyncError(error)) throw error;
    return { error: error.code, ...error.details };
  }
}

describe('requireReadableDeps', () => {
  it('refuses literal paths into a scope the author cannot read, in any form', () => {
    for (const source of ['has(state.narrator.compass)', 'state.narrator.wood > 1', 'state["narrator"]["x"] == 1', 'size(state.narrator) > 0', '!has(state.narrator.compass) || true']) {
      expect(refusal(source, path), source).toMatchObject({ error: 'unreadable_scope', field: 'enabled', scope: 'narrator' });
    }
    expect(refusal('state._config.x == 1', path)).toMatchObject({ scope: '_config' });
  });

  it('accepts the author\'s own scope, public scopes, agents, views and computed indexes', () => {
    for (const source of ['has(state.narrator.compass)', 'state.self.x == 1', 'state._shared.turn > 0', 'has(agents.path)', 'views.v == 1', 'state[params.who].x == 1']) {
      expect(refusal(source, narrator), source).toBeNull();
    }
    expect(refusal('state.narrator.x == 1 && state._config.y == 2', admin)).toBeNull();
  });

  it('refuses state.self where it can never exist (the public authority)', () => {
    expect(refusal('state.self.hp > 0', shared)).toMatchObject({ scope: 'self' });
    expect(refusal('state[self].hp > 0', shared)).toBeNull();
    expect(refusal('state.self.hp > 0', path)).toBeNull();
  });
});
