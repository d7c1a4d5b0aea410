import { describe, expect, it } from 'vitest';
import { SyncError } from '../errors.js';
import { exceeds, formatScope, grantFor, parseScope, withRoom } from './scope.js';

const refused = (text: unknown) => {
  try {
    parseScope(text);
  } catch (error) {
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).code).toBe('invalid_scope');
    return true;
  }
  return false;
};

describe('scope grammar (seed 000, D18)', () => {
  it('parses every item of the seed', () => {
    const s = parseScope('rooms:* rooms:a rooms:b:write rooms:c:read rooms:d:agent:alice create_rooms tokens:manage');
    expect(s.wildcard).toBe('full');
    expect([...s.rooms]).toEqual([
      ['a', { level: 'full', agent: null }],
      ['b', { level: 'write', agent: null }],
      ['c', { level: 'read', agent: null }],
      ['d', { level: 'write', agent: 'alice' }],
    ]);
    expect(s.createRooms).toBe(true);
    expect(s.manageTokens).toBe(true);
    expect(parseScope('rooms:*:read').wildcard).toBe('read');
    expect(parseScope('rooms:*:write').wildcard).toBe('write');
  });

  it('round-trips through its canonical text', () => {
    const text = 'rooms:*:read rooms:a rooms:b:write rooms:c:read rooms:d:agent:alice create_rooms tokens:manage';
    expect(formatScope(parseScope(text))).toBe(text);
    expect(formatScope(parseScope('  create_rooms\trooms:x  '))).toBe('rooms:x create_rooms');
  });

  // §11 item 6: fail-open parsing.
  it('§11.6 fail-open scope parsing: unknown items, modifiers, sync:, duplicates and empty scopes are errors', () => {
    for (const bad of [
      '', '   ', 'rooms', 'rooms:', 'rooms:x:foo', 'rooms:x:agent', 'rooms:x:agent:a:write', 'rooms:x:admin', 'rooms:x:observe',
      'rooms:x:role:r', 'sync:rooms', 'sync:anything', 'tokens', 'create_room', 'rooms:*:full', 'rooms:*:admin', 'rooms:*:observe',
      'rooms:x rooms:x:read', 'rooms:x:agent:a rooms:x:agent:b', 'rooms:* rooms:*:read', 'create_rooms create_rooms',
      'rooms:../x', 'rooms:__proto__', 'rooms:-x', 'rooms:x:agent:self', 'rooms:x:agent:-a', 'rooms:' + 'a'.repeat(65), 'ROOMS:x', 'rooms:x\u0000',
      'x'.repeat(9000), Array.from({ length: 300 }, (_, i) => `rooms:r${i}`).join(' '),
    ]) expect(refused(bad), bad).toBe(true);
    for (const notString of [null, 3, ['rooms:*'], { rooms: '*' }]) expect(refused(notString)).toBe(true);
  });

  it('treats hostile room ids as plain names', () => {
    const s = parseScope('rooms:hasOwnProperty rooms:constructor:read');
    expect(grantFor(s, 'hasOwnProperty')).toEqual({ level: 'full', agent: null });
    expect(grantFor(s, 'constructor')).toEqual({ level: 'read', agent: null });
    expect(grantFor(s, 'toString')).toBeNull();
  });

  it('a scope without rooms reaches no room (no "unrestricted" reading)', () => {
    expect(grantFor(parseScope('create_rooms'), 'any')).toBeNull();
    expect(grantFor(parseScope('tokens:manage'), 'any')).toBeNull();
  });

  it('a named room wins over the wildcard', () => {
    const s = parseScope('rooms:* rooms:a:read');
    expect(grantFor(s, 'a')).toEqual({ level: 'read', agent: null });
    expect(grantFor(s, 'b')).toEqual({ level: 'full', agent: null });
  });

  it('withRoom adds (or replaces) one room at full level', () => {
    expect(formatScope(withRoom(parseScope('create_rooms'), 'new'))).toBe('rooms:new create_rooms');
    expect(formatScope(withRoom(parseScope('rooms:new:read create_rooms'), 'new'))).toBe('rooms:new create_rooms');
  });
});

describe('exceeds: a token never grants more than it has', () => {
  const within = (asked: string, holder: string) => exceeds(parseScope(asked), parseScope(holder));
  it('allows equal and narrower scopes', () => {
    expect(within('rooms:a', 'rooms:a')).toBeNull();
    expect(within('rooms:a:read', 'rooms:a:write')).toBeNull();
    expect(within('rooms:a:agent:x', 'rooms:a:write')).toBeNull();
    expect(within('rooms:a:agent:x', 'rooms:a:agent:x')).toBeNull();
    expect(within('rooms:a rooms:b:read', 'rooms:*')).toBeNull();
    expect(within('rooms:*:read', 'rooms:*')).toBeNull();
    expect(within('create_rooms', 'rooms:a create_rooms')).toBeNull();
  });
  it('refuses wider scopes', () => {
    expect(within('rooms:a', 'rooms:a:write')).toMatch(/full/);
    expect(within('rooms:b', 'rooms:a')).toMatch(/b/);
    expect(within('rooms:*', 'rooms:a')).toMatch(/rooms:\*/);
    expect(within('rooms:*', 'rooms:*:read')).toMatch(/rooms:\*/);
    expect(within('create_rooms', 'rooms:*')).toMatch(/create_rooms/);
    expect(within('tokens:manage', 'rooms:*')).toMatch(/tokens:manage/);
    // agent-bound holders cannot switch agent, drop the binding, or lift it through a wildcard
    expect(within('rooms:a:agent:y', 'rooms:a:agent:x')).toMatch(/only as x/);
    expect(within('rooms:a:write', 'rooms:a:agent:x')).toMatch(/only as x/);
    expect(within('rooms:*:write', 'rooms:* rooms:a:agent:x')).toMatch(/widen/);
    expect(within('rooms:*:read', 'rooms:* rooms:a:agent:x')).toMatch(/widen/);
    expect(within('rooms:*', 'rooms:* rooms:a:read')).toMatch(/widen/);
  });
});
