// Unit tests for dependency extraction: which state keys, scopes, views, agents, actions and
// message counters an expression reads, from compileCel(...).deps.
import { describe, expect, it } from 'vitest';
import { compileCel } from './compile.js';
import { ANY, SELF, extractDeps, scopeDep, stateKeyDep } from './deps.js';

const deps = (source: string) => [...compileCel(source, 'expr').deps].sort();
const sorted = (...items: string[]) => [...items].sort();

describe('extractDeps', () => {
  it('encodes keys and scopes distinctly', () => {
    expect(stateKeyDep('_shared', 'turn')).toBe('s:_shared\u0000turn');
    expect(scopeDep('_shared')).toBe('S:_shared');
    expect(ANY).toBe('*');
    // A key containing a dot or a colon cannot collide with another scope/key pair.
    expect(stateKeyDep('a', 'b.c')).not.toBe(stateKeyDep('a.b', 'c'));
  });

  it('reads one key from a field path', () => {
    expect(deps('state._shared.turn > 0')).toEqual([stateKeyDep('_shared', 'turn')]);
    expect(deps('state._shared.turn.score > 0')).toEqual([stateKeyDep('_shared', 'turn')]);
    expect(deps('state["_shared"]["turn"] > 0')).toEqual([stateKeyDep('_shared', 'turn')]);
    expect(deps('state._shared["a.result"] == 1')).toEqual([stateKeyDep('_shared', 'a.result')]);
    expect(deps('state.self.hp')).toEqual([stateKeyDep('self', 'hp')]);
  });

  it('reads a whole scope when the key is computed', () => {
    expect(deps('state._shared[params.k] == 1')).toEqual([scopeDep('_shared')]);
    expect(deps('state._shared[self + ".x"] == 1')).toEqual([SELF, scopeDep('_shared')]);
    expect(deps('size(state._shared) > 0')).toEqual([scopeDep('_shared')]);
    expect(deps('state._shared.keys().size()')).toEqual([scopeDep('_shared')]);
    expect(deps('"turn" in state._shared')).toEqual([scopeDep('_shared')]);
  });

  it('reads all state when the scope is computed or state is used whole', () => {
    expect(deps('state[self].hp > 0')).toEqual([SELF, 'S*']);
    expect(deps('size(state) > 0')).toEqual(['S*']);
  });

  it('follows the index expression itself when it reads the room', () => {
    expect(deps('state._shared[state._shared.current] == 1')).toEqual(sorted(scopeDep('_shared'), stateKeyDep('_shared', 'current')));
    expect(deps('views[state._shared.which] == 1')).toEqual(sorted('v*', stateKeyDep('_shared', 'which')));
  });

  it('reads views, agents, actions and message counters', () => {
    expect(deps('views["results"].size() > 0')).toEqual(['v:results']);
    expect(deps('views.results.size() > 0')).toEqual(['v:results']);
    expect(deps('size(views) > 0')).toEqual(['v*']);
    expect(deps('agents.bob.status == "waiting"')).toEqual(['a:bob']);
    expect(deps('agents.exists(a, agents[a].status == "waiting")')).toEqual(['a*']);
    expect(deps('messages.unread > 0')).toEqual(['m']);
    expect(deps('actions.vote.available')).toEqual(['A*']);
    expect(deps('size(actions) > 0')).toEqual(['A*']);
  });

  it('sees through has(), optional access and macros', () => {
    expect(deps('has(state.narrator.fire_lit)')).toEqual([stateKeyDep('narrator', 'fire_lit')]);
    expect(deps('state._shared.?x.orValue(0) > 1')).toEqual([stateKeyDep('_shared', 'x')]);
    expect(deps('state._shared.items.exists(i, i.done)')).toEqual([stateKeyDep('_shared', 'items')]);
    expect(deps('state._shared.items.map(i, state.scores[i])')).toEqual(sorted(stateKeyDep('_shared', 'items'), scopeDep('scores')));
    expect(deps('cel.bind(s, state._shared, s.turn)')).toEqual([scopeDep('_shared')]);
  });

  it('collects every dependency of a compound expression once', () => {
    expect(deps('state._shared.votes_for + state._shared.votes_against >= state._shared.quorum && messages.unread > 0 && state._shared.quorum > 0')).toEqual(
      sorted(stateKeyDep('_shared', 'votes_for'), stateKeyDep('_shared', 'votes_against'), stateKeyDep('_shared', 'quorum'), 'm'),
    );
  });

  it('finds nothing in expressions that read no room data', () => {
    expect(deps('1 + 1 == 2')).toEqual([]);
    expect(deps('self == "alice"')).toEqual([SELF]);
    expect(deps('params.n > 0')).toEqual([]);
    expect(deps('[1, 2].exists(x, x > 1)')).toEqual([]);
  });

  it('accepts any AST-shaped input without throwing', () => {
    expect([...extractDeps(null)]).toEqual([]);
    expect([...extractDeps({ op: 'id', args: 'messages' })]).toEqual(['m']);
    expect([...extractDeps([{ op: 'id', args: 'state' }, { op: 'value', args: 1 }])]).toEqual(['S*']);
  });
});
