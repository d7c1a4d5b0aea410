#!/usr/bin/env node
// Process entry: load config, build the app, listen, and shut down cleanly on SIGTERM/SIGINT.
// Anything that stops the start is one line on stderr and a non-zero exit, never a stack trace.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createApp, type App } from './app.js';
import { installClientErrorHandler } from './http/client-errors.js';
import { ConfigError, ConfigInfo, isLoopback, loadConfig, type Config } from './config.js';
import { exposedNotice, listenFailure, storeFailure } from './startup-errors.js';

/** How long answered waits and ended streams get to reach their clients before connections are cut. */
const DRAIN_MS = 1000;

function fail(line: string, code = 1): never {
  process.stderr.write(`agent-sync: ${line}\n`);
  process.exit(code);
}

function readConfig(args: string[]): Config {
  try {
    return loadConfig(args);
  } catch (error) {
    if (error instanceof ConfigInfo) {
      process.stdout.write(`${error.message}\n`);
      process.exit(0);
    }
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
}

/** Run the server with these command-line flags (environment variables fill the rest). */
export async function runServer(args: string[] = process.argv.slice(2)): Promise<void> {
  const config = readConfig(args);
  let app: App;
  try {
    app = createApp(config);
    await app.start();
  } catch (error) {
    fail(storeFailure(error, config));
  }
  const server = serve({ fetch: app.http.fetch, hostname: config.host, port: config.port }, (info: AddressInfo) => {
    app.listeningOn(info.port);
    app.setReady(true);
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
    app.log.info({ url: `http://${host}:${info.port}`, store: config.store, dataDir: config.dataDir }, 'agent-sync listening');
    process.stdout.write(`agent-sync listening on http://${host}:${info.port}\n`);
    if (!isLoopback(config.host)) for (const line of exposedNotice(config)) process.stdout.write(`${line}\n`);
  }) as Server;
  server.once('error', (error) => {
    app.log.debug({ err: error }, 'listen failed');
    fail(listenFailure(error, config));
  });
  installClientErrorHandler(server);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    app.setReady(false);
    // Parked waits answer 503 (retry) and streams end with a `shutdown` event before connections close.
    app.services.waits.endAll();
    app.services.events.endAll();
    server.close(() => {
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          app.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), DRAIN_MS).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

// Run when executed directly (`node dist/server/main.js`); the CLI imports it for `serve`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runServer().catch((error: unknown) => {
    fail(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  });
}
