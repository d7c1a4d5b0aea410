#!/usr/bin/env node
// Entry of the `agent-sync` command. Errors become one line naming the D2 code; no stack traces.
import { readFileSync } from 'node:fs';
import { buildProgram, normaliseArgs } from './program.js';
import { errorLine } from './output.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

// The server (and its database driver) loads only for `serve`.
const program = buildProgram(version, async (args) => (await import('../server/main.js')).runServer(args));
program.exitOverride();

try {
  await program.parseAsync(normaliseArgs(process.argv.slice(2), program), { from: 'user' });
} catch (error) {
  const code = (error as { code?: string }).code;
  // commander has printed help, the version or a usage error already.
  if (typeof code === 'string' && code.startsWith('commander.')) process.exit(code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 1);
  process.stderr.write(`${errorLine(error)}\n`);
  process.exit(1);
}
