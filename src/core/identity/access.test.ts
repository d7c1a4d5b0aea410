// The scope × role × operation table (issue 10, "must show" 2): every cell's expected decision.
import { describe, expect, it } from 'vitest';
import { authorize, OPERATIONS, ROLES, ROOMLESS, type Operation, type Principal, type Role } from './access.js';
import { exceeds, parseScope } from './scope.js';
import type { Caller } from '../service/caller.js';

const ROOM = 'r1';
const token = (scope: string, embodied: string | null = null): Principal => ({ kind: 'token', userId: 'u1', tokenId: 't1', scope: parseScope(scope), embodied });
const decide = (p: Principal, role: Role | null, op: Operation, localMode = false) =>
  authorize(p, ROOMLESS.has(op) ? null : { id: ROOM, role }, op, { localMode });

// Column order of the expectation strings (Y = allow, . = deny).
const COLUMNS: Operation[] = ['read_context', 'invoke', 'register', 'join', 'create_room', 'invite', 'delete_room', 'manage_tokens', 'wait', 'events', 'eval', 'list_rooms'];
const ROLE_COLUMNS: Array<Role | null> = [...ROLES, null];

//                                 owner          collaborator   participant    observer       no role
const TABLE: Record<string, [string, string, string, string, string]> = {
  'rooms:r1':                     ['YYYY.YY.YYYY', 'Y..Y....YYYY', 'Y..Y....YYYY', 'Y.......YYYY', '...........Y'],
  'rooms:r1:write':               ['Y..Y....YYYY', 'Y..Y....YYYY', 'Y..Y....YYYY', 'Y.......YYYY', '...........Y'],
  'rooms:r1:read':                ['Y.......YYYY', 'Y.......YYYY', 'Y.......YYYY', 'Y.......YYYY', '...........Y'],
  // bound to an agent nobody of this user has joined yet: it may join as a, nothing more (§11.10)
  'rooms:r1:agent:a':             ['Y..Y....YYYY', 'Y..Y....YYYY', 'Y..Y....YYYY', 'Y.......YYYY', '...........Y'],
  'rooms:*':                      ['YYYY.YY.YYYY', 'Y..Y....YYYY', 'Y..Y....YYYY', 'Y.......YYYY', '...........Y'],
  'rooms:*:write':                ['Y..Y....YYYY', 'Y..Y....YYYY', 'Y..Y....YYYY', 'Y.......YYYY', '...........Y'],
  'rooms:*:read':                 ['Y.......YYYY', 'Y.......YYYY', 'Y.......YYYY', 'Y.......YYYY', '...........Y'],
  'rooms:other':                  ['...........Y', '...........Y', '...........Y', '...........Y', '...........Y'],
  'rooms:* rooms:r1:read':        ['Y.......YYYY', 'Y.......YYYY', 'Y.......YYYY', 'Y.......YYYY', '...........Y'],
  'create_rooms':                 ['....Y......Y', '....Y......Y', '....Y......Y', '....Y......Y', '....Y......Y'],
  'tokens:manage':                ['.......Y...Y', '.......Y...Y', '.......Y...Y', '.......Y...Y', '.......Y...Y'],
  'rooms:r1 create_rooms':        ['YYYY.YY.YYYY', 'Y..Y....YYYY', 'Y..Y....YYYY', 'Y.......YYYY', '....Y......Y'].map((s, i) => (i < 4 ? s.slice(0, 4) + 'Y' + s.slice(5) : s)) as [string, string, string, string, string],
};

// The same table for a write-capable token that embodied agent "b" in the room (D20).
const EMBODIED: Record<string, [string, string, string, string, string]> = {
  'rooms:r1:write':               ['YYYY....YYYY', 'YYYY....YYYY', 'YYYY....YYYY', 'Y.......YYYY', '...........Y'],
  'rooms:r1:read':                ['Y.......YYYY', 'Y.......YYYY', 'Y.......YYYY', 'Y.......YYYY', '...........Y'],
  // embodied as b, bound to a: the binding wins and a is not driven, so no agent
  'rooms:r1:agent:a':             ['Y..Y....YYYY', 'Y..Y....YYYY', 'Y..Y....YYYY', 'Y.......YYYY', '...........Y'],
};

// A bound token whose own family joined its agent a.
const BOUND_EMBODIED: [string, string, string, string, string] = ['YYYY....YYYY', 'YYYY....YYYY', 'YYYY....YYYY', 'Y.......YYYY', '...........Y'];

describe('scope × role × operation', () => {
  for (const [scope, rows] of Object.entries(TABLE)) {
    it(`decides every cell for ${scope}`, () => {
      const actual = ROLE_COLUMNS.map((role) => COLUMNS.map((op) => (decide(token(scope), role, op).allowed ? 'Y' : '.')).join(''));
      expect(actual).toEqual(rows);
    });
  }
  for (const [scope, rows] of Object.entries(EMBODIED)) {
    it(`decides every cell for ${scope} embodied as b`, () => {
      const actual = ROLE_COLUMNS.map((role) => COLUMNS.map((op) => (decide(token(scope, 'b'), role, op).allowed ? 'Y' : '.')).join(''));
      expect(actual).toEqual(rows);
    });
  }

  it('decides every cell for rooms:r1:agent:a embodied as a', () => {
    const actual = ROLE_COLUMNS.map((role) => COLUMNS.map((op) => (decide(token('rooms:r1:agent:a', 'a'), role, op).allowed ? 'Y' : '.')).join(''));
    expect(actual).toEqual(BOUND_EMBODIED);
  });

  it('§11.10 no agent ownership: a binding acts only as an agent its user drives', () => {
    const driven: Principal = { kind: 'token', userId: 'u1', tokenId: 't2', scope: parseScope('rooms:r1:agent:a'), embodied: null, agents: ['a'] };
    const d = decide(driven, 'participant', 'invoke');
    expect(d.allowed && d.caller).toMatchObject({ kind: 'agent', agentId: 'a' });
    // re-joining an agent the user drives acts as it; another existing agent is left to the join service to refuse
    const rejoin = authorize({ ...driven, scope: parseScope('rooms:r1:write') }, { id: ROOM, role: 'participant' }, 'join', { localMode: false, agent: 'a' });
    expect(rejoin.allowed && rejoin.caller).toMatchObject({ kind: 'agent', agentId: 'a', joins: true });
    const other = authorize({ ...driven, scope: parseScope('rooms:r1:write') }, { id: ROOM, role: 'participant' }, 'join', { localMode: false, agent: 'z' });
    expect(other.allowed && other.caller).toMatchObject({ kind: 'viewer', joins: true });
  });

  it('covers every operation', () => {
    expect([...COLUMNS].sort()).toEqual([...OPERATIONS].sort());
  });

  it('maps the effective level onto the room caller: admin, agent (bound or embodied), viewer', () => {
    const callerOf = (scope: string, role: Role, embodied: string | null = null) => {
      const d = decide(token(scope, embodied), role, 'read_context');
      return d.allowed ? { kind: d.caller.kind, agentId: d.caller.agentId } : null;
    };
    expect(callerOf('rooms:r1', 'owner')).toEqual({ kind: 'admin', agentId: null });
    expect(callerOf('rooms:r1', 'participant')).toEqual({ kind: 'viewer', agentId: null });
    expect(callerOf('rooms:r1', 'participant', 'b')).toEqual({ kind: 'agent', agentId: 'b' });
    // an agent-bound grant acts only as its agent, whatever else was embodied, once it drives it
    expect(callerOf('rooms:r1:agent:a', 'owner', 'b')).toEqual({ kind: 'viewer', agentId: null });
    expect(callerOf('rooms:r1:agent:a', 'owner', 'a')).toEqual({ kind: 'agent', agentId: 'a' });
    // an observer's embodiment gives no write power; a read token held by an owner stays read (§11 item 9)
    expect(callerOf('rooms:r1:write', 'observer', 'b')).toEqual({ kind: 'viewer', agentId: null });
    expect(callerOf('rooms:r1:read', 'owner', 'b')).toEqual({ kind: 'viewer', agentId: null });
  });

  it('an agent-bound token can only join as its agent', () => {
    const bound = token('rooms:r1:agent:a');
    expect(authorize(bound, { id: ROOM, role: 'owner' }, 'join', { localMode: false, agent: 'a' }).allowed).toBe(true);
    const other = authorize(bound, { id: ROOM, role: 'owner' }, 'join', { localMode: false, agent: 'b' });
    expect(other.allowed ? null : other.error.code).toBe('identity_mismatch');
  });

  it('says why it denies', () => {
    const code = (p: Principal, role: Role | null, op: Operation) => {
      const d = decide(p, role, op);
      return d.allowed ? 'allowed' : d.error.code;
    };
    expect(code(token('rooms:other'), 'owner', 'read_context')).toBe('scope_denied');
    expect(code(token('rooms:r1'), null, 'read_context')).toBe('not_member');
    expect(code(token('rooms:r1:read'), 'owner', 'invoke')).toBe('read_only_token');
    expect(code(token('rooms:r1:write'), 'owner', 'invoke')).toBe('read_only_token');
    expect(code(token('rooms:r1:write'), 'owner', 'delete_room')).toBe('admin_required');
    expect(code(token('rooms:r1'), 'owner', 'create_room')).toBe('scope_denied');
    expect(code(token('rooms:r1'), 'owner', 'manage_tokens')).toBe('scope_denied');
  });

  // §11 item 7 and 8.
  it('§11.7 token-management privilege: only a passkey session or tokens:manage manages tokens', () => {
    expect(decide({ kind: 'session', userId: 'u1' }, null, 'manage_tokens').allowed).toBe(true);
    expect(decide(token('rooms:*'), null, 'manage_tokens').allowed).toBe(false);
    expect(decide(token('rooms:r1:read'), null, 'manage_tokens').allowed).toBe(false);
    expect(decide(token('tokens:manage'), null, 'manage_tokens').allowed).toBe(true);
  });

  it('§11.8 room creation checks: a wildcard does not create rooms; a read token held by an owner neither deletes nor invites', () => {
    expect(decide(token('rooms:*'), null, 'create_room').allowed).toBe(false);
    expect(decide(token('rooms:*:read'), null, 'create_room').allowed).toBe(false);
    expect(decide(token('rooms:r1:read'), 'owner', 'delete_room').allowed).toBe(false);
    expect(decide(token('rooms:r1:read'), 'owner', 'invite').allowed).toBe(false);
  });

  it('§11.1 unlinked users read any room: no role, no access, even with rooms:*', () => {
    for (const op of OPERATIONS.filter((o) => !ROOMLESS.has(o))) expect(decide(token('rooms:*'), null, op).allowed).toBe(false);
  });

  it('no token can widen itself: a scope within another never allows a cell the other denies', () => {
    const scopes = [...Object.keys(TABLE), 'rooms:r1:agent:b', 'rooms:*:read rooms:r1:agent:a', 'rooms:* tokens:manage create_rooms'];
    let pairs = 0;
    for (const asked of scopes) {
      for (const holder of scopes) {
        if (exceeds(parseScope(asked), parseScope(holder)) !== null) continue;
        pairs++;
        for (const role of ROLE_COLUMNS) {
          for (const embodied of [null, 'a', 'b']) {
            for (const op of OPERATIONS) {
              const narrow = decide(token(asked, embodied), role, op);
              if (narrow.allowed) {
                // A write-level holder may join (embody) any agent, which is all a binding names.
                const wide = decide(token(holder, narrow.caller.agentId ?? embodied), role, op);
                expect(wide.allowed, `${asked} within ${holder}, ${role}, ${op}`).toBe(true);
                if (wide.allowed) expect(rank(narrow.caller)).toBeLessThanOrEqual(rank(wide.caller));
              }
            }
          }
        }
      }
    }
    expect(pairs).toBeGreaterThan(30);
  });

  it('keeps legacy callers working (D19)', () => {
    const legacy = (kind: Caller['kind'], agentId: string | null = null): Principal => ({ kind: 'legacy', caller: { kind, agentId } });
    const row = (p: Principal, localMode = false) => COLUMNS.map((op) => (decide(p, null, op, localMode).allowed ? 'Y' : '.')).join('');
    expect(row(legacy('admin'))).toBe('YYYY..Y.YYY.');
    expect(row(legacy('agent', 'a'))).toBe('YYYY....YYY.');
    expect(row(legacy('viewer'))).toBe('Y..Y....YYY.');
    expect(row(legacy('anonymous'))).toBe('Y..Y....YYY.');
    expect(row(legacy('anonymous'), true)).toBe('Y..YY...YYY.');
  });
});

const rank = (c: Caller) => ({ anonymous: 0, viewer: 1, agent: 2, admin: 3 })[c.kind];
