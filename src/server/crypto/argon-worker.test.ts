// Argon2id in a worker thread: same keys as the in-thread derivation (§5.1 vectors), a bounded
// queue, and a clean stop.
import { describe, expect, it } from 'vitest';
import { publicKeysOf } from '../../beach/gray/index.js';
import { ArgonWorker, DerivationBusy } from './argon-worker.js';

describe('ArgonWorker', () => {
  it('derives the §5.1 vectors off the main thread', async () => {
    const argon = new ArgonWorker();
    try {
      const seed = await argon.seed('my-secret', 'happyseaurchin');
      expect(Buffer.from(seed).toString('hex')).toBe(
        '2ef675df58f2de21d836faed94753219dc41091a1b613958e10925d1e8e78891a6e44909b0f778df16e8d3b92c1fc56ef59d2e37d31a4a60a6c74c6e6f1bc85e',
      );
      expect(publicKeysOf(await argon.derive('pw', 'bob'))).toEqual({ x25519: '5Ygo50aIzqyoWT9cIgFt2BRmqL7GCt7fRRReqFfKbno=', ed25519: 'sjUVlGf4QDQ54DEfzBclmUqQnCpnjD75lW42n3idgJQ=' });
    } finally {
      await argon.close();
    }
  });

  it('refuses derivations beyond its queue, and stopping rejects what is still waiting', async () => {
    const argon = new ArgonWorker(2);
    const first = argon.seed('a', 'weft');
    const second = argon.seed('b', 'weft');
    await expect(argon.seed('c', 'weft')).rejects.toBeInstanceOf(DerivationBusy);
    await first;
    const third = argon.seed('d', 'weft');
    const settled = Promise.allSettled([second, third]);
    await argon.close();
    const outcomes = await settled;
    expect(outcomes.filter((o) => o.status === 'rejected').length).toBeGreaterThanOrEqual(1);
    // usable again after a stop: a new worker starts on demand
    expect((await argon.seed('e', 'weft')).length).toBe(64);
    await argon.close();
  });
});
