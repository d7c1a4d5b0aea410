// A TCP proxy between a server under test and its database, to break the connection on purpose:
// `refuse` resets every connection and every new one (a stopped or restarting database), `silent`
// keeps sockets open but forwards nothing (a network partition: no reset, no answer), `restore`
// forwards again (connections held while silent are reset, as after a database restart).
import { createServer, connect, type Server, type Socket } from 'node:net';

export type ProxyMode = 'open' | 'refuse' | 'silent';

export class TcpProxy {
  private mode: ProxyMode = 'open';
  private readonly pairs = new Set<[Socket, Socket | null]>();
  private constructor(private readonly server: Server, readonly port: number) {}

  /** Listen on a free loopback port and forward to host:port. */
  static async start(host: string, port: number): Promise<TcpProxy> {
    const box: { proxy?: TcpProxy } = {};
    const server = createServer((client) => box.proxy!.accept(client, host, port));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    box.proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    return box.proxy;
  }

  /** How many client connections are open through the proxy. */
  get connections(): number {
    return this.pairs.size;
  }

  private accept(client: Socket, host: string, port: number): void {
    client.on('error', () => {});
    if (this.mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const pair: [Socket, Socket | null] = [client, null];
    this.pairs.add(pair);
    client.once('close', () => {
      this.pairs.delete(pair);
      pair[1]?.destroy();
    });
    if (this.mode === 'silent') {
      client.pause();
      return;
    }
    this.forward(pair, host, port);
  }

  private forward(pair: [Socket, Socket | null], host: string, port: number): void {
    const [client] = pair;
    const upstream = connect(port, host);
    pair[1] = upstream;
    upstream.on('error', () => client.destroy());
    upstream.once('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Reset every open connection and every new one until restore(). */
  refuse(): void {
    this.mode = 'refuse';
    for (const [client, upstream] of this.pairs) {
      client.resetAndDestroy();
      upstream?.destroy();
    }
  }

  /** Stop forwarding in both directions without closing anything; new connections hang. */
  silence(): void {
    this.mode = 'silent';
    for (const [client, upstream] of this.pairs) {
      client.unpipe();
      upstream?.unpipe();
      client.pause();
      upstream?.pause();
    }
  }

  /** Forward again; connections held while silent are reset so their owners reconnect. */
  restore(): void {
    if (this.mode === 'silent') {
      for (const [client, upstream] of this.pairs) {
        client.resetAndDestroy();
        upstream?.destroy();
      }
    }
    this.mode = 'open';
  }

  async close(): Promise<void> {
    this.refuse();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
