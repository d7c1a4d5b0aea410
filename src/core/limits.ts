// Bounds on the work one request, commit or read can cause (README "Limits"). Cost units are
// those of the CEL cost limit (D5, cel/cost-budget.ts): one per evaluated node, ten per
// comprehension step, one per 64 bytes allocated.

/** One evaluation of an entry's or agent's `enabled`; more is refused when written, hidden later. */
export const ENABLED_BUDGET = 10_000;
/** All `enabled` expressions of a room's conditional entries, per resolution (after a change). */
export const DERIVED_ROOM_BUDGET = 250_000;

/** One evaluation of a wait condition (views it reads included). */
export const WAIT_BUDGET = 100_000;
/** Re-evaluating a room's waits after a change, per slice; the rest wait for the next slice. */
export const WAIT_SLICE_BUDGET = 1_000_000;
/** Pending waits per agent in a room, and per room. */
export const MAX_WAITS_PER_AGENT = 32;
export const MAX_WAITS_PER_ROOM = 5_000;
