// Bounds on the work one request, commit or read can cause (README "Limits"). Cost units are
// those of the CEL cost limit (D5, cel/cost-budget.ts): one per evaluated node, ten per
// comprehension step, one per 64 bytes allocated.

/** One evaluation of an entry's or agent's `enabled`; more is refused when written, hidden later. */
export const ENABLED_BUDGET = 10_000;
/** All `enabled` expressions of a room's conditional entries, per resolution (after a change). */
export const DERIVED_ROOM_BUDGET = 250_000;

/** One evaluation of a wait condition (views it reads included). */
export const WAIT_BUDGET = 100_000;
/**
 * On a shared store, how much older than the longest wait a stored `waiting` status must be to
 * count as stale (covers the presence flush interval and clock skew between processes).
 */
export const WAITING_GRACE_MS = 5_000;
/** Re-evaluating a room's waits after a change, per slice; the rest wait for the next slice. */
export const WAIT_SLICE_BUDGET = 1_000_000;
/** Pending waits per agent in a room, and per room. */
export const MAX_WAITS_PER_AGENT = 32;
export const MAX_WAITS_PER_ROOM = 5_000;

/** A message body longer than this (characters of text, or of its JSON) is cut in context reads. */
export const MESSAGE_BODY_IN_CONTEXT = 4_096;
/** Messages per read with `messages_full=true` (whole bodies). */
export const MAX_FULL_MESSAGES = 20;

/** `/poll` state rows per page (`state_limit`), default and most. */
export const POLL_STATE_PAGE = 1_000;
export const MAX_POLL_STATE_PAGE = 5_000;
/** `GET /rooms` rows per page (`limit`), default and most. */
export const ROOMS_PAGE = 100;
export const MAX_ROOMS_PAGE = 1_000;
/** Params and written values shown in audit records (poll, `include=_audit`) above this are summarised. */
export const AUDIT_VALUE_IN_READS = 4_096;
