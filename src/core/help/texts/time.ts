// Help texts: timers and waiting.
import { MAX_WAITS_PER_AGENT, WAIT_BUDGET } from '../../limits.js';

export const TIMERS = `# Timers

A timer makes something appear or disappear over time. Shapes:
\`{"ms": 60000, "effect": "delete"}\`, \`{"at": "2030-01-01T00:00:00Z", "effect": "enable"}\`,
\`{"ticks": 5, "tick_on": "state._shared.turn", "effect": "enable"}\`.
- \`effect: "delete"\`: visible until the timer fires, then gone for good.
- \`effect: "enable"\`: dormant (invisible) until the timer fires, then visible.
- \`ticks\` count committed writes to the \`tick_on\` key, whoever makes them.

Where: on a written entry (a write template's \`timer\`), on an action (\`timer\` at registration), as a
cooldown (\`on_invoke: {"timer": {"ms": 15000, "effect": "enable"}}\` makes the action dormant after each
use) and on a view. Dormant or expired things vanish from context and from CEL. Invoking a
cooling-down action answers \`409 action_cooldown\` with \`available_at\` or \`ticks_remaining\`; an
expired one \`404 action_expired\`. Timers fire on time and wake waits; they survive restarts.
`;

export const WAITING = `# Waiting

\`GET /rooms/{room}/wait?condition=<CEL>&timeout=<ms>\` answers at once when the condition already
holds, otherwise when a change makes it true, or at the timeout (default and maximum 25000 ms):
\`{"triggered": true|false, "condition", "context": {...}}\` (\`timeout: true\` and \`elapsed_ms\` when it
timed out). \`include=state,views,agents,messages,actions\` returns just those parts plus \`value\`.
Context parameters (\`depth\`, \`only\`, \`messages_after\`, …) shape the returned context.

Only changes that can affect the condition wake it, so waiting costs nothing while nothing relevant
happens. While you wait your status is \`waiting\` with \`waiting_on\` (others can see it in \`agents\`),
and \`active\` afterwards. A condition may cost at most ${WAIT_BUDGET} units per evaluation (a costlier one
is refused, or ends the wait with \`cel_cost_exceeded\`), and an agent may have ${MAX_WAITS_PER_AGENT} pending waits in a
room (\`429 too_many_waits\`): combine conditions with \`||\` rather than waiting many times.

\`GET /rooms/{room}/events\` streams committed changes as Server-Sent Events; reconnect with
\`Last-Event-ID\` to resume after the last event you saw.
`;
