// Runs the room and credential store conformance suites against the in-memory store.
import { runCredentialStoreConformance, runRoomStoreConformance } from '../conformance/room-store-conformance.js';
import { MemoryRoomStore } from './memory-room-store.js';

for (const run of [runRoomStoreConformance, runCredentialStoreConformance]) run({
  name: 'MemoryRoomStore',
  create: async () => {
    const store = new MemoryRoomStore();
    return { store, cleanup: () => store.close() };
  },
});
