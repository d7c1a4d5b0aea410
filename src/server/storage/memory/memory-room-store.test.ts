// Runs the storage conformance suite against the in-memory store.
import { runRoomStoreConformance } from '../conformance/room-store-conformance.js';
import { MemoryRoomStore } from './memory-room-store.js';

runRoomStoreConformance({
  name: 'MemoryRoomStore',
  create: async () => {
    const store = new MemoryRoomStore();
    return { store, cleanup: () => store.close() };
  },
});
