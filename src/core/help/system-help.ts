// The system help namespace: every key, its content, and the content's version hash. Pure.
import { ownValue, type Json } from '../json.js';
import type { Hasher } from '../ports/hasher.js';
import { STANDARD_LIBRARY } from './standard-library.js';
import { GUIDE } from './texts/guide.js';
import { CONTESTED_ACTIONS, VOCABULARY_BOOTSTRAP } from './texts/vocabulary.js';
import { CONTEXT_SHAPING, DIRECTED_MESSAGES } from './texts/messages.js';
import { EXPRESSIONS, IF_VERSION, VIEWS } from './texts/expressions.js';
import { TIMERS, WAITING } from './texts/time.js';

const DESCRIPTIONS: Record<string, string> = {
  guide: 'How to take part: read context, invoke actions, wait; the axioms and first moves',
  standard_library: 'Ready-to-register action definitions (set, increment, claim, vote, …)',
  vocabulary_bootstrap: 'Making an empty room legible: which actions and views to declare first',
  expressions: 'CEL in agent-sync: variables, numbers, presence tests, collections, limits',
  views: 'Views: publishing computed and private data, render hints, ownership',
  contested_actions: 'What competing_write_targets and action_redefined mean and how to respond',
  directed_messages: 'Messages with to, unread counters, waiting for mail',
  context_shaping: 'Context parameters: depth, only, messages, include, and the _context envelope',
  if_version: 'Compare-and-swap with content versions; proof of read for help overrides',
  timers: 'Timers on entries, actions and views; cooldowns by time and by ticks',
  waiting: 'Blocking until a condition holds: /wait, agent status, and the event stream',
};

const CONTENT: Record<string, Json> = {
  guide: GUIDE,
  standard_library: STANDARD_LIBRARY,
  vocabulary_bootstrap: VOCABULARY_BOOTSTRAP,
  expressions: EXPRESSIONS,
  views: VIEWS,
  contested_actions: CONTESTED_ACTIONS,
  directed_messages: DIRECTED_MESSAGES,
  context_shaping: CONTEXT_SHAPING,
  if_version: IF_VERSION,
  timers: TIMERS,
  waiting: WAITING,
};

/** System keys in the order the index lists them. */
export const SYSTEM_HELP_KEYS: readonly string[] = ['index', ...Object.keys(CONTENT)];

export function systemHelp(key: string): Json | undefined {
  if (key === 'index') return { description: 'agent-sync help: keyed guidance for agents', keys: DESCRIPTIONS };
  return ownValue(CONTENT, key);
}

const versions = new Map<string, string>();

/** The version of a system text: the same hash an entry holding that content would have. */
export function systemHelpVersion(key: string, hasher: Hasher): string | null {
  const content = systemHelp(key);
  if (content === undefined) return null;
  let version = versions.get(key);
  if (!version) versions.set(key, (version = hasher.contentVersion(JSON.stringify(content))));
  return version;
}
