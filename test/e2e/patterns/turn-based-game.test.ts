// Seed 004 pattern 1, turn-based game, through declared actions: each player waits for its turn,
// moves with a gated, compare-and-swap write, and the same invocation hands the turn over (D11).
import { describe, expect, it } from 'vitest';
import { inProcessApp, roomWithAgents } from '../../support/in-process.js';
import type { TestClient } from '../../support/http-client.js';

const ROOM = 'chess-001';
const q = encodeURIComponent;
/** Let the request reach the server and park as a pending wait. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

/** The current version of a `_shared` key, read from the poll rows (the proof of read for if_version). */
async function versionOf(client: TestClient, key: string): Promise<string> {
  const poll = await client.get(`/rooms/${ROOM}/poll`);
  const row = poll.body.state.find((r: { scope: string; key: string }) => r.scope === '_shared' && r.key === key);
  return row.version;
}

async function setup() {
  const { app, client } = inProcessApp();
  const { admin, tokens } = await roomWithAgents(client, ROOM, ['white', 'black']);
  const owner = client.as(admin);
  const white = client.as(tokens.white);
  const black = client.as(tokens.black);

  // The room's vocabulary replaces the old PUT /state/batch and the gated PUT /state.
  expect((await owner.invoke(ROOM, '_register_action', {
    id: 'start_game',
    description: 'Set up the board; white to move',
    if: '!has(state._shared.phase)',
    writes: [
      { key: 'phase', value: 'playing' },
      { key: 'currentPlayer', value: 'white' },
      { key: 'turn', value: 0 },
      { key: 'board', value: 'initial' },
    ],
  })).status).toBe(201);
  expect((await owner.invoke(ROOM, '_register_action', {
    id: 'move',
    description: 'Play a move on your turn; pass the board version you read',
    params: { move: { type: 'string', required: true }, version: { type: 'string', required: true } },
    if: 'state._shared.phase == "playing" && state._shared.currentPlayer == self',
    writes: [
      { key: 'board', value: '${params.move}', if_version: '${params.version}' },
      { key: 'currentPlayer', value: 'self == "white" ? "black" : "white"', expr: true },
      { key: 'turn', increment: 1 },
    ],
  })).status).toBe(201);
  expect((await owner.invoke(ROOM, 'start_game')).status).toBe(200);
  return { app, white, black };
}

describe('pattern: turn-based game', () => {
  it('each player waits for its turn, moves, and hands the turn over atomically', async () => {
    const { app, white, black } = await setup();

    // Black starts waiting for its turn: nothing is true yet, so the wait is pending.
    const blackTurn = black.get(`/rooms/${ROOM}/wait?condition=${q('state._shared.currentPlayer == "black"')}&agent=black&include=state`);
    await settle();
    expect(app.services.waits.stats().pending).toBe(1);

    // White's wait holds at once.
    const whiteTurn = await white.get(`/rooms/${ROOM}/wait?condition=${q('state._shared.currentPlayer == "white"')}&agent=white&include=state`);
    expect(whiteTurn.body).toMatchObject({ triggered: true, value: true, state: { _shared: { currentPlayer: 'white', turn: 0, board: 'initial' } } });

    const moved = await white.invoke(ROOM, 'move', { move: 'e2e4', version: await versionOf(white, 'board') });
    expect(moved.status).toBe(200);
    expect(moved.body.writes).toEqual([
      { scope: '_shared', key: 'board', value: 'e2e4' },
      { scope: '_shared', key: 'currentPlayer', value: 'black' },
      { scope: '_shared', key: 'turn', value: 1 },
    ]);

    // The hand-over wakes black, whose wait returns the board white left.
    const woken = await blackTurn;
    expect(woken.body).toMatchObject({ triggered: true, state: { _shared: { currentPlayer: 'black', turn: 1, board: 'e2e4' } } });
    expect(app.services.waits.stats().pending).toBe(0);

    const replied = await black.invoke(ROOM, 'move', { move: 'e7e5', version: await versionOf(black, 'board') });
    expect(replied.status).toBe(200);
    const back = await white.get(`/rooms/${ROOM}/wait?condition=${q('state._shared.currentPlayer == "white"')}&agent=white&include=state._shared`);
    expect(back.body).toMatchObject({ triggered: true, state: { currentPlayer: 'white', turn: 2, board: 'e7e5' } });
  });

  it('a move out of turn is refused with 409 and writes nothing', async () => {
    const { black, white } = await setup();
    const early = await black.invoke(ROOM, 'move', { move: 'e7e5', version: await versionOf(black, 'board') });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: 'precondition_failed', action: 'move' });
    const state = await white.post(`/rooms/${ROOM}/eval`, { expr: '[state._shared.board, state._shared.currentPlayer, state._shared.turn]' });
    expect(state.body.value).toEqual(['initial', 'white', 0]);
  });

  it('a move on a stale board version is a 409 version_conflict and the turn does not pass', async () => {
    const { white, black } = await setup();
    const stale = await versionOf(white, 'board');
    expect((await white.invoke(ROOM, 'move', { move: 'e2e4', version: stale })).status).toBe(200);
    expect((await black.invoke(ROOM, 'move', { move: 'e7e5', version: await versionOf(black, 'board') })).status).toBe(200);

    // White's turn again, but white replays the version it read before its first move.
    const conflict = await white.invoke(ROOM, 'move', { move: 'g1f3', version: stale });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error: 'version_conflict', expected_version: stale, current: { value: 'e7e5', revision: 3 } });
    expect(conflict.body.current.version).toBe(await versionOf(white, 'board'));

    // All or nothing: neither the turn nor the player moved on.
    const state = await white.post(`/rooms/${ROOM}/eval`, { expr: '[state._shared.board, state._shared.currentPlayer, state._shared.turn]' });
    expect(state.body.value).toEqual(['e7e5', 'white', 2]);

    // Re-read and retry: the move goes through.
    const retried = await white.invoke(ROOM, 'move', { move: 'g1f3', version: conflict.body.current.version });
    expect(retried.status).toBe(200);
  });
});
