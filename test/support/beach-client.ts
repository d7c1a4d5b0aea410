// A client for the beach wire protocol (/.well-known/pscale-beach) over a TestClient, and the
// data-driven step runner the beach HTTP tests share.
import { expect } from 'vitest';
import type { JsonResponse, TestClient } from './http-client.js';

export const BEACH = '/.well-known/pscale-beach';

export const beachPath = (block = '', query: Record<string, string> = {}): string => {
  const params = new URLSearchParams({ ...(block === '' ? {} : { block }), ...query });
  const text = params.toString();
  return text === '' ? BEACH : `${BEACH}?${text}`;
};

export class BeachClient {
  constructor(readonly http: TestClient) {}

  get(block = '', query: Record<string, string> = {}): Promise<JsonResponse> {
    return this.http.get(beachPath(block, query));
  }

  post(block: string, body: unknown): Promise<JsonResponse> {
    return this.http.request('POST', beachPath(block), body);
  }

  delete(block: string, body: unknown): Promise<JsonResponse> {
    return this.http.request('DELETE', beachPath(block), body);
  }

  /** The stored block (GET), or undefined when it is absent. */
  async block(name: string): Promise<any> {
    const res = await this.get(name);
    if (res.status === 404) return undefined;
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }
}

/** One request of a scenario and what it must answer: `body` exactly, or at least `has`. */
export interface Step {
  req: ['GET', string, Record<string, string>?] | ['POST' | 'DELETE', string, unknown];
  status: number;
  body?: unknown;
  has?: unknown;
}

export async function runSteps(beach: BeachClient, steps: readonly Step[]): Promise<void> {
  for (const [i, step] of steps.entries()) {
    const [method, block, arg] = step.req;
    const res = method === 'GET' ? await beach.get(block, (arg as Record<string, string> | undefined) ?? {}) : method === 'POST' ? await beach.post(block, arg) : await beach.delete(block, arg);
    const label = `step ${i + 1}: ${method} ${block} ${JSON.stringify(arg)} → ${res.status} ${JSON.stringify(res.body)}`;
    expect(res.status, label).toBe(step.status);
    if (step.body !== undefined) expect(res.body, label).toEqual(step.body);
    if (step.has !== undefined) expect(res.body, label).toMatchObject(step.has as object);
    if (res.status >= 400) expect(res.body, label).toMatchObject({ error: expect.any(String), code: expect.any(String), message: expect.any(String) });
  }
}
