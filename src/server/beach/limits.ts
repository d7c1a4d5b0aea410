// Per-client limits on the open beach (the wire protocol, /mcp/beach, the beach tools on /mcp):
// separate budgets for reads, writes, outbound federation fetches and block creations, counted in
// the identity store's rate-limit windows (so every process on one PostgreSQL shares them). The
// client is carried through a request by an AsyncLocalStorage scope, so the service, the
// federation client and the Argon2id queue charge the right client without threading it through.
import { AsyncLocalStorage } from 'node:async_hooks';

export type Budget = 'read' | 'write' | 'fetch' | 'create';

export interface BeachLimitConfig {
  /** Per client and minute; 0: unlimited. */
  readsPerMinute: number;
  writesPerMinute: number;
  fetchesPerMinute: number;
  /** Blocks one client may create per hour; 0: unlimited. */
  createsPerHour: number;
}

/** IdentityService.limit: count a hit, throw too_many_requests past `limit` per `windowMs`. */
export type Limiter = (key: string, limit: number, windowMs: number, message: string) => Promise<void>;

const scope = new AsyncLocalStorage<string>();

/** Runs `fn` on behalf of `client` (its limit key). */
export const asClient = <T>(client: string, fn: () => Promise<T>): Promise<T> => scope.run(client, fn);

/** The client the current request acts for; null outside any request (the server's own work). */
export const currentClient = (): string | null => scope.getStore() ?? null;

const MINUTE = 60_000;

const WHAT: Record<Budget, string> = { read: 'beach reads', write: 'beach writes', fetch: 'fetches of other beaches', create: 'new beach blocks' };

export class BeachLimits {
  constructor(
    private readonly limiter: Limiter,
    private readonly config: BeachLimitConfig,
  ) {}

  /** Charge one unit of `budget` to the current client; throws too_many_requests past it. */
  async charge(budget: Budget): Promise<void> {
    const client = currentClient();
    if (client === null) return;
    const [limit, windowMs] = this.budget(budget);
    if (limit === 0) return;
    const per = windowMs === MINUTE ? 'a minute' : 'an hour';
    await this.limiter(`beach_${budget}:${client}`, limit, windowMs, `Too many ${WHAT[budget]} from your address: at most ${limit} ${per}. Retry later.`);
  }

  private budget(budget: Budget): [number, number] {
    if (budget === 'read') return [this.config.readsPerMinute, MINUTE];
    if (budget === 'write') return [this.config.writesPerMinute, MINUTE];
    if (budget === 'fetch') return [this.config.fetchesPerMinute, MINUTE];
    return [this.config.createsPerHour, 60 * MINUTE];
  }
}
