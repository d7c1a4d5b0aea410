// Declaring vocabulary in tests: register actions and views, failing loudly if one is refused.
import { expect } from 'vitest';
import type { TestClient } from './http-client.js';

export async function registerActions(who: TestClient, room: string, definitions: Array<Record<string, unknown>>): Promise<void> {
  for (const definition of definitions) {
    const res = await who.invoke(room, '_register_action', definition);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
}

export async function registerView(who: TestClient, room: string, definition: Record<string, unknown>): Promise<void> {
  const res = await who.invoke(room, '_register_view', definition);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}
