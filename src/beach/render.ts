// Text rendering of read results and write acknowledgements (§2.5), as the bsp tool prints them.
import type { ReadResult, WalkEntry } from './read.js';

const truncate = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}...` : text);

function walkLines(entries: WalkEntry[], indent: string): string[] {
  return entries.map((e, i) => {
    const terminus = i === entries.length - 1;
    const content = e.content === null ? '(no content)' : terminus ? e.content : truncate(e.content, 150);
    return `${indent}d${e.depth} p${e.pscale} [${e.address}]: ${content}`;
  });
}

/** Renders a read result as the tool's text. */
export function formatRead(result: ReadResult): string {
  switch (result.shape) {
    case 'block':
      return `[whole block]\n${JSON.stringify(result.block, null, 2)}`;
    case 'path-walk':
      return [`[path-walk @ "${result.spindle}"]`, ...walkLines(result.entries, '  ')].join('\n');
    case 'disc':
      return [
        `[disc @ pscale ${result.pscale} (depth ${result.target_depth})]`,
        ...result.entries.map((e) => `  [${e.address}]: ${e.content === null ? '(no content)' : truncate(e.content, 150)}`),
      ].join('\n');
    case 'point':
      if ('note' in result) return `[point @ pscale ${result.pscale}] ${result.note}`;
      return `[point @ pscale ${result.pscale} depth ${result.depth} [${result.address}]]\n  ${result.content ?? '(no content)'}`;
    case 'path-walk+descent':
      return [
        `[path-walk+descent @ "${result.spindle}" pscale ${result.pscale}]`,
        '  path-walk:',
        ...walkLines(result.path_walk, '    '),
        '  descent:',
        ...result.descent.map((e) => `    d${e.depth} p${e.pscale} [${e.address}]: ${e.content === null ? '' : truncate(e.content, 150)}`),
      ].join('\n');
    case 'star': {
      const lines = [`[star @ "${result.spindle}"]`, `  semantic: ${result.semantic === null ? '(no content)' : truncate(result.semantic, 200)}`];
      if (result.inner === null) lines.push('  (no hidden directory)');
      else {
        lines.push(`  inner shape: ${result.inner.shape}`);
        lines.push(...formatRead(result.inner).split('\n').map((line) => `    ${line}`));
      }
      return lines.join('\n');
    }
  }
}

export function formatReadError(message: string): string {
  return `[error] ${message}`;
}

/** The write acknowledgement: `[wrote <shape> @ "<spindle>"( pscale P)]` and an optional warning line. */
export function formatWrite(write: { shape: string; spindle: string; pscale?: number | null; warning?: string }): string {
  const pscale = write.pscale === null || write.pscale === undefined ? '' : ` pscale ${write.pscale}`;
  const head = `[wrote ${write.shape} @ "${write.spindle}"${pscale}]`;
  return write.warning ? `${head}\n[warning] ${write.warning}` : head;
}
