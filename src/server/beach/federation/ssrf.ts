// Server-side fetches of other beaches are an SSRF risk: this is the one real `BeachFetch`. It
// resolves the host, checks every resolved address against the policy at connect time (so a DNS
// answer cannot change between check and connect), follows no redirects, times out, and refuses
// responses larger than the cap.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

export type AddressClass = 'public' | 'loopback' | 'private';

function v4Class(ip: string): AddressClass {
  const [a, b] = ip.split('.').map(Number) as [number, number, number, number];
  if (a === 127) return 'loopback';
  if (a === 0 || a === 10 || a >= 224) return 'private'; // this-network, RFC 1918, multicast, reserved, broadcast
  if (a === 169 && b === 254) return 'private'; // link-local (cloud metadata lives here)
  if (a === 172 && b >= 16 && b <= 31) return 'private';
  if (a === 192 && b === 168) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // carrier-grade NAT
  if (a === 192 && b === 0) return 'private'; // 192.0.0/24 protocol assignments, 192.0.2/24 documentation
  if (a === 198 && (b === 18 || b === 19)) return 'private'; // benchmarking
  return 'public';
}

function v6Words(ip: string): number[] | null {
  let text = ip.toLowerCase().split('%')[0]!;
  const v4tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4tail) {
    const [a, b, c, d] = v4tail[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4tail[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === null ? 0 : 8 - h.length - t.length;
  const words = [...h, ...Array<string>(Math.max(fill, 0)).fill('0'), ...t].map((w) => Number.parseInt(w || '0', 16));
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : null;
}

/** Classifies an IP literal; anything unparseable counts as private. */
export function classifyAddress(ip: string): AddressClass {
  const family = isIP(ip);
  if (family === 4) return v4Class(ip);
  if (family !== 6) return 'private';
  const w = v6Words(ip);
  if (w === null) return 'private';
  if (w.every((x, i) => (i < 7 ? x === 0 : x === 1))) return 'loopback'; // ::1
  if (w.every((x) => x === 0)) return 'private'; // ::
  const embedded = `${w[6]! >> 8}.${w[6]! & 255}.${w[7]! >> 8}.${w[7]! & 255}`;
  if (w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff) return v4Class(embedded); // ::ffff:a.b.c.d
  if (w[0] === 0x64 && w[1] === 0xff9b) return v4Class(embedded); // NAT64
  if ((w[0]! & 0xfe00) === 0xfc00) return 'private'; // unique local
  if ((w[0]! & 0xffc0) === 0xfe80) return 'private'; // link-local
  if ((w[0]! & 0xff00) === 0xff00) return 'private'; // multicast
  if (w.slice(0, 6).every((x) => x === 0)) return 'private'; // IPv4-compatible (deprecated)
  return 'public';
}

export interface FetchPolicy {
  /** Private, link-local and loopback addresses allowed (`--beach-allow-private`). */
  allowPrivate: boolean;
  /** Host names or IP literals reached whatever they resolve to (`--beach-allow-hosts`). */
  allowHosts: readonly string[];
  /** The server listens on loopback (local mode): loopback beaches are allowed. */
  loopbackServer: boolean;
}

export function addressAllowed(ip: string, policy: FetchPolicy): boolean {
  const cls = classifyAddress(ip);
  if (cls === 'public' || policy.allowPrivate) return true;
  return cls === 'loopback' && policy.loopbackServer;
}

/** A federation failure: unreachable, refused by policy, timed out, too large. Its message is shown to the caller. */
export class FederationError extends Error {
  constructor(
    message: string,
    readonly reason: 'refused' | 'timeout' | 'too_large' | 'network' | 'redirect',
  ) {
    super(message);
  }
}

export interface FetchInit {
  method: 'GET' | 'POST' | 'DELETE';
  body?: string;
  timeoutMs: number;
  maxBytes: number;
}

/** What the bsp client needs from HTTP; the server passes `guardedFetch`, tests may pass fakes. */
export type BeachFetch = (url: string, init: FetchInit) => Promise<{ status: number; text: string }>;

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

export function guardedFetch(policy: FetchPolicy): BeachFetch {
  const allowListed = new Set(policy.allowHosts.map((h) => h.toLowerCase().replace(/^\[|\]$/g, '')));
  const refuse = (host: string, ip: string) =>
    new FederationError(`refused to reach ${host} (${ip}): ${classifyAddress(ip)} addresses are not reachable from this server (allow them with --beach-allow-private or --beach-allow-hosts)`, 'refused');

  return (raw, init) =>
    new Promise((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return reject(new FederationError(`not a URL: ${raw}`, 'network'));
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return reject(new FederationError(`only http(s) beaches are reachable (got ${url.protocol})`, 'refused'));
      const host = hostOf(url);
      const trusted = allowListed.has(host);
      if (isIP(host) !== 0 && !trusted && !addressAllowed(host, policy)) return reject(refuse(host, host));
      // Checked at connect time: the address the socket uses is the address that was checked.
      const lookup: LookupFunction = (hostname, options, callback) => {
        dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
          if (err) return callback(err, '', 0);
          const bad = trusted ? undefined : addresses.find((a) => !addressAllowed(a.address, policy));
          if (bad) return callback(refuse(hostname, bad.address), '', 0);
          if (addresses.length === 0) return callback(new FederationError(`${hostname} has no address`, 'network'), '', 0);
          if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
          callback(null, addresses[0]!.address, addresses[0]!.family);
        });
      };
      const headers: Record<string, string> = { accept: 'application/json' };
      if (init.body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(init.body));
      }
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(error instanceof FederationError ? error : new FederationError(`${url.origin} is unreachable: ${error.message}`, 'network'));
      };
      const req = send(url, { method: init.method, headers, lookup, agent: false }, (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.resume();
          return fail(new FederationError(`${url.origin} answered with a redirect (${status}); beaches are reached without following redirects`, 'redirect'));
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > init.maxBytes) return fail(tooLarge(url, init.maxBytes));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > init.maxBytes) return fail(tooLarge(url, init.maxBytes));
          chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      const timer = setTimeout(() => fail(new FederationError(`${url.origin} did not answer within ${init.timeoutMs} ms`, 'timeout')), init.timeoutMs);
      req.on('error', fail);
      req.end(init.body);
    });
}

const tooLarge = (url: URL, max: number) => new FederationError(`${url.origin} answered with more than ${max} bytes; larger responses are refused`, 'too_large');
