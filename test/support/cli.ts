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
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--conditions=agent-sync-source', '--import', 'tsx', resolve(ROOT, script), ...args], {
      cwd: ROOT,
      env: { ...process.env, AGENT_SYNC_URL: '', AGENT_SYNC_TOKEN: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${script} ${args.join(' ')} did not finish:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

export const cli = (args: string[], env: Record<string, string> = {}) => runNode('src/cli/main.ts', args, env);
