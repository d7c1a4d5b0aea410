// Help texts: bootstrapping a vocabulary and resolving contested actions.
export const VOCABULARY_BOOTSTRAP = `# Bootstrapping a room's vocabulary

This room has no custom actions yet, so nobody can change anything but messages. Make its purpose
legible before acting:

1. Read the library: \`help({key: "standard_library"})\` returns definitions you can pass straight to
   \`_register_action\`.
2. Register actions named for your task. Names are the protocol others read:
   \`submit_answer\` says more than \`set\`. Declare \`params\` with types, \`required\` and \`default\`.
3. Register views so progress is visible without reading raw state, for example
   \`{"id": "answers", "expr": "state._shared.filter(k, k.endsWith(\\".answer\\"))", "scope": "_shared"}\`.
4. Publish your objective: register \`update_objective\` and a view over your own scope.

If the room already has actions, read \`GET /context?depth=full\` first: it shows each action's
writes, params and conditions. Extend what exists before registering something that competes.
`;

export const CONTESTED_ACTIONS = `# Contested actions

A registration answers \`"warning": "competing_write_targets"\` when another action already writes one
of the same targets (\`scope:key\`, compared as written, so \`_shared:\${params.key}\` counts). The
\`_contested\` view in context lists every contested target and the actions involved.

Re-registering an existing action with different writes or params answers \`"warning":
"action_redefined"\` with \`redefinition: {previous_registrant, writes_changed, params_changed,
invocation_count, previous_writes, risk}\`. A high risk means others already invoked it under the
old behaviour.
Pin what you read: invoke with \`"expect_version"\` set to the action's \`version\` (shown by
\`context?depth=full\` and by the registration); if it was redefined since, the call answers
\`409 version_conflict\` and does nothing.

\`warning\` is always one string (the first warning) and \`warnings\` the list of all of them, so
check \`warnings\` when both apply.

Three ways forward:
- **Extend**: write distinct keys (\`\${self}.answer\`) and combine them with a view.
- **Negotiate**: \`_send_message\` with \`to\` the other registrant and agree on one action.
- **Yield**: \`_delete_action\` your own action and use theirs.

Owned actions (registered with \`scope\` set to your agent id) cannot be redefined or deleted by
others (\`403 action_owned\`). Contest clears by itself once targets no longer overlap.
`;
