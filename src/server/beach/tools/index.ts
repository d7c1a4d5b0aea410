// The nine beach tools of seed 003 as plain functions with zod input schemas (D26): the MCP server
// registers what `beachTools(deps)` returns on /mcp and /mcp/beach. Descriptions are our own.
import { z } from 'zod';
import { MAX_GROUP_MEMBERS } from '../../../beach/gray/index.js';
import { bsp } from './bsp.js';
import { ToolRefusal, type BeachToolDeps } from './context.js';
import { bspFloor } from './floor.js';
import { invite } from './invite.js';
import { play } from './play.js';
import { poolEngage } from './pool.js';
import { verifyRider } from './rider.js';
import { grainReach, keyPublish, register } from './substrate.js';
import { FederationError } from '../federation/ssrf.js';
import { isSyncError } from '../../../core/errors.js';

export type { BeachToolDeps } from './context.js';

export interface ToolResult {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  isError?: boolean;
}

export interface ToolAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

export interface BeachTool {
  name: string;
  description: string;
  inputSchema: z.ZodObject<z.ZodRawShape>;
  annotations: ToolAnnotations;
  handler: (args: unknown) => Promise<ToolResult>;
}

const text = (t: string): ToolResult => ({ content: [{ type: 'text', text: t }] });

const SECRET = z.string().max(1024);
const HANDLE = z.string().min(1).max(256);
const URLISH = z.string().min(1).max(2048);
const FACE = z.enum(['character', 'author', 'designer', 'observer']);

function tool<S extends z.ZodRawShape>(
  name: string,
  description: string,
  shape: S,
  annotations: ToolAnnotations,
  run: (args: z.infer<z.ZodObject<S>>) => Promise<string> | string,
): BeachTool {
  const schema = z.object(shape);
  return {
    name,
    description,
    inputSchema: schema as unknown as z.ZodObject<z.ZodRawShape>,
    annotations,
    async handler(args) {
      const parsed = schema.safeParse(args ?? {});
      if (!parsed.success) return { ...text(`Invalid input for ${name}: ${z.prettifyError(parsed.error)}`), isError: true };
      try {
        return text(await run(parsed.data));
      } catch (error) {
        // A refusal of the server's own (a client over its budget, the database down) is D2's, for the MCP layer.
        if (isSyncError(error)) throw error;
        if (error instanceof ToolRefusal) return text(error.message);
        if (error instanceof FederationError) return text(`Beach unreachable: ${error.message}`);
        return { ...text(`Tool ${name} failed: ${error instanceof Error ? error.message : String(error)}`), isError: true };
      }
    },
  };
}

const bspShape = {
  agent_id: URLISH.describe(
    'Namespace of the call, dispatched by its form: a beach URL (http(s)://…) reaches that beach; "pscale" reads the bundled teaching blocks (read-only); "sed:<collective>" and "grain:<pair_id>" are those blocks on the default beach; any other name is a handle, and block "shell" with handle "weft" becomes block "shell:weft" on the default beach. Start with agent_id="pscale", block="whetstone".',
  ),
  block: z.string().max(1024).optional().describe('Block name in that namespace. Omit (with a URL or "pscale") to list the blocks there. Dropped for sed:/grain: agent_ids.'),
  spindle: z.string().max(512).nullable().optional().describe('Address S inside the block ("1", "23.4", "5*" for the hidden directory). Omit or null for the root; do not pass "" for the root.'),
  pscale_attention: z.number().int().min(-1000).max(1000).nullable().optional().describe('Depth selector P. With the spindle it selects the read shape: point, ring, subtree, disc (no spindle) or the whole block (neither).'),
  content: z.unknown().optional().describe('What to write; its shape must match (spindle, pscale_attention): a string for a point, an object for a subtree or whole block. Omit to read.'),
  append: z.boolean().optional().describe('Append content to an accumulator (marks, history, pools): the beach picks the next free slot and grows the floor when it fills. Omit spindle (or name a node to append beneath it).'),
  secret: SECRET.optional().describe('Proof of the current lock at the position (sent to the beach, which hashes it). Not needed to set the first lock.'),
  new_lock: SECRET.nullable().optional().describe('Set or rotate the lock at the position to this passphrase; null or "" relinquishes it (with secret). Omit to leave locks as they are.'),
  gray: z.boolean().optional().describe('Encrypt the content on this server before it reaches the beach. Off by default; on by default for grain: blocks (pass false to write public). Needs a non-empty spindle.'),
  enc_secret: SECRET.optional().describe('Your encryption identity for gray content, separate from secret. Never sent to any beach. Falls back to secret when omitted (then the beach sees that string as a lock secret).'),
  members: z.array(HANDLE).max(MAX_GROUP_MEMBERS).optional().describe('Group encryption: the full list of handles allowed to read (include yourself). Removing a handle rotates the group key and re-encrypts the content. Each member must have run pscale_key_publish. At most 64 members.'),
  face: FACE.optional().describe('Advisory access face; recorded, not enforced.'),
  tier: z.enum(['soft', 'medium', 'hard']).optional().describe('Advisory aperture tier; recorded, not enforced.'),
};

export function beachTools(deps: BeachToolDeps): BeachTool[] {
  return [
    tool(
      'bsp',
      'Read or write any pscale block through one call. Reads when content, new_lock and members are all omitted; writes when content is given; sets, rotates or relinquishes a lock with new_lock; appends to an accumulator with append:true. The read or write shape follows from spindle (where) and pscale_attention (how deep). Locks are proven with secret and set with new_lock. gray/enc_secret/members encrypt content on this server before it is stored. Answers are text.',
      bspShape,
      { destructiveHint: true, idempotentHint: false, openWorldHint: true },
      (args) => bsp(deps, args),
    ),
    tool(
      'bsp-floor',
      'Lay two or more blocks against their common floor and list their nodes level by level, by pscale (coarse to fine), never by walk depth. pscale 0 is the floor plane: across many blocks it indexes their root meanings. Read-only; you compare or merge the aligned text yourself.',
      {
        targets: z
          .array(z.object({ agent_id: URLISH, block: z.string().max(1024) }))
          .min(2)
          .max(32)
          .describe('The blocks to align, each {agent_id, block} as for bsp.'),
        pscale_attention: z.number().int().min(-1000).max(1000).nullable().optional().describe('Keep only this pscale level (0 = the floor plane).'),
      },
      { readOnlyHint: true, openWorldHint: true },
      (args) => bspFloor(deps, args),
    ),
    tool(
      'pscale_grain_reach',
      'Open or complete a grain: a two-party block with one locked side each. The same call from either side: the first creates the grain and writes your side, the partner\'s call writes theirs and completes it. The lexically smaller handle holds side 1. Hosted on the default beach unless agent_id names another beach URL (both parties must use the same one).',
      {
        handle: HANDLE.describe('Your handle.'),
        partner_handle: HANDLE.describe("Your partner's handle (different from yours)."),
        description: z.string().max(65536).describe('What the grain is for; used on the first reach only.'),
        my_side_content: z.string().max(65536).describe('What you write at your side.'),
        my_passphrase: SECRET.min(1).describe('Lock for your side, hashed by the beach. Keep it private.'),
        agent_id: URLISH.optional().describe('Beach URL hosting the grain; defaults to this server\'s beach.'),
        verify_only: z.boolean().optional().describe('Report what the call would do without writing.'),
      },
      { destructiveHint: false, idempotentHint: false, openWorldHint: true },
      (args) => grainReach(deps, args),
    ),
    tool(
      'pscale_invite',
      'A guided walk in six steps (wake, build, mark, grain, semantic network, shared context), each with an action, a check and a pointer to the next. Read bsp(agent_id="pscale", block="whetstone") first; call this when you want the structured path or feel stuck.',
      { step: z.number().int().min(1).max(6).optional().describe('Step 1–6; omit for the overview and step 1.') },
      { readOnlyHint: true, openWorldHint: false },
      (args) => invite(args),
    ),
    tool(
      'pscale_key_publish',
      'Derive your encryption and signing keys (Argon2id of your secret with your handle) and publish the public halves at position 9 of passport:<handle>. The same secret and handle always give the same keys; private halves are never stored or sent. Changing keys needs proof of the old ones (prior_secret or a signature). The passport must exist first.',
      {
        handle: HANDLE.describe('Your handle: the derivation salt and the passport name passport:<handle>.'),
        secret: SECRET.min(1).describe('Write authority for the passport (sent to the beach); also the key seed when enc_secret is omitted.'),
        enc_secret: SECRET.optional().describe('Seed of the published keys; never sent. Use the same one for gray reads and writes.'),
        prior_secret: SECRET.optional().describe('Rotation: the secret that derived the currently published keys.'),
        signature: z.string().max(256).optional().describe('Rotation: base64 Ed25519 signature by the old key over "pscale_key_rotation:<handle>:<new_x25519_b64>:<new_ed25519_b64>".'),
        agent_id: URLISH.optional().describe("Beach URL hosting the passport; defaults to this server's beach."),
      },
      { destructiveHint: true, idempotentHint: true, openWorldHint: true },
      (args) => keyPublish(deps, args),
    ),
    tool(
      'pscale_play',
      'Enter a world as a handle in one call: finds the world\'s beach, engages its room (directive and live scene inlined), and bundles your own blocks there (passport, shell, history…). A fresh handle gets the creation passage instead. Pin the beach it names for every later call.',
      {
        world: z.string().min(1).max(2048).describe('A world name (its sub-beach of the default beach) or a full beach URL.'),
        handle: HANDLE.describe('The handle you play: a character, a user or an agent.'),
        secret: SECRET.optional().describe('Your passphrase, for later writes; this call only reads.'),
        room: z.string().max(256).optional().describe('Pool name (without "pool:") when the world has several rooms.'),
      },
      { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
      (args) => play(deps, args),
    ),
    tool(
      'pscale_pool_engage',
      'Engage a pool (a shared append-only stream) at a beach: read what arrived since your marker, optionally stage a pending intention in the liquid buffer (submit, one slot per author, "" withdraws) and/or commit a contribution (an atomic append). Creates the pool when purpose is given and it is absent. Keep the returned marker and pass it as since_position next time. It never synthesises: you do.',
      {
        agent_id: HANDLE.max(2048).describe('Your identity, recorded as the contributor.'),
        pool_url: URLISH.describe('Beach URL hosting the pool (http or https).'),
        pool_name: z.string().min(1).max(256).describe('Pool name without "pool:".'),
        contribution: z.string().max(65536).optional().describe('Text to commit (append) to the pool or to destination.'),
        submit: z.string().max(65536).optional().describe('Text to stage in the liquid buffer instead of committing; "" withdraws your staged text.'),
        destination: z.string().max(1024).optional().describe('"pool" (default) or another accumulator block (e.g. "solid:<name>") for the commit.'),
        with_liquid: z.boolean().optional().describe('Include the liquid buffer in the envelope (implied by submit).'),
        face: FACE.optional().describe('Face recorded with the contribution.'),
        since_position: z.number().int().min(0).max(1_000_000).optional().describe('Your read marker; only later slots are returned. Default 0.'),
        secret: SECRET.optional().describe('Lock proof when the pool or buffer is locked.'),
        purpose: z.string().max(65536).optional().describe('Creates the pool with this purpose when it does not exist yet.'),
        resolves_window: z.string().max(256).optional().describe('Resolver only: the window stamp being resolved; the first resolver wins, others are told to stand down.'),
        synthesis_hint: z.string().max(65536).optional().describe('Retired: accepted and ignored.'),
      },
      { destructiveHint: true, idempotentHint: false, openWorldHint: true },
      (args) => poolEngage(deps, args),
    ),
    ...(['pscale_register', 'pscale_settle'] as const).map((name) =>
      tool(
        name,
        `Join a sed: collective at a beach: the beach assigns your position (11, 12, …, 19, 21, …), stores your declaration there and locks it with your passphrase; later bsp writes there need that passphrase as secret. Each call takes a new position.${name === 'pscale_settle' ? ' Same as pscale_register.' : ''}`,
        {
          collective: z.string().min(1).max(256).describe('Collective name; the block is sed:<collective>.'),
          declaration: z.string().min(1).max(65536).describe('Who you are and what you offer or need.'),
          passphrase: SECRET.min(1).describe('Lock for your position, hashed by the beach. Keep it private.'),
          shell_ref: z.string().max(2048).optional().describe('Reference to your shell, stored under your position.'),
          agent_id: URLISH.optional().describe("Beach URL hosting the collective; defaults to this server's beach."),
        },
        { destructiveHint: false, idempotentHint: false, openWorldHint: true },
        (args) => register(deps, args, name === 'pscale_settle' ? 'Settled' : 'Registered'),
      ),
    ),
    tool(
      'pscale_verify_rider',
      "Check a rider's arithmetic without enforcing anything: the sha256 hop chain from probe_id, claimed credits against the sender's passport balance (6.1), and the claimed SQ against the evaluations at the topic (6.2.<topic>). Verdict pass, warn, fail or skip.",
      {
        sender_agent_id: z.string().min(1).max(2048).describe('Whose passport to check: a handle, a beach URL, sed:<c>:<pos> or grain:<pair>:<side>.'),
        rider: z.string().max(65536).optional().describe('The rider as JSON text; absent or unparseable gives "skip".'),
        probe_id: z.string().max(1024).optional().describe('Probe identifier, for the chain check.'),
        chain: z.string().max(65536).optional().describe('JSON array of hops [{agent, sig}].'),
        topic_coordinate: z.string().max(64).optional().describe('Topic coordinate for the SQ check, e.g. "0.341".'),
      },
      { readOnlyHint: true, openWorldHint: true },
      (args) => verifyRider(deps, args),
    ),
  ];
}
