// Run the agent-sync CLI (from source, through tsx) as a real process and collect its output.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
/** The command line that runs the CLI from source, for shells and tmux panes. */
export const CLI_COMMAND = `${process.execPath} --conditions=agent-sync-source --import tsx ${resolve(ROOT, 'src/cli/main.ts')}`;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a node script (a CLI entry or an example) to its end. */
export function runNode(script: string, args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<Run> {
  const running = startNode(script, args, env);
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      running.kill();
      fail(new Error(`${script} ${args.join(' ')} did not finish:\n${running.stdout()}\n${running.stderr()}`));
    }, timeoutMs);
    void running.exited.then((run) => {
      clearTimeout(timer);
      done(run);
    });
  });
}

export const cli = (args: string[], env: Record<string, string> = {}) => runNode('src/cli/main.ts', args, env);

export interface RunningCli {
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the whole run once the process exits. */
  exited: Promise<Run>;
  /** Wait until stderr matches (a prompt the CLI prints while it waits); rejects if it exits first. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

/** Start the CLI (from source) and keep it running: for commands that print something, then wait. */
export const startCli = (args: string[], env: Record<string, string> = {}) => startNode('src/cli/main.ts', args, env);

/** Start a node script (from source, through tsx) and collect its output as it comes. */
export function startNode(script: string, args: string[], env: Record<string, string> = {}): RunningCli & { kill(): void } {
  const child = spawn(process.execPath, ['--conditions=agent-sync-source', '--import', 'tsx', resolve(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, AGENT_SYNC_URL: '', AGENT_SYNC_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Run>((done) => child.once('close', (code) => done({ code, stdout, stderr })));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    kill: () => void child.kill('SIGKILL'),
    waitForStderr(pattern, timeoutMs = 30_000) {
      return new Promise((found, fail) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          fail(new Error(`the CLI never printed ${pattern}:\n${stdout}\n${stderr}`));
        }, timeoutMs);
        const check = () => {
          const match = pattern.exec(stderr);
          if (match) {
            clearTimeout(timer);
            child.stderr.off('data', check);
            found(match);
          }
        };
        child.stderr.on('data', check);
        void exited.then(() => {
          clearTimeout(timer);
          const match = pattern.exec(stderr);
          if (match) found(match);
          else fail(new Error(`the CLI exited before printing ${pattern}:\n${stdout}\n${stderr}`));
        });
        check();
      });
    },
  };
}
