// Secrets are stored hashed (D23): no room, view or agent token is anywhere in the data directory.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestClient } from '../support/http-client.js';
import { removeDir, startServer } from '../support/server-process.js';

describe('secrets at rest (real server, SQLite)', () => {
  it('keeps only hashes of tokens, before and after a rotation and a clean stop', async () => {
    const server = await startServer();
    try {
      const anon = new TestClient(server.url);
      const room = await anon.post('/rooms', { id: 'vault' });
      const alice = await anon.post('/rooms/vault/agents', { id: 'alice' });
      const rejoined = await anon.as(alice.body.token).post('/rooms/vault/agents', { id: 'alice' });
      const rotated = await anon.as(room.body.token).post('/rooms/vault/rotate-token');
      const secrets = [room.body.token, room.body.view_token, alice.body.token, rejoined.body.token, rotated.body.token];
      expect(secrets.every((s) => typeof s === 'string' && s.length > 40)).toBe(true);
      expect(await server.stop()).toBe(0);
      const files = readdirSync(server.dataDir).map((name) => readFileSync(join(server.dataDir, name)).toString('latin1'));
      expect(files.join('').length).toBeGreaterThan(0);
      for (const secret of secrets) {
        expect(files.some((bytes) => bytes.includes(secret))).toBe(false);
        expect(files.some((bytes) => bytes.includes(secret.slice(secret.indexOf('_') + 1)))).toBe(false);
      }
    } finally {
      removeDir(server.dataDir);
    }
  });
});
