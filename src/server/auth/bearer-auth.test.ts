// BearerAuth's caches (issue 7, finding 8): bearers are client-chosen text up to the header
// limit, so the token-hash and credential caches are LRUs bounded by bytes, not by count.
import { describe, expect, it } from 'vitest';
import { SyncError } from '../../core/errors.js';
import { inProcessApp, roomWithAgents } from '../../../test/support/in-process.js';
import { AUTH_CACHE_BYTES, BearerAuth } from './bearer-auth.js';

describe('BearerAuth caches', () => {
  it('stay under their byte bound under a flood of distinct long bogus tokens, and valid tokens still resolve', async () => {
    const { app, client } = inProcessApp();
    const { tokens } = await roomWithAgents(client, 'r', ['alice']);
    const auth = new BearerAuth(app.store.credentials, app.services);
    expect(await auth.callerFor('r', `Bearer ${tokens.alice}`)).toEqual({ kind: 'agent', agentId: 'alice' });
    const pad = 'x'.repeat(8 * 1024);
    const flood = 1200;
    for (let i = 0; i < flood; i++) {
      await expect(auth.callerFor('r', `Bearer as_${i}_${pad}`)).rejects.toBeInstanceOf(SyncError);
      const stats = auth.cacheStats();
      expect(stats.hashes.bytes).toBeLessThanOrEqual(AUTH_CACHE_BYTES);
      expect(stats.credentials.bytes).toBeLessThanOrEqual(AUTH_CACHE_BYTES);
    }
    const stats = auth.cacheStats();
    expect(stats.hashes.entries).toBeLessThan(flood);
    expect(stats.hashes.bytes).toBeGreaterThan(AUTH_CACHE_BYTES / 2);
    expect(await auth.callerFor('r', `Bearer ${tokens.alice}`)).toEqual({ kind: 'agent', agentId: 'alice' });
    await app.close();
  });
});
