// The entries a reader may see, as plain JSON (D7, D9): one walk shared by context, wait and poll.
import { ownChild, setOwn, type JsonObject } from '../json.js';
import type { Entry } from '../room/model.js';
import { canReadScope, isStateScope } from './policy.js';
import type { ReadSession } from './read-session.js';

/** Every visible entry the reader may read, scope by scope. */
export function* readableEntries(session: ReadSession): Generator<Entry> {
  const { room, reader } = session;
  for (const [scope, visible] of room.celScopes) {
    if (!isStateScope(scope) || !canReadScope(reader, scope)) continue;
    for (const key of visible.keys()) yield room.entry(scope, key)!;
  }
}

/** `{scope: {key: {version, revision}}}` for the entries the reader may read (proof of read for if_version). */
export function readableVersions(session: ReadSession): JsonObject {
  const out: JsonObject = {};
  for (const e of readableEntries(session)) {
    setOwn(ownChild(out, e.scope), e.key, { version: e.version, revision: e.revision });
  }
  return out;
}

/** `{scope: {key: value}}` of what the reader may read; the reader's own scope also as `self`. */
export function readableState(session: ReadSession): JsonObject {
  const state: JsonObject = {};
  for (const entry of readableEntries(session)) {
    setOwn(ownChild(state, entry.scope), entry.key, entry.value);
  }
  const own = session.reader.agentId;
  if (own) state.self = ownChild(state, own);
  return state;
}
