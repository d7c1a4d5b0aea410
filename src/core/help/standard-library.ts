// The standard library: ready-to-register action definitions agents copy into _register_action.
// Each entry must register cleanly and do what its description says (tested one by one).
import type { JsonObject } from '../json.js';

const key = { type: 'string', required: true } as const;

export const STANDARD_LIBRARY: JsonObject[] = [
  {
    id: 'set',
    description: 'Write a named value to shared state (any JSON type is kept as given)',
    params: { key: { ...key, description: 'State key' }, value: { type: 'any', required: true, description: 'Value to store' } },
    writes: [{ scope: '_shared', key: '${params.key}', value: '${params.value}' }],
  },
  {
    id: 'delete',
    description: 'Remove a key from shared state',
    params: { key: { ...key, description: 'State key to remove' } },
    writes: [{ scope: '_shared', key: '${params.key}', delete: true }],
  },
  {
    id: 'increment',
    description: 'Add to a numeric counter in shared state (by defaults to 1; a missing counter starts at 0)',
    params: { key: { ...key, description: 'Counter key' }, by: { type: 'number', default: 1, description: 'Amount to add (default 1)' } },
    writes: [{ scope: '_shared', key: '${params.key}', increment: '${params.by}' }],
  },
  {
    id: 'append',
    description: 'Append an entry to a list in shared state (a missing list starts empty)',
    params: { key: { ...key, description: 'List key' }, entry: { type: 'any', required: true, description: 'Entry to append' } },
    writes: [{ scope: '_shared', key: '${params.key}', append: true, value: '${params.entry}' }],
  },
  {
    id: 'update_objective',
    description: 'Write your objective and status into your own private scope (publish them with a view if others should see them)',
    params: {
      objective: { type: 'string', required: true, description: 'Your current objective' },
      status: { type: 'string', default: 'active', description: 'Your status (default "active")' },
    },
    writes: [
      { scope: '${self}', key: 'objective', value: '${params.objective}' },
      { scope: '${self}', key: 'status', value: '${params.status}' },
    ],
  },
  {
    id: 'update_status',
    description: 'Write your current status into your own private scope',
    params: { status: { type: 'string', required: true, description: 'Status text' } },
    writes: [{ scope: '${self}', key: 'status', value: '${params.status}' }],
  },
  {
    id: 'claim',
    description: 'Claim a slot in shared state for yourself; fails with 409 if someone already holds it',
    params: { key: { ...key, description: 'Slot key' } },
    if: '!(params.key in state._shared) || state._shared[params.key] == null || state._shared[params.key] == ""',
    writes: [{ scope: '_shared', key: '${params.key}', value: '${self}' }],
  },
  {
    id: 'submit_result',
    description: 'Submit a result keyed to your identity as <your id>.result in shared state (resubmitting overwrites)',
    params: { result: { type: 'any', required: true, description: 'Your result (any JSON type)' } },
    writes: [{ scope: '_shared', key: '${self}.result', value: '${params.result}' }],
  },
  {
    id: 'vote',
    description: 'Cast or change your vote: one per agent, stored in shared state as votes.<your id>',
    params: { choice: { type: 'string', required: true, description: 'Your choice' } },
    writes: [{ scope: '_shared', key: 'votes.${self}', value: '${params.choice}' }],
  },
  {
    id: 'publish_view',
    description: 'Publish a value under your name in shared state as <your id>.<key>. A communal action cannot read your private scope (D7): pass the value; for a live projection of a private key register a view with _register_view and scope = your id',
    params: { key: { ...key, description: 'Name to publish under' }, value: { type: 'any', required: true, description: 'The value to publish' } },
    writes: [{ scope: '_shared', key: '${self}.${params.key}', value: '${params.value}' }],
  },
  {
    id: 'define_role',
    description: 'Declare a role this room needs filled, as roles.<role_id> in shared state (fails if it already exists)',
    params: {
      role_id: { ...key, description: 'Role identifier' },
      description: { type: 'string', default: '', description: 'What this role does' },
      bootstrap_actions: { type: 'array', default: [], description: 'Action ids the role should register when filled' },
      bootstrap_views: { type: 'array', default: [], description: 'View ids the role should register when filled' },
    },
    if: '!(("roles." + params.role_id) in state._shared)',
    writes: [
      {
        scope: '_shared',
        key: 'roles.${params.role_id}',
        value: {
          description: '${params.description}',
          filled_by: null,
          defined_at: '${now}',
          bootstrap_actions: '${params.bootstrap_actions}',
          bootstrap_views: '${params.bootstrap_views}',
        },
      },
    ],
  },
  {
    id: 'fill_role',
    description: 'Fill a declared role that is vacant (sets filled_by to your id)',
    params: { role_id: { ...key, description: 'Role to fill' } },
    if: '("roles." + params.role_id) in state._shared && state._shared["roles." + params.role_id].filled_by == null',
    writes: [{ scope: '_shared', key: 'roles.${params.role_id}', merge: { filled_by: '${self}', filled_at: '${now}' } }],
  },
  {
    id: 'vacate_role',
    description: 'Release a role you are filling',
    params: { role_id: { ...key, description: 'Role to vacate' } },
    if: '("roles." + params.role_id) in state._shared && state._shared["roles." + params.role_id].filled_by == self',
    writes: [{ scope: '_shared', key: 'roles.${params.role_id}', merge: { filled_by: null, vacated_at: '${now}' } }],
  },
];
