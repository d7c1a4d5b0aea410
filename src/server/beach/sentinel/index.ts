// The sentinel registry (bsp-beach §6.2, §10): teaching blocks written for this project, served
// read-only under agent_id = "pscale". Frozen: no caller can change them.
import type { Block } from '../../../beach/index.js';
import { manifest, sunstone, whetstone } from './blocks-core.js';
import { agentId, blockConventions, charCreation, evolution, gatekeeper, payway, progression } from './blocks-more.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const blocks: Record<string, Block> = Object.create(null) as Record<string, Block>;
Object.assign(blocks, {
  manifest,
  whetstone,
  sunstone,
  'agent-id': agentId,
  evolution,
  progression,
  'block-conventions': blockConventions,
  gatekeeper,
  payway,
  'char-creation': charCreation,
});

export const SENTINEL_BLOCKS: Readonly<Record<string, Block>> = deepFreeze(blocks);
