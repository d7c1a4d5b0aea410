// Who a request comes from, for per-client limits: the peer address of its TCP connection (no
// forwarding header is trusted). An IPv4-mapped address is its IPv4 form; an IPv6 address counts
// by its /64, the block one subscriber usually holds, so rotating addresses inside it gains nothing.
import type { Context } from 'hono';

/** In-process requests (tests, app.request) have no socket: they share this key. */
export const IN_PROCESS_CLIENT = 'in-process';

export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const raw = env?.incoming?.socket?.remoteAddress;
  return raw ? clientKey(raw) : IN_PROCESS_CLIENT;
}

/** The limit key of a peer address. */
export function clientKey(address: string): string {
  const a = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!a.includes(':')) return a;
  return `${expandIpv6(a).slice(0, 4).join(':')}::/64`;
}

/** The eight hextets of an IPv6 address (a zone index dropped). */
function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => '0');
  return [...left, ...zeros, ...right].map((h) => h.replace(/^0+(?=.)/, ''));
}
