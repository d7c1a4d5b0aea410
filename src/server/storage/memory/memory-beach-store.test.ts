// Runs the beach store conformance suite against the in-memory store.
import { runBeachStoreConformance } from '../conformance/beach-store-conformance.js';
import { MemoryBeachStore } from './memory-beach-store.js';

runBeachStoreConformance({
  name: 'MemoryBeachStore',
  create: async () => {
    const store = new MemoryBeachStore();
    return { store, cleanup: () => store.close() };
  },
});
