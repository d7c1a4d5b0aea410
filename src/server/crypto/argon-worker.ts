// Argon2id off the event loop: gray key derivation costs ~200 ms of CPU (64 MiB, t = 3), which on
// the main thread would stall every other request. One worker thread runs the derivations in
// turn; a bounded queue refuses the excess, so a burst of keyed calls cannot build an unbounded
// backlog, and no one client may hold more than its share of the queue (so one anonymous caller
// cannot make every other caller busy). The worker is started on first use and does not keep the
// process alive.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { derivationSalt, keypairFromSeed, type Derive } from '../../beach/gray/index.js';
import { SyncError } from '../../core/errors.js';
import { currentClient } from '../beach/limits.js';

/** Too many derivations already waiting. */
export class DerivationBusy extends Error {}

const WORKER = (hashWasm: string) => `
const { parentPort } = require('node:worker_threads');
const { argon2id } = require(${JSON.stringify(hashWasm)});
parentPort.on('message', async ({ id, password, salt }) => {
  try {
    const seed = await argon2id({ password, salt, parallelism: 1, iterations: 3, memorySize: 65536, hashLength: 64, outputType: 'binary' });
    parentPort.postMessage({ id, seed }, [seed.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});`;

interface Pending {
  resolve: (seed: Uint8Array) => void;
  reject: (error: Error) => void;
}

export class ArgonWorker {
  private worker: Worker | null = null;
  private next = 0;
  private readonly pending = new Map<number, Pending>();
  /** Derivations queued per client (the current request's, see limits.ts). */
  private readonly byClient = new Map<string, number>();

  /** `maxPending` derivations may wait in all, `maxPerClient` of them for one client. */
  constructor(
    private readonly maxPending = 16,
    private readonly maxPerClient = 4,
  ) {}

  /** Argon2id(secret, padded handle) → 64 bytes, computed in the worker. */
  seed(secret: string, handle: string): Promise<Uint8Array> {
    const client = currentClient();
    const held = client === null ? 0 : (this.byClient.get(client) ?? 0);
    if (client !== null && held >= this.maxPerClient) {
      return Promise.reject(new SyncError('too_many_requests', `Your address already has ${held} key derivations waiting, its share of this server's queue; retry when they finish.`, { retry_after: 1 }));
    }
    if (this.pending.size >= this.maxPending) {
      return Promise.reject(new DerivationBusy(`key derivation is busy (${this.maxPending} waiting); try again shortly`));
    }
    const worker = this.ensure();
    const id = ++this.next;
    if (client !== null) this.byClient.set(client, held + 1);
    const release = () => {
      if (client === null) return;
      const left = (this.byClient.get(client) ?? 1) - 1;
      if (left <= 0) this.byClient.delete(client);
      else this.byClient.set(client, left);
    };
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, password: secret, salt: derivationSalt(handle) });
    }).finally(release);
  }

  /** A `Derive` for the beach tools. */
  readonly derive: Derive = async (secret, handle) => keypairFromSeed(await this.seed(secret, handle));

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error('key derivation stopped'));
    if (worker) await worker.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const hashWasm = createRequire(import.meta.url).resolve('hash-wasm');
    const worker = new Worker(WORKER(hashWasm), { eval: true });
    worker.unref();
    worker.on('message', (m: { id: number; seed?: Uint8Array; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.seed) p.resolve(new Uint8Array(m.seed));
      else p.reject(new Error(`key derivation failed: ${m.error ?? 'unknown error'}`));
    });
    const lost = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(error);
    };
    worker.on('error', (e) => lost(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', () => lost(new Error('key derivation worker exited')));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
