// Seed 004 pattern 3, consensus/voting: votes by increment (one ballot per agent), a quorum view,
// a decider waiting on it, and a gated decide action that two racing deciders run exactly once (D11).
import { describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../../support/in-process.js';
import { registerActions, registerView } from '../../support/declare.js';

const ROOM = 'room-1';
const q = encodeURIComponent;
/** Let the request reach the server and park as a pending wait. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

async function setup() {
  const { app, client } = inProcessApp();
  const { admin, tokens } = await roomWithAgents(client, ROOM, ['decision-maker', 'deputy', 'ann', 'ben', 'cal', 'dee']);
  const owner = client.as(admin);
  const as = (id: string) => client.as(tokens[id]);

  const vocabulary = [
    {
      id: 'open_vote',
      description: 'Open a vote with a quorum of three ballots',
      writes: [
        { key: 'phase', value: 'voting' },
        { key: 'votes_for', value: 0 },
        { key: 'votes_against', value: 0 },
        { key: 'quorum', value: 3 },
      ],
    },
    {
      id: 'vote',
      description: 'Cast your one ballot while the vote is open',
      params: { choice: { type: 'string', enum: ['for', 'against'], required: true } },
      if: 'state._shared.phase == "voting"',
      writes: [
        { key: 'votes_${params.choice}', increment: 1 },
        // Create-only: a second ballot from the same agent is a version_conflict.
        { scope: '_ballots', key: '${self}', value: '${params.choice}', if_version: '' },
      ],
    },
    {
      id: 'decide',
      description: 'Close the vote once the quorum is met',
      if: 'state._shared.phase == "voting" && views.quorum_met',
      writes: [
        { key: 'phase', value: 'decided' },
        { key: 'outcome', value: 'state._shared.votes_for > state._shared.votes_against ? "approved" : "rejected"', expr: true },
        { key: 'decided_by', value: '${self}' },
      ],
    },
  ];
  await registerActions(owner, ROOM, vocabulary);
  await registerView(owner, ROOM, {
    id: 'quorum_met',
    scope: '_shared',
    description: 'Have enough ballots been cast?',
    expr: 'state._shared.votes_for + state._shared.votes_against >= state._shared.quorum',
  });
  expect((await owner.invoke(ROOM, 'open_vote')).status).toBe(200);
  return { app, as };
}

describe('pattern: consensus / voting', () => {
  it('the decider waits on the quorum view; two racing deciders execute the decision exactly once', async () => {
    const { app, as } = await setup();
    const decider = as('decision-maker');
    const deputy = as('deputy');

    const quorum = decider.get(`/rooms/${ROOM}/wait?condition=${q('views.quorum_met == true')}&agent=decision-maker&include=state,views`);
    await settle();
    expect(app.services.waits.stats().pending).toBe(1);

    expect((await as('ann').invoke(ROOM, 'vote', { choice: 'for' })).status).toBe(200);
    // Deciding before the quorum is met is refused.
    expect((await deputy.invoke(ROOM, 'decide')).body).toMatchObject({ error: 'precondition_failed', action: 'decide' });
    expect((await as('ben').invoke(ROOM, 'vote', { choice: 'against' })).status).toBe(200);

    // One agent, one ballot: the second is a version_conflict and the tally does not move.
    const twice = await as('ann').invoke(ROOM, 'vote', { choice: 'for' });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error: 'version_conflict', expected_version: '' });
    expect(app.services.waits.stats().pending).toBe(1);

    const third = await as('cal').invoke(ROOM, 'vote', { choice: 'for' });
    expect(third.body.writes).toEqual([
      { scope: '_shared', key: 'votes_for', value: 2 },
      { scope: '_ballots', key: 'cal', value: 'for' },
    ]);

    const met = await quorum;
    expect(met.body).toMatchObject({
      triggered: true,
      views: { quorum_met: true },
      state: { _shared: { phase: 'voting', votes_for: 2, votes_against: 1 }, _ballots: { ann: 'for', ben: 'against', cal: 'for' } },
    });

    // Both deciders act on the same news at the same moment.
    const [a, b] = await Promise.all([decider.invoke(ROOM, 'decide'), deputy.invoke(ROOM, 'decide')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body).toMatchObject({ error: 'precondition_failed', action: 'decide' });
    const winner = a.status === 200 ? 'decision-maker' : 'deputy';

    const after = await decider.post(`/rooms/${ROOM}/eval`, { expr: '[state._shared.phase, state._shared.outcome, state._shared.decided_by]' });
    expect(after.body.value).toEqual(['decided', 'approved', winner]);

    // Exactly one decide ran: one successful decide in the audit log.
    const poll = await decider.get(`/rooms/${ROOM}/poll?limit=100`);
    const decides = poll.body.audit.filter((e: { action: string }) => e.action === 'decide');
    expect(decides.filter((e: { ok: boolean }) => e.ok)).toHaveLength(1);

    // The vote is closed.
    expect((await as('dee').invoke(ROOM, 'vote', { choice: 'against' })).body).toMatchObject({ error: 'precondition_failed' });
  });

  it('many deciders racing at once still decide once', async () => {
    const { as } = await setup();
    for (const [id, choice] of [['ann', 'against'], ['ben', 'against'], ['cal', 'for']] as const) {
      expect((await as(id).invoke(ROOM, 'vote', { choice })).status).toBe(200);
    }
    const ids = ['decision-maker', 'deputy', 'ann', 'ben', 'cal', 'dee'];
    const results = await Promise.all(ids.map((id) => as(id).invoke(ROOM, 'decide')));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(ids.length - 1);
    const outcome = await as('dee').post(`/rooms/${ROOM}/eval`, { expr: 'state._shared.outcome' });
    expect(outcome.body.value).toBe('rejected');
  });
});
