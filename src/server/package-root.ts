// Where agent-sync's own files are: the folder of its package.json, found upwards from the running
// file (src/ under tsx, dist/ when built, or a benchmark build).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: { root: string; version: string } | null | undefined;

function locate(): { root: string; version: string } | null {
  if (found !== undefined) return found;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'agent-sync' && typeof pkg.version === 'string') return (found = { root: dir, version: pkg.version });
    } catch {
      // no package.json here: keep looking upwards
    }
    if (dirname(dir) === dir) return (found = null);
  }
}

/** The package's folder, or null when it cannot be found. */
export const packageRoot = (): string | null => locate()?.root ?? null;

/** The version in package.json, or `unknown`. */
export const packageVersion = (): string => locate()?.version ?? 'unknown';
