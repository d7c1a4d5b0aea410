// What every beach tool needs: the beaches, the default beach, randomness, a clock and key derivation.
import { memoDerive, type Derive, type RandomBytes } from '../../../beach/gray/index.js';
import { bspRead, floorDepth, parseSpindle, walk, type Block } from '../../../beach/index.js';
import { beachErrorText, type Beaches, type BeachAnswer } from '../federation/beaches.js';
import { FederationError } from '../federation/ssrf.js';

export interface BeachToolDeps {
  beaches: Beaches;
  /** The beach bare names, sed: and grain: resolve to (D28: this server's own, unless configured). */
  defaultBeach: () => string;
  random: RandomBytes;
  now: () => number;
  /** Argon2id key derivation; tests may pass a cached one. */
  derive?: Derive;
}

/** A refusal the tool reports as its normal text result (not isError). */
export class ToolRefusal extends Error {}

export const isBlock = (v: unknown): v is Block => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Loads a whole block: null when absent (404); a beach failure throws with the beach's text. */
export async function loadBlock(deps: BeachToolDeps, origin: string, block: string): Promise<Block | null> {
  const answer = await deps.beaches.get(origin, { block });
  if (answer.status === 404) return null;
  if (answer.status !== 200) throw new ToolRefusal(`Beach read of "${block}" at ${origin} failed: ${beachErrorText(answer)}`);
  const body = answer.body;
  // Some beaches wrap the block as {block: …}; a spine-legal block never has a `block` key.
  const unwrapped = isBlock(body) && Object.prototype.hasOwnProperty.call(body, 'block') && isBlock(body['block']) ? body['block'] : body;
  if (!isBlock(unwrapped)) throw new ToolRefusal(`Block "${block}" at ${origin} is not a JSON object (it is malformed at its root).`);
  return unwrapped;
}

export const post = (deps: BeachToolDeps, origin: string, block: string, body: Record<string, unknown>): Promise<BeachAnswer> => deps.beaches.post(origin, block, body);

export const okAnswer = (a: BeachAnswer): boolean => a.status >= 200 && a.status < 300 && !(isBlock(a.body) && a.body['ok'] === false);

/** The floor-aware node at an address (`readAt`). */
export function readAt(block: unknown, spindle: string): unknown {
  return walk(block, parseSpindle(spindle, floorDepth(block)).digits);
}

/** One operation's derivations, each (secret, handle) computed once. */
export const derivation = (deps: BeachToolDeps): Derive => memoDerive(deps.derive);

export const nowIso = (deps: BeachToolDeps): string => new Date(deps.now()).toISOString();

/** Resolves a URL beach or says there is none. */
export async function resolveOrRefuse(deps: BeachToolDeps, url: string, refusal: (url: string) => string): Promise<string> {
  const origin = await deps.beaches.resolve(url);
  if (origin === null) throw new ToolRefusal(refusal(url));
  return origin;
}

export const noBeach = (url: string): string => {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // keep the text as given
  }
  return `No beach at ${url} (also tried beach.${host}). Site is not federated.`;
};

/** Federation failures (refused by policy, timeout, too large) become text the caller can act on. */
export function federationText(error: unknown): string | null {
  return error instanceof FederationError ? error.message : null;
}

export { bspRead };
