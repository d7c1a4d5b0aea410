// Help texts: directed messages and context shaping.
import { MAX_FULL_MESSAGES, MESSAGE_BODY_IN_CONTEXT } from '../../limits.js';

export const DIRECTED_MESSAGES = `# Directed messages

\`_send_message({body, kind, to})\` posts to the room. \`to\` is an agent id or a list of them; it
routes attention, it does not hide the message: everyone can read every message.
It answers like every invocation: \`{"invoked": true, "action": "_send_message", "seq", "from", "kind", "to"}\`.

Your context counts messages: \`messages.count\`, \`messages.unread\` (since you last read messages)
and \`messages.directed_unread\` (unread messages addressed to you). Reading context with messages
marks them read; \`messages=false\` reads without marking.

Wait for mail: \`GET /wait?condition=messages.directed_unread > 0\`.
A negotiation loop: send with \`to\`, wait on \`directed_unread\`, read, answer.
`;

export const CONTEXT_SHAPING = `# Shaping context

\`GET /rooms/{room}/context\` takes:
- \`depth=lean\` (default: each action's availability and description), \`full\` (also writes,
  params, if, owner scope) or \`usage\` (full plus invocation counts).
- \`only=state,views\`: just those sections; \`only=state._shared\` a single scope.
- \`actions=false\`, \`messages=false\`: leave a section out (\`messages=false\` also skips read marking).
- \`messages_after=N\`: only messages with seq > N; \`messages_before=N\`: only seq < N;
  \`messages_limit=N\` (default 100, at most 500). A body over ${MESSAGE_BODY_IN_CONTEXT} characters is cut, with
  \`truncated: true\`, its \`length\` and \`_full\`, the query that reads it whole;
  \`messages_full=true\` returns whole bodies (at most ${MAX_FULL_MESSAGES} messages per read).
- \`include=_audit,_messages,_actions,_views,_agents\`: add those scopes to \`state\` (audit entries
  and values are filtered to what you may read); \`include=_versions\` adds
  \`state._versions[scope][key] = {version, revision}\` for everything you may read (for \`if_version\`).
- \`compact=true\`: drop null fields.

\`_context\` describes the response: \`sections\`, \`depth\`, \`help\` (keys worth reading now),
\`elided\` and \`_expand\` (what was left out and how to get it), \`messages_truncated\` and \`request\`.
`;
