// include=_versions: the proof-of-read versions of what a reader may read, usable for if_version.
import { describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';

describe('context include=_versions', () => {
  it('gives version and revision of readable entries only, and the version works as if_version', async () => {
    const { client } = inProcessApp();
    const { tokens } = await roomWithAgents(client, 'r', ['alice', 'bob']);
    const alice = client.as(tokens.alice);
    const bob = client.as(tokens.bob);
    await alice.invoke('r', '_register_action', {
      id: 'cas',
      params: { value: { type: 'any' }, version: { type: 'string', default: '' } },
      writes: [{ key: 'doc', value: '${params.value}', if_version: '${params.version}' }, { scope: '${self}', key: 'mine', value: '${params.value}' }],
    });
    expect((await alice.invoke('r', 'cas', { value: 'v1' })).status).toBe(200);

    const seen = await bob.context('r', '?only=state&include=_versions');
    const doc = seen.body.state._versions._shared.doc;
    expect(doc).toEqual({ version: expect.stringMatching(/^[0-9a-f]{16}$/), revision: 1 });
    expect(seen.body.state._versions.alice).toBeUndefined();
    expect((await alice.context('r', '?include=_versions')).body.state._versions.alice.mine.revision).toBe(1);

    expect((await alice.invoke('r', 'cas', { value: 'v2', version: 'not-it' })).body.error).toBe('version_conflict');
    const ok = await alice.invoke('r', 'cas', { value: 'v2', version: doc.version });
    expect(ok.status).toBe(200);
    expect((await bob.context('r', '?include=_versions')).body.state._versions._shared.doc.revision).toBe(2);
  });
});
