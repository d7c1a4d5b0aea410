// Soft state written while it changes: a wait that begins while the presence flush's write is in
// flight (a slow database) must still show `waiting`, here and in the store after the next flush.
import { describe, expect, it } from 'vitest';
import { MemoryRoomStore } from '../../src/server/storage/memory/memory-room-store.js';
import type { RoomTx } from '../../src/core/ports/room-store.js';
import { inProcessApp, roomWithAgents } from '../support/in-process.js';
import { until } from '../support/until.js';

/** A memory store whose commits wait at a gate while `slow` is set, as a remote database does. */
class SlowCommitStore extends MemoryRoomStore {
  gate: Promise<void> | null = null;
  committing = 0;
  override withRoomLock<T>(id: string, fn: (tx: RoomTx) => Promise<T>): Promise<T> {
    return super.withRoomLock(id, (tx) => fn({
      ...tx,
      commit: async (batch) => {
        if (this.gate) {
          this.committing++;
          await this.gate;
        }
        return tx.commit(batch);
      },
    }));
  }
}

describe('presence flush racing a wait', () => {
  it('a wait that begins during the flush write stays waiting, and the next flush stores it', async () => {
    const store = new SlowCommitStore();
    const { app, client } = inProcessApp({ store });
    const { tokens } = await roomWithAgents(client, 'r', ['bob']);
    const bob = client.as(tokens.bob);
    await bob.context('r');
    let open!: () => void;
    store.gate = new Promise<void>((resolve) => (open = resolve));
    const flushing = app.services.presence.flush(Date.now());
    await until(() => store.committing === 1);
    store.gate = null;
    const pending = bob.get(`/rooms/r/wait?condition=${encodeURIComponent('state._shared.go == true')}&timeout=3000`);
    await until(() => app.services.waits.stats().pending === 1);
    open();
    await flushing;
    expect(app.services.registry.cached('r')!.agents.get('bob')!.status).toBe('waiting');
    await app.services.presence.flush(Date.now());
    const stored = (await store.loadRoom('r'))!.entries.find((e) => e.scope === '_agents' && e.key === 'bob')!;
    expect((stored.value as { status: string }).status).toBe('waiting');
    expect((await pending).body.triggered).toBe(false);
  });
});
