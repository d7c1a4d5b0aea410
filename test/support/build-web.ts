// Global set-up of the default test project: build the web pages (src/web → dist/web) once, before
// any browser test opens them. Built per file instead, one file's build would empty dist/web under
// another file's open pages when files run in parallel.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function setup(): void {
  const root = resolve(import.meta.dirname, '../..');
  execFileSync(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', resolve(root, 'vite.config.ts')], { cwd: root, stdio: 'pipe' });
}
