// The closed catalogue of error codes (D2) and the HTTP status each one maps to.
// Pure data: imports nothing. Transports map a code to a status here and nowhere else.

export const ERROR_STATUS = {
  // request shape
  invalid_json: 400,
  invalid_body: 400,
  invalid_query: 400,
  invalid_id: 400,
  invalid_request: 400,
  headers_too_large: 431,
  payload_too_large: 413,
  route_not_found: 404,
  method_not_allowed: 405,
  unsupported_media_type: 415,
  // identity and access
  authentication_required: 401,
  invalid_token: 401,
  read_only_token: 403,
  identity_mismatch: 403,
  scope_denied: 403,
  not_member: 403,
  user_not_found: 404,
  user_exists: 409,
  token_not_found: 404,
  token_revoked: 409,
  invalid_grant: 400,
  authorization_pending: 400,
  slow_down: 400,
  access_denied: 400,
  expired_token: 400,
  too_many_requests: 429,
  unreadable_scope: 403,
  admin_required: 403,
  origin_not_allowed: 403,
  join_not_open: 403,
  host_not_allowed: 403,
  invalid_challenge: 400,
  passkey_rejected: 400,
  passkey_not_found: 404,
  last_passkey: 409,
  registration_closed: 403,
  recovery_code_invalid: 400,
  recovery_limit: 409,
  recovery_code_not_found: 404,
  // OAuth (RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 8707, RFC 6750 §3.1)
  invalid_client: 401,
  unsupported_grant_type: 400,
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  invalid_target: 400,
  insufficient_scope: 403,
  // rooms and agents
  room_exists: 409,
  room_not_found: 404,
  agent_exists: 409,
  agent_not_found: 404,
  agent_disabled: 409,
  // MCP sessions
  not_embodied: 409,
  agent_in_use: 409,
  // actions and views
  action_not_found: 404,
  action_owned: 403,
  action_cooldown: 409,
  action_expired: 404,
  action_disabled: 409,
  view_not_found: 404,
  view_owned: 403,
  invalid_definition: 400,
  reserved_scope: 400,
  invalid_scope: 400,
  invalid_template: 400,
  invalid_timer: 400,
  // invocation
  missing_param: 400,
  invalid_param: 400,
  invalid_param_type: 400,
  precondition_failed: 409,
  write_key_required: 400,
  invalid_write: 400,
  version_conflict: 409,
  not_found: 404,
  // expressions
  invalid_cel: 400,
  cel_error: 400,
  cel_cost_exceeded: 400,
  // limits
  too_many_waits: 429,
  // help
  help_key_not_found: 404,
  // the server itself
  service_unavailable: 503,
  internal_error: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}
