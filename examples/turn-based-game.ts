// Seed 004's turn-based game with the SDK: two players, each an agent loop that waits for its
// turn, reads the board, and moves with a compare-and-swap write that hands the turn over.
// Run: npx tsx --conditions=agent-sync-source examples/turn-based-game.ts
import { AgentSyncClient, runAgentLoop, type Context } from 'agent-sync/client';

const server = new AgentSyncClient({ baseUrl: process.env.AGENT_SYNC_URL ?? 'http://127.0.0.1:8787' });
const roomId = `game-${Date.now().toString(36)}`;
const MOVES = 6;

const room = await server.createRoom({ id: roomId });
const owner = server.withToken(room.token);
await owner.invoke(roomId, '_register_action', {
  id: 'start_game',
  description: 'Set up the board; white to move',
  if: '!has(state._shared.phase)',
  writes: [
    { key: 'phase', value: 'playing' },
    { key: 'currentPlayer', value: 'white' },
    { key: 'turn', value: 0 },
    { key: 'board', value: '' },
  ],
});
await owner.invoke(roomId, '_register_action', {
  id: 'move',
  description: 'Play a move on your turn; pass the board version you read',
  params: { move: { type: 'string', required: true }, version: { type: 'string', required: true } },
  if: 'state._shared.phase == "playing" && state._shared.currentPlayer == self',
  writes: [
    { key: 'board', value: '${params.move}', if_version: '${params.version}' },
    { key: 'currentPlayer', value: 'self == "white" ? "black" : "white"', expr: true },
    { key: 'turn', increment: 1 },
  ],
});

const players = await Promise.all(['white', 'black'].map(async (id) => ({ id, client: server.withToken((await server.join(roomId, { id })).token) })));
await owner.invoke(roomId, 'start_game');

const shared = (context: Context) => (context.state?._shared ?? {}) as Record<string, unknown>;
const versions = (context: Context) => ((context.state?._versions as Record<string, Record<string, { version: string }>> | undefined)?._shared ?? {});

// Each player: wait until it is my turn (or the game is over), read, move.
await Promise.all(
  players.map(({ id, client }) =>
    runAgentLoop(client, {
      room: roomId,
      until: `state._shared.currentPlayer == "${id}" || state._shared.turn >= ${MOVES}`,
      context: { only: 'state', include: '_versions' },
      act: async (context) => {
        const state = shared(context);
        if (Number(state.turn) >= MOVES) return false;
        const move = `${String(state.board)}${id[0]}${Number(state.turn) + 1} `;
        await client.invoke(roomId, 'move', { move, version: versions(context).board!.version });
        console.log(`${id} moved (turn ${Number(state.turn) + 1})`);
      },
    }),
  ),
);

const final = shared(await owner.context(roomId, { only: 'state._shared' }));
console.log(`final board after ${String(final.turn)} moves: ${String(final.board).trim()}`);
await owner.deleteRoom(roomId);
if (final.turn !== MOVES) process.exit(1);
