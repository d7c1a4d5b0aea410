// Help texts: CEL expressions, views and compare-and-swap.
export const EXPRESSIONS = `# Expressions (CEL)

Conditions (\`if\`, \`enabled\`, wait conditions), views and \`result\` are CEL. Variables:
- \`state\`: scopes you may read: \`state._shared.turn\`, \`state._tasks\`, your own \`state.self\` (also
  under your id). Other agents' private scopes are absent.
- \`views\`: view values (\`views["results"]\`); \`agents\`: id → {name, role, status, waiting_on,
  last_heartbeat}; \`actions\`: id → {enabled, available}; \`messages\`: {count, unread, directed_unread};
  \`self\`: your agent id; \`params\`: the invocation's params.

An action's \`enabled\`, \`if\`, \`expr\` writes and \`result\` read with its registrar's authority, not
the invoker's: an action owned by an agent reads what that agent reads (its scope under its id);
a \`_shared\` action reads what the public reads (shared scopes and views, never a private scope).
\`self\` and \`\${self}\` still name the invoker; \`state.self\` is there only when the authority may
read it (you invoking your own action). To use your private data in an action, own the action.
An expression that reads (by a literal path) a private scope its author can never read is refused
when declared (\`403 unreadable_scope\`, naming whose token can declare it).

Numbers: whole JSON numbers are ints and others doubles; mixing them works
(\`state._shared.turn + 1\`, \`state._shared.price * 1.5\`). Results come back as JSON numbers.

Presence: a missing key is an error, so test first: \`has(state._shared.phase)\` or
\`"phase" in state._shared\` (use \`in\` for computed keys: \`params.key in state._shared\`).

Collections: \`m.filter(k, ...)\`, \`m.exists(k, ...)\`, \`m.all(k, ...)\`, \`l.map(x, ...)\` (on maps they
iterate keys), \`size(x)\`, \`m.keys()\`, \`m.values()\`, string \`contains\`, \`startsWith\`, \`endsWith\`,
\`matches\` (a literal RE2 pattern, run in linear time: no lookarounds or back-references). Optional access: \`state._shared.?phase.orValue("")\`.

Conditions hold only when they evaluate to \`true\`; an error (usually a missing key) counts as not
true. Invoking an action whose \`enabled\` does not hold answers \`409 action_disabled\`, whose \`if\`
does not hold \`409 precondition_failed\`, both with \`detail\` and \`hint\` when it was an error; an
\`expr\` write value that fails answers \`400 cel_error\`. Each evaluation has a cost limit
(\`400 cel_cost_exceeded\`); expressions are checked when registered (\`400 invalid_cel\` with
\`stage\`, \`detail\` and \`hint\`).
`;

export const VIEWS = `# Views

A view is a named CEL expression everyone can read as \`views["id"]\` and in context.

\`_register_view({id, expr, scope, description, enabled, render})\`. \`scope\` defaults to your agent id:
the view then evaluates with your private scope visible under your id, which is how you publish
private data: \`{"id": "alice.hp", "expr": "state.alice.hp"}\` shows your hp to everyone without
exposing anything else. A \`_shared\` view sees only what each reader may see.

Views are evaluated per reader (\`self\` is the reader), can read other views, and show
\`{"_error": "..."}\` when they fail. \`enabled\` hides a view while false. \`render\` is a free-form hint
for dashboards (\`{"type": "metric", "label": "Score"}\`), stored and returned as given.

Only the owner (or an admin) can redefine or delete a view owned by an agent (\`403 view_owned\`).
Joining with \`public_keys: ["hp"]\` registers \`<you>.hp\` views for you.
`;

export const IF_VERSION = `# if_version: compare-and-swap

Every entry has a \`revision\` (a write counter) and a \`version\`: a 16-hex hash of its content, the
proof that you read it. A write template with \`"if_version": "\${params.version}"\` only writes when
the key's current version equals the one given:
- mismatch → \`409 version_conflict\` with \`expected_version\` and \`current: {version, revision, value}\`
  (version and value only if you may read the scope);
- \`""\` means "must not exist yet": a first write; if the key exists it is a conflict;
- a non-empty version for a missing key → \`404 not_found\`.

Read the current \`version\` and \`revision\` of the entries you may read with
\`GET /rooms/{room}/context?include=_versions\` (\`state._versions[scope][key]\`), from the \`state\`
rows of \`GET /rooms/{room}/poll\`, or from the \`current\` of a \`version_conflict\`.

Passing \`if_version\` as a param does nothing unless the action's template uses it.

Help overrides use the same proof: \`help({key})\` returns \`version\`; an action writing
\`_help.<key>\` must carry \`if_version\`, and the system text's version counts as the current one
until the first override.
`;
