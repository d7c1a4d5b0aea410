// agent-sync/client: the typed SDK. No server code; fetch only.
export { AgentSyncClient, type ContextOptions, type WaitOptions } from './client.js';
export { AgentSyncError, isAgentSyncError, type ClientErrorCode } from './errors.js';
export { runAgentLoop, type AgentLoopOptions } from './agent-loop.js';
export type { FollowOptions } from './events.js';
export { elevateLink, type RetryPolicy, type TransportOptions } from './transport.js';
export type * from '../protocol/wire/agents.js';
export type * from '../protocol/wire/invoke.js';
export type * from '../protocol/wire/live.js';
export type * from '../protocol/wire/reads.js';
export type * from '../protocol/wire/rooms.js';
export type * from '../protocol/wire/identity.js';
export type * from '../protocol/wire/account.js';
export type { ErrorCode } from '../protocol/index.js';
