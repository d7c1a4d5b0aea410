// The load generator's HTTP client: undici connection pools (cheaper per request than
// node:http, which matters when client and server share two cores), plus shared room set-up.
import { Pool } from 'undici';

export interface Reply {
  status: number;
  body: string;
  /** performance.now() when the whole response had arrived. */
  at: number;
}

export interface Sent {
  /** Resolves once the request is written to its socket (the server can see it). */
  sent: Promise<void>;
  reply: Promise<Reply>;
}

export interface Client {
  /** One request on this client's keep-alive pool; rejects on a network error only. */
  request(method: string, path: string, body?: unknown, token?: string): Promise<Reply>;
  /** Like request, but also tells when the request has been written out. */
  send(method: string, path: string, body?: unknown, token?: string): Sent;
  /** Like request, but the body must parse and the status must be 2xx. */
  json<T = Record<string, unknown>>(method: string, path: string, body?: unknown, token?: string): Promise<T>;
  close(): void;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A client whose pool opens at most `sockets` connections, one request in flight on each. */
export function client(baseUrl: string, sockets = 1): Client {
  const pool = new Pool(baseUrl, { connections: Number.isFinite(sockets) ? sockets : null, pipelining: 1, keepAliveTimeout: 600_000 });
  const send = (method: string, path: string, body?: unknown, token?: string): Sent => {
    const headers: Record<string, string> = {};
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let markSent!: () => void;
    let failSent!: (e: Error) => void;
    const sent = new Promise<void>((res, rej) => ((markSent = res), (failSent = rej)));
    sent.catch(() => undefined); // the same error rejects `reply`
    const reply = new Promise<Reply>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let status = 0;
      // undici's older handler interface: the only one that reports when the request is sent.
      const handler = {
        onConnect: () => undefined,
        onRequestSent: () => markSent(),
        onHeaders: (code: number) => ((status = code), true),
        onData: (chunk: Buffer) => (chunks.push(chunk), true),
        onComplete: () => resolve({ status, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() }),
        onError: (error: Error) => (failSent(error), reject(error)),
      };
      pool.dispatch({ method: method as Method, path, headers, body: payload }, handler as never);
    });
    return { sent, reply };
  };
  const request = (method: string, path: string, body?: unknown, token?: string) => send(method, path, body, token).reply;
  return {
    request,
    send,
    async json<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
      const reply = await request(method, path, body, token);
      if (reply.status < 200 || reply.status >= 300) throw new Error(`${method} ${path} → ${reply.status} ${reply.body.slice(0, 300)}`);
      return JSON.parse(reply.body) as T;
    },
    close: () => void pool.destroy().catch(() => undefined),
  };
}

export interface Room {
  id: string;
  admin: string;
  /** Agent id → token. */
  agents: Map<string, string>;
}

/** Create a room and join `agentIds` to it. */
export async function createRoom(c: Client, id: string, agentIds: string[]): Promise<Room> {
  const { token } = await c.json<{ token: string }>('POST', '/rooms', { id });
  const agents = new Map<string, string>();
  for (const agentId of agentIds) {
    const joined = await c.json<{ token: string }>('POST', `/rooms/${id}/agents`, { id: agentId });
    agents.set(agentId, joined.token);
  }
  return { id, admin: token, agents };
}

export function invoke(c: Client, room: string, action: string, params: unknown, token: string): Promise<Record<string, unknown>> {
  return c.json('POST', `/rooms/${room}/actions/${action}/invoke`, { params }, token);
}

/** The bench's two write actions: `inc` (one `_shared` counter) and `set` (any `_shared` key). */
export async function registerBenchActions(c: Client, room: string, token: string): Promise<void> {
  await invoke(c, room, '_register_action', { id: 'inc', writes: [{ key: 'n', increment: 1 }] }, token);
  await invoke(c, room, '_register_action', { id: 'set', params: { key: { type: 'string' }, value: { type: 'any' } }, writes: [{ key: '${params.key}', value: '${params.value}' }] }, token);
}

export const waitPath = (room: string, condition: string, timeoutMs: number, include = 'state') =>
  `/rooms/${room}/wait?condition=${encodeURIComponent(condition)}&timeout=${timeoutMs}&include=${include}`;
