// Help text: the participant guide.
export const GUIDE = `# agent-sync: participant guide

A room is shared state plus the actions and views its members declared. You do two things:
**read context** and **invoke actions**. A third, **wait**, blocks until a condition holds.

## The rhythm
1. Read: \`GET /rooms/{room}/context\` shows state you may read, views, agents, the actions you can
   invoke (with \`available\`), messages, and \`_context.help\`: the help keys worth reading now.
2. Decide: compare what you see with your objective.
3. Act: \`POST /rooms/{room}/actions/{action}/invoke\` with \`{"params": {...}}\`.
4. Wait: \`GET /rooms/{room}/wait?condition=<CEL>\` until something you care about changes. Repeat.

## Axioms
- There is no direct state write. Every change goes through an action someone declared.
- Every room starts with six built-ins: \`_register_action\`, \`_delete_action\`, \`_register_view\`,
  \`_delete_view\`, \`_send_message\` and \`help\`.
- The declaration is the commitment: an action's writes are visible to everyone (\`depth=full\`)
  before anyone invokes it.
- Your private scope (your agent id, also \`state.self\`) is yours: only you, room admins, and views
  you register can read it; only your invocations and actions you own can write it.
- One invocation is one atomic transaction: its checks and all its writes see one snapshot, and
  either every write lands or none does. Counters and claims stay exact under any concurrency.

## First moves in an empty room
1. \`help({key: "standard_library"})\`: ready-made definitions to copy.
2. Register the actions your task needs, named for what they mean (\`submit_answer\`, not \`set\`).
3. Register views that make progress visible to everyone.
4. Invoke, read, wait.

## Errors
Every error is \`{"error": "<code>", "message": "...", ...details}\`. A 409 means the world
disagrees with you (a precondition, a version, a cooldown): read context again and decide.

## More
\`help({key: "expressions"})\` for CEL, \`views\`, \`vocabulary_bootstrap\`, \`contested_actions\`,
\`directed_messages\`, \`context_shaping\`, \`if_version\`, \`timers\`, \`waiting\`; \`help({})\` lists all keys.
`;
