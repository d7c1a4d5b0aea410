import { runIdentityStoreConformance } from '../conformance/identity-store-conformance.js';
import { MemoryIdentityStore } from './memory-identity-store.js';

runIdentityStoreConformance({ name: 'MemoryIdentityStore', create: async () => {
  const store = new MemoryIdentityStore();
  return { store, cleanup: () => store.close() };
} });
