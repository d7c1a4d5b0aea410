// Helpers for the bad-input tests: a D2 error assertion, a "still serving" probe, and a
// snapshot of everything a room shows, to prove a failed request wrote nothing.
import { expect } from 'vitest';
import { ERROR_STATUS, type ErrorCode } from '../../src/protocol/error-codes.js';
import type { JsonResponse, TestClient } from './http-client.js';

/** A clear 4xx (or the catalogued status) with `{error, message, ...details}` (D2). */
export function expectD2(res: JsonResponse, code: ErrorCode, details: Record<string, unknown> = {}): void {
  expect(res.body, `${res.status} ${JSON.stringify(res.body)}`).toMatchObject({ error: code, ...details });
  expect(res.status).toBe(ERROR_STATUS[code]);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body.message).toMatch(/^\S[^\n]*\.$/);
}

/** The server answers /healthz and a valid invocation of `ping` (which must exist) still commits. */
export async function expectStillServing(anon: TestClient, agent: TestClient, room: string): Promise<void> {
  const health = await anon.get('/healthz');
  expect(health.status).toBe(200);
  const before = await agent.context(room, '?only=state');
  const pings = (before.body.state._shared?.pings as number | undefined) ?? 0;
  const ping = await agent.invoke(room, 'ping');
  expect(ping.status, JSON.stringify(ping.body)).toBe(200);
  const after = await agent.context(room, '?only=state');
  expect(after.body.state._shared.pings).toBe(pings + 1);
}

/** What the room shows an admin (poll, rows in scope/key order) and an agent (context), without the audit log. */
export async function roomSnapshot(admin: TestClient, agent: TestClient, room: string): Promise<unknown> {
  const poll = await admin.get(`/rooms/${room}/poll`);
  expect(poll.status).toBe(200);
  const ctx = await agent.context(room, '?depth=full&messages=false');
  expect(ctx.status).toBe(200);
  const rows = [...(poll.body.state as Array<{ scope: string; key: string }>)].sort((a, b) => `${a.scope}\u0000${a.key}`.localeCompare(`${b.scope}\u0000${b.key}`));
  return { state: rows, views: poll.body.views, actions: poll.body.actions, context: { state: ctx.body.state, views: ctx.body.views, actions: ctx.body.actions } };
}
