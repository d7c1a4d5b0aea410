// The help system (sync-core §14 under D8): keys, versions, situational hints, and room
// overrides with proof of read. help-texts.test.ts checks each text against the server.
import { describe, expect, it } from 'vitest';
import { HEX16, SET, SYSTEM_KEYS, helpRooms } from '../support/help-rooms.js';

describe('help', () => {
  const { room } = helpRooms('help');

  describe('keys and versions', () => {
    it('help({}) lists every key, index first', async () => {
      const r = await room();
      const res = await r.as.alice!.invoke(r.id, 'help', {});
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ invoked: true, action: 'help', keys: SYSTEM_KEYS });
      expect(typeof res.body.usage).toBe('string');
      const index = await r.as.alice!.invoke(r.id, 'help', { key: 'index' });
      expect(Object.keys(index.body.content.keys)).toEqual(SYSTEM_KEYS.slice(1));
    });

    it('every key answers with system content, revision 0 and a 16-hex version', async () => {
      const r = await room();
      const versions = new Set<string>();
      for (const key of SYSTEM_KEYS) {
        const res = await r.as.alice!.invoke(r.id, 'help', { key });
        expect(res.status, key).toBe(200);
        expect(res.body).toMatchObject({ invoked: true, action: 'help', key, source: 'system', revision: 0 });
        expect(res.body.version, key).toMatch(HEX16);
        expect(res.body.content, key).toBeTruthy();
        versions.add(res.body.version);
        const again = await r.as.bob!.invoke(r.id, 'help', { key });
        expect(again.body.version, key).toBe(res.body.version);
      }
      expect(versions.size).toBe(SYSTEM_KEYS.length);
      expect(Array.isArray((await r.as.alice!.invoke(r.id, 'help', { key: 'standard_library' })).body.content)).toBe(true);
      expect(typeof (await r.as.alice!.invoke(r.id, 'help', { key: 'index' })).body.content).toBe('object');
      expect(typeof (await r.as.alice!.invoke(r.id, 'help', { key: 'guide' })).body.content).toBe('string');
    });

    it('an unknown key is 404 help_key_not_found with the available keys', async () => {
      const r = await room();
      const res = await r.as.alice!.invoke(r.id, 'help', { key: 'nope' });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: 'help_key_not_found', key: 'nope', available: SYSTEM_KEYS });
      expect(typeof res.body.message).toBe('string');
      const typed = await r.as.alice!.invoke(r.id, 'help', { key: 7 });
      expect(typed.status).toBe(400);
      expect(typed.body.error).toBe('invalid_param_type');
    });
  });

  describe('_context.help', () => {
    it('suggests vocabulary_bootstrap in an empty room only', async () => {
      const r = await room();
      expect((await r.as.alice!.context(r.id)).body._context.help).toEqual(['vocabulary_bootstrap']);
      await r.register(r.as.alice!, SET);
      expect((await r.as.alice!.context(r.id)).body._context.help).toBeUndefined();
    });

    it('suggests directed_messages while a message to the reader is unread', async () => {
      const r = await room();
      await r.register(r.as.alice!, SET);
      await r.as.bob!.invoke(r.id, '_send_message', { body: 'alice, a word', to: 'alice' });
      expect((await r.as.bob!.context(r.id)).body._context.help).toBeUndefined();
      const first = await r.as.alice!.context(r.id);
      expect(first.body.messages.directed_unread).toBe(1);
      expect(first.body._context.help).toEqual(['directed_messages']);
      expect((await r.as.alice!.context(r.id)).body._context.help).toBeUndefined();
    });

    it('suggests contested_actions when two actions write one target', async () => {
      const r = await room();
      await r.register(r.as.alice!, SET);
      await r.register(r.as.bob!, { ...SET, id: 'overwrite' });
      const ctx = await r.as.alice!.context(r.id);
      expect(ctx.body._context.help).toEqual(['contested_actions']);
      expect(ctx.body.views._contested.value).toEqual({ '_shared:${params.key}': ['set', 'overwrite'] });
    });

    it('suggests context_shaping when messages are truncated', async () => {
      const r = await room();
      await r.register(r.as.alice!, SET);
      for (let i = 0; i < 5; i++) await r.as.bob!.invoke(r.id, '_send_message', { body: `m${i}` });
      const ctx = await r.as.alice!.context(r.id, '?messages_limit=2');
      expect(ctx.body._context.help).toEqual(['context_shaping']);
      expect(ctx.body._context.messages_truncated).toEqual({ missing: 3, oldest_seq: 4, _expand: '?messages_after=0&messages_limit=5' });
      const expanded = await r.as.alice!.context(r.id, `${ctx.body._context.messages_truncated._expand}`);
      expect(expanded.body.messages.recent.map((m: { body: string }) => m.body)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      expect(expanded.body._context.help).toBeUndefined();
    });
  });

  describe('room overrides of _help', () => {
    const OVERRIDE = {
      id: 'override_help',
      description: 'Replace a help entry, given the version you read',
      params: { key: { type: 'string', required: true }, content: { type: 'any', required: true }, version: { type: 'string', required: true } },
      writes: [{ scope: '_help', key: '${params.key}', value: '${params.content}', if_version: '${params.version}' }],
    };

    it('refuses an action writing _help without if_version at registration', async () => {
      const r = await room();
      const res = await r.as.alice!.invoke(r.id, '_register_action', { ...OVERRIDE, writes: [{ scope: '_help', key: '${params.key}', value: '${params.content}' }] });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'reserved_scope', scope: '_help' });
    });

    it('overrides guide with the system version as proof of read, then refuses stale versions', async () => {
      const r = await room();
      await r.register(r.as.alice!, OVERRIDE);
      const system = await r.as.alice!.invoke(r.id, 'help', { key: 'guide' });
      const v0 = system.body.version;

      const wrong = await r.as.alice!.invoke(r.id, 'override_help', { key: 'guide', content: 'nope', version: '0123456789abcdef' });
      expect(wrong.status).toBe(409);
      expect(wrong.body).toMatchObject({ error: 'version_conflict', expected_version: '0123456789abcdef', current: { version: v0, revision: 0 } });

      const first = await r.as.alice!.invoke(r.id, 'override_help', { key: 'guide', content: '# Our room\nBe kind.', version: v0 });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const room1 = await r.as.bob!.invoke(r.id, 'help', { key: 'guide' });
      expect(room1.body).toMatchObject({ key: 'guide', content: '# Our room\nBe kind.', source: 'room', revision: 1 });
      expect(room1.body.version).toMatch(HEX16);
      expect(room1.body.version).not.toBe(v0);

      const stale = await r.as.bob!.invoke(r.id, 'override_help', { key: 'guide', content: 'lost update', version: v0 });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ error: 'version_conflict', expected_version: v0, current: { version: room1.body.version, revision: 1, value: '# Our room\nBe kind.' } });

      const second = await r.as.bob!.invoke(r.id, 'override_help', { key: 'guide', content: { steps: ['read', 'act'] }, version: room1.body.version });
      expect(second.status).toBe(200);
      const room2 = await r.as.alice!.invoke(r.id, 'help', { key: 'guide' });
      expect(room2.body).toMatchObject({ content: { steps: ['read', 'act'] }, source: 'room', revision: 2 });
      const listing = await r.as.alice!.invoke(r.id, 'help', {});
      expect(listing.body.keys).toEqual(SYSTEM_KEYS);
    });

    it('refuses a templated scope that resolves to _help without if_version', async () => {
      const r = await room();
      await r.register(r.as.alice!, { id: 'anywhere', params: { scope: { type: 'string' } }, writes: [{ scope: '${params.scope}', key: 'guide', value: 'overwritten' }] });
      const res = await r.as.alice!.invoke(r.id, 'anywhere', { scope: '_help' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('reserved_scope');
      expect((await r.as.alice!.invoke(r.id, 'help', { key: 'guide' })).body.source).toBe('system');
    });

    it('adds a room key with if_version "" and lists it after the system keys', async () => {
      const r = await room();
      await r.register(r.as.alice!, OVERRIDE);
      const missing = await r.as.alice!.invoke(r.id, 'override_help', { key: 'house_rules', content: 'x', version: 'abcdefabcdefabcd' });
      expect(missing.status).toBe(404);
      expect(missing.body.error).toBe('not_found');
      for (const key of ['zebra', 'house_rules']) {
        expect((await r.as.alice!.invoke(r.id, 'override_help', { key, content: `about ${key}`, version: '' })).status).toBe(200);
      }
      const again = await r.as.alice!.invoke(r.id, 'override_help', { key: 'house_rules', content: 'y', version: '' });
      expect(again.status).toBe(409);
      const listing = await r.as.alice!.invoke(r.id, 'help', {});
      expect(listing.body.keys).toEqual([...SYSTEM_KEYS, 'house_rules', 'zebra']);
      expect((await r.as.bob!.invoke(r.id, 'help', { key: 'house_rules' })).body).toMatchObject({ content: 'about house_rules', source: 'room', revision: 1 });
      const unknown = await r.as.alice!.invoke(r.id, 'help', { key: 'nope' });
      expect(unknown.body.available).toEqual(SYSTEM_KEYS);
    });
  });
});
