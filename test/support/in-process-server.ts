// An app served over real TCP inside the test process, so tests can both talk HTTP (and drop
// connections) and look at the server's internals (pending waits, scheduled timers).
import { serve } from '@hono/node-server';
import { createServer, type AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp, type App } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { MemoryRoomStore } from '../../src/server/storage/memory/memory-room-store.js';
import { TestClient } from './http-client.js';

export interface ServedApp {
  app: App;
  url: string;
  /** The public URL (`http://localhost:<port>` unless --public-url): pages are opened there, it is their Origin. */
  publicUrl: string;
  client: TestClient;
  close(): Promise<void>;
}

/** A port nobody listens on now (for a server whose public URL must name its own port). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * `port`: listen there (default: any free port). With `ownPublicUrl`, the server's public URL
 * (issuer, MCP resource, the Origin its pages must send) is the address it listens on.
 */
export async function serveInProcess(args: string[] = [], options: { ownPublicUrl?: boolean } = {}): Promise<ServedApp> {
  const port = options.ownPublicUrl ? await freePort() : 0;
  if (options.ownPublicUrl) args = [...args, '--public-url', `http://127.0.0.1:${port}`];
  const app = createApp(loadConfig(['--store', 'memory', ...args], {}), { store: new MemoryRoomStore(), log: pino({ level: 'silent' }) });
  await app.start();
  app.setReady(true);
  const { server, url } = await new Promise<{ server: ReturnType<typeof serve>; url: string }>((resolve) => {
    const s = serve({ fetch: app.http.fetch, hostname: '127.0.0.1', port }, (info: AddressInfo) => resolve({ server: s, url: `http://127.0.0.1:${info.port}` }));
  });
  // The default public URL (WebAuthn's origin) follows the port actually listened on.
  app.listeningOn(Number(new URL(url).port));
  return {
    app,
    url,
    publicUrl: app.identity.publicUrl(),
    client: new TestClient(url),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      });
      await app.close();
    },
  };
}
