// `npm start`: run the built server (dist/) in this process, building it first only when dist/
// is missing or older than the sources, so a start takes a fraction of a second and SIGTERM
// reaches the server itself (package.json starts this script with `exec`, so no shell sits between).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|html|css)$/.test(entry.name) && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function stale() {
  if (!existsSync(stamp)) return true;
  const inputs = Math.max(newestSource(join(root, 'src')), ...['package.json', 'tsconfig.json', 'tsconfig.build.json', 'vite.config.ts'].map((f) => statSync(join(root, f)).mtimeMs));
  return inputs > statSync(stamp).mtimeMs;
}

if (stale()) {
  process.stderr.write('agent-sync: building dist/ (the sources changed since the last build)\n');
  const resolveBin = (path) => createRequire(import.meta.url).resolve(path);
  const steps = [
    [resolveBin('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
    [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'vite.config.ts')],
  ];
  let built = { status: 0 };
  for (const args of steps) if (built.status === 0) built = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) {
    process.stderr.write('agent-sync: the build failed (see above)\n');
    process.exit(1);
  }
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

const { runServer } = await import(pathToFileURL(join(root, 'dist', 'server', 'main.js')).href);
await runServer(process.argv.slice(2));
