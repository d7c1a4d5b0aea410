// The SDK examples (seed 000's walkthrough and two seed 004 patterns) run against a real server.
import { describe, expect, it } from 'vitest';
import { runNode } from '../support/cli.js';
import { useServer } from '../support/server-process.js';

const server = useServer();

describe('SDK examples against a real server', () => {
  it("seed 000's walkthrough: declare, invoke, and a wait woken by the invocation", async () => {
    const run = await runNode('examples/seed-000-walkthrough.ts', [], { AGENT_SYNC_URL: server().url });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('invoke → {"invoked":true,"writes":[{"scope":"_shared","key":"alice.result","value":"42"}]}');
    expect(run.stdout).toContain('wait → {"triggered":true');
  });

  it('turn-based game: two agent loops alternate six moves', async () => {
    const run = await runNode('examples/turn-based-game.ts', [], { AGENT_SYNC_URL: server().url });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('final board after 6 moves: w1 b2 w3 b4 w5 b6');
  });

  it('task fan-out: every task is claimed once, done, and counted', async () => {
    const run = await runNode('examples/task-fan-out.ts', [], { AGENT_SYNC_URL: server().url });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const task of ['alpha', 'beta', 'gamma', 'delta', 'epsilon']) expect(run.stdout).toMatch(new RegExp(`^${task}: done by w[123] → ${task}$`, 'm'));
  });
});
