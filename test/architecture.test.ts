// The layering of ARCHITECTURE.md, enforced: walk every import in src/ and fail on a wrong arrow.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

interface Import {
  from: string;
  specifier: string;
  target: string | null;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const match of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const specifier = match[1] ?? match[2]!;
    const target = specifier.startsWith('.') ? relative(SRC, resolve(dirname(file), specifier)) : null;
    out.push({ from: relative(SRC, file), specifier, target });
  }
  return out;
}

const all = files(SRC).flatMap(importsOf);

interface LayerRule {
  /** Layers (top-level folders of src/) this layer may import. */
  layers: string[];
  /** npm packages it may import (and their subpaths). */
  packages: string[];
  /** Whether it may import node:* modules. */
  node: boolean;
}

// Every top-level folder of src/ is a layer; a new folder is refused until it is given a rule here.
const ANY_PACKAGE = [''];
const LAYERS: Record<string, LayerRule> = {
  protocol: { layers: ['protocol'], packages: ['zod'], node: false },
  core: { layers: ['core', 'protocol'], packages: ['@marcbachmann/cel-js', 're2js'], node: false },
  beach: { layers: ['beach', 'protocol'], packages: ['@noble/hashes', '@noble/curves', '@noble/ciphers', 'hash-wasm'], node: false },
  client: { layers: ['client', 'protocol'], packages: ['eventsource-parser', 'zod'], node: false },
  server: { layers: ['server', 'core', 'beach', 'protocol'], packages: ANY_PACKAGE, node: true },
  web: { layers: ['web', 'client', 'protocol'], packages: ['@simplewebauthn/browser'], node: false },
  cli: { layers: ['cli', 'client', 'protocol', 'server'], packages: ['commander'], node: true },
};
const layer = (path: string) => path.split('/')[0]!;

describe('architecture', () => {
  it('finds the source tree', () => {
    expect(all.length).toBeGreaterThan(50);
  });

  it('gives every top-level folder of src/ a layer', () => {
    const folders = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
    expect(folders.filter((f) => !(f in LAYERS))).toEqual([]);
  });

  it('keeps every layer to the layers and packages it may import', () => {
    const bad = all.filter((i) => {
      const rule = LAYERS[layer(i.from)];
      if (!rule) return true;
      if (i.target === null) return i.specifier.startsWith('node:') ? !rule.node : !rule.packages.some((p) => p === '' || i.specifier === p || i.specifier.startsWith(`${p}/`));
      return !rule.layers.includes(layer(i.target));
    });
    expect(bad).toEqual([]);
  });

  it('keeps protocol free of every other layer and of packages but zod', () => {
    const bad = all.filter((i) => layer(i.from) === 'protocol' && (i.target === null ? i.specifier !== 'zod' : layer(i.target) !== 'protocol'));
    expect(bad).toEqual([]);
  });

  it('keeps the client SDK free of server code and Node modules, so it runs in browsers', () => {
    const bad = all.filter((i) => layer(i.from) === 'client' && (i.specifier.startsWith('node:') || (i.target !== null && !['client', 'protocol'].includes(layer(i.target)))));
    expect(bad).toEqual([]);
  });

  it('keeps core pure: no node modules, no server code, only the CEL and RE2 packages', () => {
    const allowedPackages = new Set(['@marcbachmann/cel-js', 're2js']);
    const bad = all.filter((i) => layer(i.from) === 'core' && (i.target === null ? !allowedPackages.has(i.specifier) : !['core', 'protocol'].includes(layer(i.target))));
    expect(bad).toEqual([]);
  });

  it('keeps core free of clocks, timers, processes and network calls', () => {
    const offenders = files(join(SRC, 'core')).filter((f) => /\bDate\.now\(|\bsetTimeout\(|\bsetInterval\(|\bprocess\.|\bfetch\(|\brequire\(/.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('keeps the beach a layer of its own: beach, protocol and pure crypto packages only; core never imports it', () => {
    const pure = (specifier: string) => ['@noble/hashes/', '@noble/curves/', '@noble/ciphers/'].some((p) => specifier.startsWith(p)) || specifier === 'hash-wasm';
    const fromBeach = all.filter((i) => layer(i.from) === 'beach' && (i.target === null ? !pure(i.specifier) : !['beach', 'protocol'].includes(layer(i.target))));
    const intoBeach = all.filter((i) => layer(i.from) === 'core' && i.target !== null && layer(i.target) === 'beach');
    expect(fromBeach).toEqual([]);
    expect(intoBeach).toEqual([]);
  });

  it('keeps the beach free of clocks, randomness, timers, processes and network calls', () => {
    const offenders = files(join(SRC, 'beach')).filter((f) =>
      /\bDate\.now\(|new Date\(\)|\bMath\.random\(|\bsetTimeout\(|\bsetInterval\(|\bprocess\.|\bfetch\(|\brequire\(/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('keeps transport concepts out of the core: no HTTP statuses, Request/Response or query-string records', () => {
    const transportish = [
      [/\bstatus\s*:\s*[1-5]\d\d\b/, 'an HTTP status'],
      [/\b(Request|Response|Headers|URLSearchParams)\b(?!\w)/, 'a fetch type'],
      [/Record<string,\s*string\s*\|\s*undefined>/, 'a query-string record'],
      [/\bc\.req\b|\bhono\b/i, 'the HTTP framework'],
    ] as const;
    const offenders = files(join(SRC, 'core')).flatMap((f) => {
      const text = readFileSync(f, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      return transportish.filter(([pattern]) => pattern.test(text)).map(([, what]) => `${relative(SRC, f)}: ${what}`);
    });
    expect(offenders).toEqual([]);
  });

  it('chooses every error status in the error catalogue: transports never write a 4xx or 5xx by hand', () => {
    const offenders = files(join(SRC, 'server/http')).filter((f) => /send\(c,\s*[45]\d\d\b|\.json\([^)]*,\s*[45]\d\d\s*\)|HTTP\/1\.1 [45]\d\d/.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('lets only the composition root import storage adapters', () => {
    const bad = all.filter((i) => i.target?.startsWith('server/storage/') && !i.from.startsWith('server/storage/') && i.from !== 'server/app.ts');
    expect(bad).toEqual([]);
  });

  it('keeps transports away from storage and from the composition root', () => {
    const bad = all.filter((i) => i.from.startsWith('server/http/') && (i.target?.startsWith('server/storage/') || i.target === 'server/app.ts'));
    expect(bad).toEqual([]);
  });

  it('confines database drivers to their adapter folders', () => {
    const bad = all.filter((i) => i.specifier === 'better-sqlite3' && !i.from.startsWith('server/storage/sqlite/'));
    expect(bad).toEqual([]);
  });
});
