// HTTP for the SDK: fetch only (Node and browsers), JSON in and out, bearer tokens, and retries
// with exponential backoff where a retry cannot apply a change twice.
import { AgentSyncError, errorFromBody } from './errors.js';

export interface RetryPolicy {
  /** Attempts after the first (default 3). */
  retries: number;
  /** First delay; doubles each time, with jitter (default 200 ms). */
  baseDelayMs: number;
  /** Longest delay between attempts (default 5 s). */
  maxDelayMs: number;
}

export interface TransportOptions {
  baseUrl: string;
  token?: string;
  fetch?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  /** Extra headers on every request (e.g. a user agent). */
  headers?: Record<string, string>;
  /**
   * Called when a request fails with `403 scope_denied` carrying an `elevate` link (sync-auth §5):
   * show the link to the user, wait for their approval, and resolve true to repeat the request
   * (a scope_denied changed nothing, so repeating is safe) or false to give up with the error.
   */
  onElevationRequired?: (url: string, error: AgentSyncError, attempt: number) => Promise<boolean>;
  /** How many times one request is repeated after elevations (default 3). */
  elevationRetries?: number;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** Whether repeating the request is harmless (reads). Writes are retried only on 503. */
  idempotent?: boolean;
}

const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 200, maxDelayMs: 5_000 };

export class Transport {
  readonly baseUrl: string;
  readonly retry: RetryPolicy;
  private readonly fetcher: typeof fetch;

  constructor(readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  }

  url(path: string, query?: RequestOptions['query']): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, String(value));
    const text = params.toString();
    return `${this.baseUrl}${path}${text ? `?${text}` : ''}`;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...this.options.headers, ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}), ...extra };
  }

  /** Send a request; resolve with the parsed JSON body of a 2xx answer, throw AgentSyncError otherwise. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.exchange<T>(method, path, options)).body;
  }

  /** Like `request`, with the answer's headers (for paging links). */
  async exchange<T>(method: string, path: string, options: RequestOptions = {}): Promise<{ body: T; headers: Headers }> {
    const init: RequestInit = { method, headers: this.headers(options.body === undefined ? {} : { 'content-type': 'application/json' }), signal: options.signal };
    if (options.body !== undefined) init.body = JSON.stringify(options.body);
    const url = this.url(path, options.query);
    for (let elevations = 0; ; elevations++) {
      try {
        return await this.attempt<T>(url, init, options);
      } catch (error) {
        const link = elevateLink(error);
        const ask = this.options.onElevationRequired;
        if (link === null || !ask || elevations >= (this.options.elevationRetries ?? 3)) throw error;
        if (!(await ask(link, error as AgentSyncError, elevations + 1))) throw error;
      }
    }
  }

  private async attempt<T>(url: string, init: RequestInit, options: RequestOptions): Promise<{ body: T; headers: Headers }> {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetcher(url, init);
      } catch (cause) {
        if (options.signal?.aborted) throw cause;
        // A write whose request may have reached the server is not repeated.
        if (attempt < this.retry.retries && (options.idempotent || refusedBeforeSending(cause))) {
          await sleep(this.delay(attempt), options.signal);
          continue;
        }
        throw new AgentSyncError('network_error', `No answer from ${this.baseUrl}: ${describe(cause)}.`, 0, {}, { cause });
      }
      const body = await readBody(response);
      if (response.ok) return { body: body as T, headers: response.headers };
      // 503 means the server did nothing (starting, stopping, database away): safe to repeat.
      if (response.status === 503 && attempt < this.retry.retries) {
        await sleep(retryAfterMs(response) ?? this.delay(attempt), options.signal);
        continue;
      }
      throw errorFromBody(response.status, body);
    }
  }

  /** Open a streaming GET (Server-Sent Events); the caller reads the body. */
  async stream(path: string, options: { query?: RequestOptions['query']; headers?: Record<string, string>; signal?: AbortSignal }): Promise<Response> {
    let response: Response;
    try {
      response = await this.fetcher(this.url(path, options.query), { method: 'GET', headers: this.headers({ accept: 'text/event-stream', ...options.headers }), signal: options.signal });
    } catch (cause) {
      if (options.signal?.aborted) throw cause;
      throw new AgentSyncError('network_error', `No answer from ${this.baseUrl}: ${describe(cause)}.`, 0, {}, { cause });
    }
    if (!response.ok) throw errorFromBody(response.status, await readBody(response));
    return response;
  }

  delay(attempt: number): number {
    const exponential = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
    return exponential / 2 + Math.random() * (exponential / 2);
  }
}

/** The elevate link of a scope_denied, or null. */
export function elevateLink(error: unknown): string | null {
  if (!(error instanceof AgentSyncError) || error.code !== 'scope_denied') return null;
  const link = error.details.elevate;
  return typeof link === 'string' ? link : null;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function retryAfterMs(response: Response): number | null {
  const raw = response.headers.get('retry-after');
  if (!raw || !/^\d+$/.test(raw)) return null;
  return Math.min(Number(raw) * 1000, 30_000);
}

function refusedBeforeSending(cause: unknown): boolean {
  const code = (cause as { cause?: { code?: string } } | null)?.cause?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}

function describe(cause: unknown): string {
  const inner = (cause as { cause?: { code?: string; message?: string } } | null)?.cause;
  return inner?.code ?? inner?.message ?? (cause instanceof Error ? cause.message : String(cause));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
