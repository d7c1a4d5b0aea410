// The `agent-sync` command: `serve` (the server; also what runs when only server flags are
// given) and the client commands. Built on commander.
import { Command } from 'commander';
import { addClientCommands } from './client-commands.js';
import { addConnectionOptions } from './connect.js';
import { addLoginCommands } from './login-commands.js';
import { addOperatorCommands } from './operator-commands.js';

export type ServeFn = (args: string[]) => Promise<void>;

const SERVER_COMMANDS = new Set(['serve']);

export function buildProgram(version: string, serve: ServeFn): Command {
  const program = new Command('agent-sync')
    .description('Coordination substrate for multi-agent systems: rooms, declared actions, CEL conditions, views and waits.')
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (text, write) => write(text) });
  addConnectionOptions(program);
  program
    .command('serve')
    .description('run the server (agent-sync serve --help lists its flags)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[flags...]', 'server flags: --host, --port, --data-dir, …')
    .action(async (flags: string[]) => serve(flags));
  addClientCommands(program);
  addLoginCommands(program);
  addOperatorCommands(program);
  return program;
}

/** `agent-sync --port 9000` (flags, no command) means `agent-sync serve --port 9000`, as before. */
export function normaliseArgs(args: string[], program: Command): string[] {
  const first = args[0];
  if (first === undefined) return ['serve'];
  const known = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
  if (known.has(first) || SERVER_COMMANDS.has(first)) return args;
  if (['-h', '--help', '-V', '--version', 'help'].includes(first)) return args;
  if (first.startsWith('-') && !args.some((a) => known.has(a))) return ['serve', ...args];
  return args;
}
