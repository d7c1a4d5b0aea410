// A refused call is audited with a bounded summary of its params (finding 12), so refused
// requests cannot fill the disk at the rate of the body limit.
import { describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';

describe('auditing refused calls', () => {
  it('keeps small params whole and replaces large ones by {truncated, bytes}', async () => {
    const { client } = inProcessApp();
    const { admin, view, tokens } = await roomWithAgents(client, 'r', ['alice']);
    const big = 'x'.repeat(200_000);
    const refused = await client.as(view).invoke('r', '_send_message', { body: big });
    expect([refused.status, refused.body.error]).toEqual([403, 'read_only_token']);
    const small = await client.as(tokens.alice).invoke('r', 'nothing_here', { n: 1 });
    expect(small.status).toBe(404);
    const audit = (await client.as(admin).get('/rooms/r/poll?limit=10')).body.audit as Array<{ ok: boolean; action: string; params: unknown }>;
    const failed = audit.filter((r) => !r.ok);
    expect(failed.find((r) => r.action === '_send_message')?.params).toEqual({ truncated: true, bytes: JSON.stringify({ body: big }).length });
    expect(failed.find((r) => r.action === 'nothing_here')?.params).toEqual({ n: 1 });
    expect(JSON.stringify(audit).length).toBeLessThan(20_000);
  });
});
