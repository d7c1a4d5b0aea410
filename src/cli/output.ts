// How the CLI prints: human text by default, one JSON document (or one per line) with --json,
// and errors as one line on stderr naming the D2 code.
import { isAgentSyncError } from '../client/index.js';

export interface Out {
  json: boolean;
  write(text: string): void;
  error(text: string): void;
}

export const stdio = (json: boolean): Out => ({
  json,
  write: (text) => void process.stdout.write(`${text}\n`),
  error: (text) => void process.stderr.write(`${text}\n`),
});

/** Print `value` as JSON with --json, else as the human text `human` makes of it. */
export function show<T>(out: Out, value: T, human: (value: T) => string): void {
  out.write(out.json ? JSON.stringify(value) : human(value));
}

export const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** The one line an error becomes: `agent-sync: <code>: <message>`. */
export function errorLine(error: unknown): string {
  if (isAgentSyncError(error)) return `agent-sync: ${error.code}: ${error.message}`;
  if (error instanceof Error) return `agent-sync: ${error.message}`;
  return `agent-sync: ${String(error)}`;
}
