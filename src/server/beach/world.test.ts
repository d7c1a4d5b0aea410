// §6.5 per request, as data: which world (and so which origin) a request addresses.
import { describe, expect, it } from 'vitest';
import { chooseWorld, worldKey, worldOrigin, type WorldRequest } from './world.js';

const BASE = 'beach.example.com';

describe('chooseWorld (bsp-beach §6.5)', () => {
  const rows: Array<[string, WorldRequest, string]> = [
    ['no world, no host', {}, 'beach.example.com'],
    ['the base host', { host: 'beach.example.com' }, 'beach.example.com'],
    ['the base host, port and case ignored', { host: 'Beach.Example.COM:8443' }, 'beach.example.com'],
    ['a path world route', { pathLabel: 'drum' }, 'beach.example.com/w/drum'],
    ['a path world route, lowercased', { pathLabel: 'Drum' }, 'beach.example.com/w/drum'],
    ['?world=, trimmed and lowercased', { query: '  Thornwood ' }, 'beach.example.com/w/thornwood'],
    ['an empty ?world= is no world', { query: '  ' }, 'beach.example.com'],
    ['a subdomain world', { host: 'thornwood.beach.example.com' }, 'thornwood.beach.example.com'],
    ['a nested subdomain world', { host: 'a.b.beach.example.com:443' }, 'a.b.beach.example.com'],
    ['a path world wins over a subdomain', { pathLabel: 'drum', host: 'thornwood.beach.example.com' }, 'beach.example.com/w/drum'],
    ['the route wins over ?world=', { pathLabel: 'drum', query: 'other' }, 'beach.example.com/w/drum'],
    ['another host (a preview host) is the base', { host: 'preview-123.vercel.test' }, 'beach.example.com'],
    ['an IP is the base', { host: '10.0.0.7:8787' }, 'beach.example.com'],
    ['a host merely ending in the base name is the base', { host: 'evilbeach.example.com' }, 'beach.example.com'],
    ['an IPv6 host is the base', { host: '[::1]:8787' }, 'beach.example.com'],
    ['constructor is an ordinary world', { pathLabel: 'constructor' }, 'beach.example.com/w/constructor'],
    // The spec's label pattern (§6.3) admits 64 characters, one more than DNS; we follow the spec.
    ['a 64-character label', { query: 'a'.repeat(64) }, `beach.example.com/w/${'a'.repeat(64)}`],
  ];
  it.each(rows)('%s', (_name, request, origin) => {
    const choice = chooseWorld(request, BASE);
    if (!('world' in choice)) throw new Error(choice.refused);
    expect(worldOrigin(choice.world, BASE)).toBe(origin);
  });

  const refused: Array<[string, WorldRequest]> = [
    ['__proto__', { pathLabel: '__proto__' }],
    ['..', { pathLabel: '..' }],
    ['an encoded slash, decoded by the router', { pathLabel: 'a/b' }],
    ['a leading hyphen', { query: '-bad-' }],
    ['65 characters', { query: 'a'.repeat(65) }],
    ['a dot', { query: 'a.b' }],
    ['non-ASCII', { query: 'drüm' }],
    ['a NUL', { query: 'a\u0000' }],
    ['an underscore subdomain', { host: 'bad_label.beach.example.com' }],
    ['an empty subdomain label', { host: 'a..beach.example.com' }],
    ['a subdomain over 200 characters', { host: `${'a.'.repeat(101)}beach.example.com` }],
  ];
  it.each(refused)('refuses %s', (_name, request) => {
    expect(chooseWorld(request, BASE)).toEqual({ refused: expect.stringMatching(/world/) });
  });

  it('a base origin with a port keeps it in every world (the lock salt of §4.3)', () => {
    const base = 'localhost:8787';
    const origin = (request: WorldRequest) => {
      const choice = chooseWorld(request, base);
      return 'world' in choice ? worldOrigin(choice.world, base) : choice.refused;
    };
    expect(origin({ host: 'localhost:8787' })).toBe('localhost:8787');
    expect(origin({ host: 'drum.localhost:8787' })).toBe('drum.localhost:8787');
    expect(origin({ query: 'drum' })).toBe('localhost:8787/w/drum');
  });

  it('storage keys: distinct per world, none for the base beach', () => {
    expect(worldKey({ kind: 'base' })).toBe('');
    expect(worldKey({ kind: 'path', label: 'drum' })).toBe('w/drum');
    expect(worldKey({ kind: 'subdomain', sub: 'drum' })).toBe('drum');
    // A subdomain can never hold a slash, so `w/<label>` is a path world's alone.
    expect(chooseWorld({ host: 'w.drum.beach.example.com' }, BASE)).toEqual({ world: { kind: 'subdomain', sub: 'w.drum' } });
  });
});
