// Secrets are stored hashed (D23): no room, view or agent token is anywhere in the store — the
// data directory's files on SQLite, every row of the server's schema on PostgreSQL.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestClient } from '../support/http-client.js';
import { adminQuery } from '../support/postgres.js';
import { removeDir, startServer } from '../support/server-process.js';
import { schemaOf, TEST_STORE } from '../support/test-store.js';

/** Everything the store holds, as text: the files' bytes, or each table's rows as JSON. */
async function storedText(dataDir: string): Promise<string[]> {
  const schema = schemaOf(dataDir);
  if (schema === null) return readdirSync(dataDir).map((name) => readFileSync(join(dataDir, name)).toString('latin1'));
  const tables = await adminQuery<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1', [schema]);
  const dumps = await Promise.all(tables.map(({ name }) => adminQuery<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${schema}."${name}" t`)));
  return dumps.flat().map((r) => r.row);
}

describe(`secrets at rest (real server, ${TEST_STORE})`, () => {
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
      const stored = await storedText(server.dataDir);
      // The store holds the room (so the search below looks where the secrets would be).
      expect(stored.some((text) => text.includes('vault'))).toBe(true);
      for (const secret of secrets) {
        expect(stored.some((text) => text.includes(secret))).toBe(false);
        expect(stored.some((text) => text.includes(secret.slice(secret.indexOf('_') + 1)))).toBe(false);
      }
    } finally {
      await removeDir(server.dataDir);
    }
  });
});
