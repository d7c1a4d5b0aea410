// The operator's commands (D21), run against a data directory — also while a server runs on it —
// or against DATABASE_URL: create and list users, mint a token for a user, list rooms. They open
// the stores directly (server/operator.ts), not the HTTP API, so they work before any user exists.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { stdio, show } from './output.js';

interface OperatorOptions {
  dataDir: string;
  databaseUrl?: string;
  json?: boolean;
}

function seconds(raw: string): number {
  const match = /^(\d{1,9})([smhd]?)$/.exec(raw);
  if (!match) throw new InvalidArgumentError('a number of seconds, or with a unit: 90s, 15m, 12h, 30d.');
  return Number(match[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
}

function storeOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--data-dir <dir>', 'the server\'s data directory').env('DATA_DIR').default('./data'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL instead of a data directory').env('DATABASE_URL'));
}

async function withStores<T>(cmd: Command, fn: (stores: Awaited<ReturnType<typeof open>>) => Promise<T>): Promise<T> {
  const stores = await open(cmd.optsWithGlobals<OperatorOptions>());
  try {
    return await fn(stores);
  } finally {
    await stores.close();
  }
}

async function open(o: OperatorOptions) {
  const { openOperatorStores } = await import('../server/operator.js');
  return openOperatorStores({ dataDir: resolve(o.dataDir), databaseUrl: o.databaseUrl || null });
}

export function addOperatorCommands(program: Command): void {
  const user = program.command('user').description('operator: users of a data directory or DATABASE_URL');
  storeOptions(user.command('create').description('create a user (ends local mode)').argument('<username>'))
    .action(async (username: string, _o, cmd: Command) => {
      const created = await withStores(cmd, (s) => s.identity.createUser(username));
      show(stdio(Boolean(cmd.optsWithGlobals<OperatorOptions>().json)), created, (u) => `${u.id}\t${u.username}`);
    });
  storeOptions(user.command('list').description('list users'))
    .action(async (_o, cmd: Command) => {
      const users = await withStores(cmd, (s) => s.identity.listUsers());
      show(stdio(Boolean(cmd.optsWithGlobals<OperatorOptions>().json)), users, (list) => list.map((u) => `${u.id}\t${u.username}\t${new Date(u.createdAt).toISOString()}`).join('\n'));
    });

  storeOptions(user.command('recovery-code').description('issue a one-time recovery code: the user enters it on /recover to register a passkey (their first, or after losing all)').argument('<user>', 'username or id'))
    .action(async (who: string, _o, cmd: Command) => {
      const created = await withStores(cmd, async (s) => s.recovery.create((await s.identity.user(who)).id));
      show(stdio(Boolean(cmd.optsWithGlobals<OperatorOptions>().json)), created, (c) => `${c.code}\texpires ${c.expires_at}`);
    });

  const token = program.command('token').description('operator: mint tokens for a user');
  storeOptions(token.command('create').description('mint a tok_ token for a user and print it'))
    .requiredOption('--scope <scope>', 'e.g. "rooms:* create_rooms" or "rooms:my-room:agent:alice"')
    .option('--user <user>', 'username or id (default: the only user)')
    .option('--expires-in <time>', 'lifetime: seconds, or 15m, 12h, 30d (default 30d)', seconds)
    .option('--label <label>', 'a label shown in listings')
    .action(async (o: { scope: string; user?: string; expiresIn?: number; label?: string }, cmd: Command) => {
      const minted = await withStores(cmd, async (s) => {
        let who = o.user;
        if (who === undefined) {
          const users = await s.identity.listUsers();
          if (users.length !== 1) throw new Error(users.length === 0 ? 'no user yet: create one with agent-sync user create <name>' : 'several users: name one with --user');
          who = users[0]!.id;
        }
        return s.identity.operatorMint(who, { scope: o.scope, ...(o.expiresIn ? { expires_in: o.expiresIn } : {}), ...(o.label ? { label: o.label } : {}) });
      });
      show(stdio(Boolean(cmd.optsWithGlobals<OperatorOptions>().json)), minted, (m) => m.token);
    });

  const room = program.command('room').description('operator: rooms of a data directory or DATABASE_URL');
  storeOptions(room.command('list').description('list every room, newest first'))
    .action(async (_o, cmd: Command) => {
      const rooms = await withStores(cmd, (s) => s.rooms());
      show(stdio(Boolean(cmd.optsWithGlobals<OperatorOptions>().json)), rooms, (list) => list.map((r) => `${r.id}\t${r.created_at}`).join('\n'));
    });
}
