// A tiny JSON-over-HTTP client for tests, against a real server or an in-process Hono app.
// Every answer is checked against the wire schemas of its route (test/support/wire-check.ts).
import { checkResponse } from './wire-check.js';

export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

export class TestClient {
  constructor(
    private readonly base: string,
    private readonly fetcher: Fetcher = (url, init) => fetch(url, init),
    private readonly token?: string,
  ) {}

  as(token: string | undefined): TestClient {
    return new TestClient(this.base, this.fetcher, token);
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
    const init: RequestInit = { method, headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await this.fetcher(this.base + path, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    checkResponse(method, path, res.status, parsed, res.headers.get('content-type'));
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body);
  }

  invoke<T = any>(room: string, action: string, params: unknown = {}, extra: Record<string, unknown> = {}) {
    return this.post<T>(`/rooms/${room}/actions/${action}/invoke`, { params, ...extra });
  }

  context<T = any>(room: string, query = '') {
    return this.get<T>(`/rooms/${room}/context${query}`);
  }
}
