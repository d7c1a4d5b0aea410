// pscale_verify_rider (bsp-beach §7.9): deterministic, non-enforcing arithmetic on an ecosquared rider.
import { createHash } from 'node:crypto';
import { zeroFreePaths } from '../../../beach/index.js';
import { isBeachUrl } from '../federation/origin.js';
import { isBlock, loadBlock, readAt, type BeachToolDeps } from './context.js';

export interface VerifyRiderInput {
  sender_agent_id: string;
  rider?: string | undefined;
  probe_id?: string | undefined;
  chain?: string | undefined;
  topic_coordinate?: string | undefined;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const parse = (text: string | undefined): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

type Check = Record<string, unknown>;

export function checkChain(probeId: string | undefined, chain: unknown): Check {
  if (!Array.isArray(chain) || chain.length === 0 || probeId === undefined) return { checked: false };
  for (let i = 0; i < chain.length; i++) {
    const hop: unknown = chain[i];
    const prev: unknown = i === 0 ? undefined : chain[i - 1];
    const prevSig = isBlock(prev) && typeof prev['sig'] === 'string' ? prev['sig'] : '';
    const expected = sha256(probeId + (i === 0 ? '' : prevSig));
    const sig = isBlock(hop) ? hop['sig'] : undefined;
    if (sig !== expected) {
      const agent = isBlock(hop) ? String(hop['agent']) : '?';
      return { checked: true, valid: false, break_at_hop: i, reason: `sig mismatch at hop ${i} (${agent})` };
    }
  }
  return { checked: true, valid: true };
}

const numeric = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
};

function rawWalk(node: unknown, digits: string): unknown {
  let cur = node;
  for (const d of digits) {
    if (!isBlock(cur)) return undefined;
    cur = Object.prototype.hasOwnProperty.call(cur, d) ? cur[d] : undefined;
  }
  return cur;
}

async function passportOf(deps: BeachToolDeps, sender: string): Promise<Record<string, unknown> | null> {
  const origin = await deps.beaches.resolve(deps.defaultBeach());
  const grain = /^grain:([^:]+):([12])$/.exec(sender);
  const sed = /^sed:([^:]+):(\d+)$/.exec(sender);
  if (grain) {
    if (origin === null) return null;
    const block = await loadBlock(deps, origin, `grain:${grain[1]}`);
    const handle = block !== null && isBlock(block['9']) ? block['9'][grain[2]!] : undefined;
    return typeof handle === 'string' ? loadBlock(deps, origin, `passport:${handle}`) : null;
  }
  if (sed) {
    if (origin === null) return null;
    const block = await loadBlock(deps, origin, `sed:${sed[1]}`);
    const node = block === null ? undefined : rawWalk(block, sed[2]!);
    return typeof node === 'string' ? { _: node } : isBlock(node) ? node : null;
  }
  if (isBeachUrl(sender)) {
    const o = await deps.beaches.resolve(sender);
    return o === null ? null : loadBlock(deps, o, 'passport');
  }
  return origin === null ? null : loadBlock(deps, origin, `passport:${sender}`);
}

const scalarOf = (v: unknown): number | null => {
  let cur = v;
  for (let i = 0; i < 64 && isBlock(cur); i++) cur = cur['_'];
  return numeric(cur);
};

export async function verifyRider(deps: BeachToolDeps, input: VerifyRiderInput): Promise<string> {
  const rider = parse(input.rider);
  if (!isBlock(rider)) {
    return JSON.stringify({ chain: { checked: false }, credits: { checked: false }, sq: { checked: false }, verdict: 'skip', reason: 'no rider' }, null, 2);
  }
  const chain = checkChain(input.probe_id, parse(input.chain));
  let passport: Record<string, unknown> | null = null;
  let passportLoaded = false;
  const loadPassport = async () => {
    if (!passportLoaded) {
      passportLoaded = true;
      try {
        passport = await passportOf(deps, input.sender_agent_id);
      } catch {
        passport = null;
      }
    }
    return passport;
  };
  let credits: Check = { checked: false };
  const claimed = isBlock(rider['credits']) ? rider['credits']['n'] : undefined;
  if (typeof claimed === 'number') {
    const p = await loadPassport();
    if (p === null) credits = { checked: false, reason: `passport not found for ${input.sender_agent_id}` };
    else {
      const balance = scalarOf(rawWalk(p, '61'));
      if (balance === null) credits = { checked: false, reason: 'credits balance not found at passport address 6.1' };
      else credits = { checked: true, claimed, balance, valid: claimed <= balance, ...(claimed <= balance ? {} : { reason: `overdraw: ${claimed} > ${balance}` }) };
    }
  }
  let sq: Check = { checked: false };
  const claimedSq = rider['sq'];
  if (input.topic_coordinate !== undefined && typeof claimedSq === 'number') {
    const p = await loadPassport();
    if (p !== null) {
      const digits = input.topic_coordinate.replace(/\./g, '').replace(/^0+/, '') || '0';
      let topic: unknown;
      try {
        topic = /^\d+$/.test(digits) ? readAt(p, `6.2${digits}`) : undefined;
      } catch {
        topic = undefined;
      }
      let sum = 0;
      let count = 0;
      for (const slot of zeroFreePaths(3)) {
        const entry = rawWalk(topic, slot);
        if (!isBlock(entry)) continue;
        const v = entry['2'];
        const g = entry['3'];
        if (typeof v === 'number' && typeof g === 'number' && g > 0) {
          sum += v / g;
          count++;
        } else if (entry['6'] !== undefined) count++;
      }
      if (count === 0) sq = { checked: true, matches: false, claimed: claimedSq, computed: 0, reason: 'no evaluations at topic' };
      else {
        const matches = Math.abs(claimedSq - sum) < 0.01;
        sq = { checked: true, claimed: claimedSq, computed: sum, matches, ...(matches ? {} : { reason: `SQ divergence: claimed ${claimedSq}, computed ${sum}` }) };
      }
    }
  }
  const verdict = chain['checked'] === true && chain['valid'] === false ? 'fail' : credits['checked'] === true && credits['valid'] === false ? 'fail' : sq['checked'] === true && sq['matches'] !== true ? 'warn' : 'pass';
  return JSON.stringify({ chain, credits, sq, verdict }, null, 2);
}
