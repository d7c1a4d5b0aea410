// A fresh store for every test of the enclosing describe block: created before each test, cleaned up
// after it. Shared by the conformance suites (test support: imports vitest, never imported by the server).
import { afterEach, beforeEach } from 'vitest';

export function perTestStore<H extends { cleanup(): Promise<void> }>(create: () => Promise<H>): () => H {
  let handle: H | null = null;
  beforeEach(async () => {
    handle = await create();
  });
  afterEach(async () => {
    const current = handle;
    handle = null;
    await current?.cleanup();
  });
  return () => {
    if (!handle) throw new Error('no store: the suite creates one per test');
    return handle;
  };
}
