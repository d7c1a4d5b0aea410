// Serving the built pages: only hashed asset names inside dist/web/assets, never a path out of it.
import { describe, expect, it } from 'vitest';
import { inProcessApp } from '../support/in-process.js';

describe('web routes', () => {
  it('refuses asset names that could leave the assets folder or name a file type it does not serve', async () => {
    const { client } = inProcessApp();
    for (const path of ['/web/assets/..%2f..%2fpackage.json', '/web/assets/%2e%2e%2fdashboard.html', '/web/assets/.tsbuildinfo', '/web/assets/x.json', '/web/assets/..', '/web/assets/a%00.js', '/web/assets/..%2f..%2fserver%2fmain.js', '/web/assets/..%5c..%5cpackage.json']) {
      const res = await client.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.error, path).toBe('route_not_found');
    }
  });

  it('answers a dashboard for a malformed room id with 400, not a page', async () => {
    const { client } = inProcessApp();
    const res = await client.get('/rooms/bad%20id/dashboard');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_id');
  });
});
