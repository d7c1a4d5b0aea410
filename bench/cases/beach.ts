// The beach (/.well-known/pscale-beach): shaped-read and spindled-write throughput over one
// 729-leaf block, and root-append throughput with every client appending to one block (the
// per-block transaction serialises them). Each append run starts a fresh block, so runs compare.
import { client, type Client } from '../lib/client.js';
import { closedLoop } from '../lib/load.js';
import type { BenchServer } from '../lib/server.js';
import { spread, type Spread } from '../lib/stats.js';
import type { Sizes } from '../sizes.js';

export interface BeachResult {
  shaped_read: Spread;
  write: Spread;
  append_contended: Spread;
  clients: number;
  read_bytes: number;
  appended: number;
}

const PATH = '/.well-known/pscale-beach';
const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** A floor-1 block with nine branches of nine twigs of nine leaves. */
function seedBlock(): Record<string, unknown> {
  const level = (depth: number, label: string): Record<string, unknown> =>
    Object.fromEntries([['_', `node ${label || 'root'}`], ...DIGITS.map((d) => [d, depth === 1 ? `leaf ${label}${d}` : level(depth - 1, `${label}${d}`)])]);
  return level(3, '');
}

export async function beachThroughput(server: BenchServer, sizes: Sizes): Promise<BeachResult> {
  const setup = client(server.url);
  const clients: Client[] = Array.from({ length: sizes.clients }, () => client(server.url));
  const expectOk = (label: string) => (r: { status: number; body: string }) => {
    if (r.status !== 200) throw new Error(`beach ${label}: ${r.status} ${r.body.slice(0, 200)}`);
    return true;
  };
  try {
    await setup.json('POST', `${PATH}?block=bench`, { content: seedBlock() });
    // Shaped reads: a point plus its descent one level down, walking the nine branches in turn.
    let readSeq = 0;
    const read = (w: number) => {
      const spindle = `${DIGITS[readSeq++ % 9]}.${DIGITS[w % 9]}`;
      return clients[w]!.request('GET', `${PATH}?block=bench&spindle=${spindle}&pscale=-1`).then(expectOk('read'));
    };
    const readBytes = (await setup.request('GET', `${PATH}?block=bench&spindle=1.1&pscale=-1`)).body.length;
    // Spindled writes: each client rewrites leaves of its own branch of the one block.
    let writeSeq = 0;
    const write = (w: number) => {
      const spindle = `${DIGITS[w % 9]}${DIGITS[writeSeq % 9]}${DIGITS[(writeSeq++ >> 3) % 9]}`;
      return clients[w]!.request('POST', `${PATH}?block=bench`, { spindle, content: `written ${writeSeq}` }).then(expectOk('write'));
    };
    const reads: number[] = [];
    const writes: number[] = [];
    const appends: number[] = [];
    let appended = 0;
    for (let run = 0; run < sizes.runs; run++) {
      const r = await closedLoop(sizes.clients, sizes.warmupMs, sizes.loadMs, read);
      const w = await closedLoop(sizes.clients, sizes.warmupMs, sizes.loadMs, write);
      const block = `contended-${run}`;
      let sent = 0;
      const append = (c: number) =>
        clients[c]!.request('POST', `${PATH}?block=${block}`, { append: true, content: { _: `entry ${sent++}`, 1: `client-${c}` } }).then(expectOk('append'));
      const a = await closedLoop(sizes.clients, sizes.warmupMs, sizes.loadMs, append);
      if (r.failures || w.failures || a.failures) throw new Error(`beach: ${r.failures} read, ${w.failures} write and ${a.failures} append failures`);
      // Every acknowledged append must be in the block: count its entries.
      const stored = JSON.stringify(JSON.parse((await setup.request('GET', `${PATH}?block=${block}`)).body)).match(/"client-\d+"/g)?.length ?? 0;
      if (stored !== sent) throw new Error(`beach: ${sent} appends acknowledged, ${stored} stored in ${block}`);
      reads.push(r.perSecond);
      writes.push(w.perSecond);
      appends.push(a.perSecond);
      appended += stored;
    }
    return { shaped_read: spread(reads), write: spread(writes), append_contended: spread(appends), clients: sizes.clients, read_bytes: readBytes, appended };
  } finally {
    for (const c of clients) c.close();
    setup.close();
  }
}
