#!/usr/bin/env node
// Process entry: load config, build the app, listen, and shut down cleanly on SIGTERM/SIGINT.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp } from './app.js';
import { installClientErrorHandler } from './http/client-errors.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(`agent-sync: ${error instanceof ConfigError || error instanceof TypeError ? error.message : String(error)}`);
    process.exit(2);
  }
  const app = createApp(config);
  await app.start();
  const server = serve({ fetch: app.http.fetch, hostname: config.host, port: config.port }, (info: AddressInfo) => {
    app.setReady(true);
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
    app.log.info({ url: `http://${host}:${info.port}`, store: config.store, dataDir: config.dataDir }, 'agent-sync listening');
    process.stdout.write(`agent-sync listening on http://${host}:${info.port}\n`);
  });
  installClientErrorHandler(server as Server);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    app.setReady(false);
    server.close();
    if ('closeAllConnections' in server) (server as { closeAllConnections(): void }).closeAllConnections();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('agent-sync failed to start:', error);
  process.exit(1);
});
