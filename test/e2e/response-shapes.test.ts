// One shape per field (issue 7): `warning` is always one string (seed 000) and `warnings` always the
// list of every warning; every invocation, built-in `_send_message` included, answers `invoked: true`.
import { describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';

describe('response shapes', () => {
  it('a registration with two warnings answers warning as a string and warnings as a list', async () => {
    const { client } = inProcessApp();
    const { tokens } = await roomWithAgents(client, 'shapes', ['alice', 'bob']);
    const alice = client.as(tokens.alice!);
    const bob = client.as(tokens.bob!);
    expect((await alice.invoke('shapes', '_register_action', { id: 'a', writes: [{ key: 'x', value: 1 }] })).status).toBe(201);
    expect((await alice.invoke('shapes', 'a')).status).toBe(200);
    expect((await alice.invoke('shapes', '_register_action', { id: 'b', writes: [{ key: 'y', value: 1 }] })).status).toBe(201);
    // One warning: seed 000's shape, plus the list.
    const one = await bob.invoke('shapes', '_register_action', { id: 'c', writes: [{ key: 'x', value: 2 }] });
    expect(one.body).toMatchObject({ warning: 'competing_write_targets', warnings: ['competing_write_targets'] });
    // Two warnings: still one string, and both in the list.
    const two = await bob.invoke('shapes', '_register_action', { id: 'b', writes: [{ key: 'x', value: 3 }] });
    expect(two.status).toBe(201);
    expect(typeof two.body.warning).toBe('string');
    expect(two.body.warnings).toEqual(['competing_write_targets', 'action_redefined']);
    expect(two.body.warning).toBe(two.body.warnings[0]);
    // None: neither field.
    const none = await bob.invoke('shapes', '_register_action', { id: 'd', writes: [{ key: 'z', value: 1 }] });
    expect(none.body.warning).toBeUndefined();
    expect(none.body.warnings).toBeUndefined();
  });

  it('_send_message answers invoked: true like every other invocation', async () => {
    const { client } = inProcessApp();
    const { tokens } = await roomWithAgents(client, 'shapes2', ['alice']);
    const alice = client.as(tokens.alice!);
    const sent = await alice.invoke('shapes2', '_send_message', { body: 'hi', to: 'alice' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ invoked: true, action: '_send_message', agent: 'alice', seq: 1, to: ['alice'] });
    expect(sent.body.ok).toBeUndefined();
  });
});
