// Unit tests for contest detection (sync-core §5.12): write targets by template text, and the
// targets two or more actions declare.
import { describe, expect, it } from 'vitest';
import type { ActionRecord, WriteTemplate } from '../room/model.js';
import { contestedTargets, writeTargets } from './contest.js';

function action(id: string, writes: WriteTemplate[]): ActionRecord {
  return {
    id,
    scope: '_shared',
    description: null,
    params: null,
    writes,
    if: null,
    enabled: null,
    result: null,
    timer: null,
    on_invoke: null,
    registered_by: null,
    registered_by_admin: false,
    registered_at: 0,
    version: null,
    runtimeTimer: null,
    cooldown: null,
  };
}

describe('writeTargets', () => {
  it('names each keyed write as scope:key, defaulting the scope to _shared', () => {
    expect(writeTargets(action('a', [{ key: 'turn', value: 1 }, { scope: 'alice', key: 'hp', increment: 1 }]))).toEqual(['_shared:turn', 'alice:hp']);
  });

  it('uses the raw template text', () => {
    expect(writeTargets(action('a', [{ key: '${params.key}', value: 1 }, { scope: '${self}', key: 'status', value: 'x' }]))).toEqual([
      '_shared:${params.key}',
      '${self}:status',
    ]);
  });

  it('skips keyless writes (log appends) and empty keys', () => {
    expect(writeTargets(action('a', [{ scope: '_log', append: true, value: 'x' }, { key: '', value: 1 }]))).toEqual([]);
  });

  it('lists a target once even when the action writes it twice', () => {
    expect(writeTargets(action('a', [{ key: 'n', increment: 1 }, { scope: '_shared', key: 'n', increment: 1 }]))).toEqual(['_shared:n']);
  });

  it('keeps different scopes apart', () => {
    expect(writeTargets(action('a', [{ key: 'k', value: 1 }, { scope: '_tasks', key: 'k', value: 1 }]))).toEqual(['_shared:k', '_tasks:k']);
  });
});

describe('contestedTargets', () => {
  it('is empty when no target is shared', () => {
    expect(contestedTargets([action('a', [{ key: 'x', value: 1 }]), action('b', [{ key: 'y', value: 1 }])]).size).toBe(0);
    expect(contestedTargets([]).size).toBe(0);
  });

  it('maps each target written by two or more actions to their ids, in order', () => {
    const contested = contestedTargets([
      action('set', [{ key: '${params.key}', value: '${params.value}' }]),
      action('solo', [{ key: 'mine', value: 1 }]),
      action('increment', [{ key: '${params.key}', increment: 1 }]),
      action('append', [{ key: '${params.key}', append: true, value: 1 }]),
    ]);
    expect([...contested]).toEqual([['_shared:${params.key}', ['set', 'increment', 'append']]]);
  });

  it('counts an action once per target, however many writes it has', () => {
    const contested = contestedTargets([action('a', [{ key: 'n', increment: 1 }, { key: 'n', increment: 2 }]), action('b', [{ key: 'other', value: 1 }])]);
    expect(contested.size).toBe(0);
  });

  it('treats the default scope and an explicit _shared as the same target', () => {
    const contested = contestedTargets([action('a', [{ key: 'turn', value: 1 }]), action('b', [{ scope: '_shared', key: 'turn', increment: 1 }])]);
    expect(contested.get('_shared:turn')).toEqual(['a', 'b']);
  });

  it('reports several contested targets independently', () => {
    const contested = contestedTargets([
      action('update_objective', [{ scope: '${self}', key: 'status', merge: { objective: '${params.objective}' } }]),
      action('update_status', [{ scope: '${self}', key: 'status', merge: { status: '${params.status}' } }]),
      action('fill_role', [{ key: 'roles.${params.role_id}', merge: { filled_by: '${self}' } }]),
      action('vacate_role', [{ key: 'roles.${params.role_id}', merge: { filled_by: null } }]),
      action('define_role', [{ key: 'roles.${params.role_id}', value: {} }]),
    ]);
    expect(Object.fromEntries(contested)).toEqual({
      '${self}:status': ['update_objective', 'update_status'],
      '_shared:roles.${params.role_id}': ['fill_role', 'vacate_role', 'define_role'],
    });
  });

  it('accepts any iterable of actions', () => {
    const actions = new Map([
      ['a', action('a', [{ key: 'k', value: 1 }])],
      ['b', action('b', [{ key: 'k', value: 2 }])],
    ]);
    expect(contestedTargets(actions.values()).get('_shared:k')).toEqual(['a', 'b']);
  });
});
