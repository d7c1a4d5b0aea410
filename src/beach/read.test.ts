// §11.2 read-shape rows (R1–R38) and the §2.6 renderings, as data.
import { describe, expect, it } from 'vitest';
import { COMPASS, F1abs, F2abs, F3, F3abs } from './conformance/fixtures.js';
import { formatAddress } from './address.js';
import { bspRead, type ReadResult } from './read.js';
import { formatRead } from './render.js';

const read = (block: unknown, S: string | null, P: number | null) => bspRead(block, S, P) as any;
const contents = (entries: Array<{ content: string | null }>) => entries.map((e) => e.content);

describe('read shapes on F3 (R1–R19)', () => {
  const rows: Array<{ id: string; S: string | null; P: number | null; expect: (r: any) => void }> = [
    { id: 'R1', S: null, P: null, expect: (r) => expect(r).toEqual({ shape: 'block', floor: 3, block: F3 }) },
    { id: 'R2', S: '100', P: null, expect: (r) => expect(r.entries).toEqual([{ address: '100', depth: 1, pscale: 2, content: 'THORNKEEP' }]) },
    {
      id: 'R3',
      S: '123',
      P: null,
      expect: (r) => {
        expect(r.shape).toBe('path-walk');
        expect(r.entries.map((e: any) => [e.address, e.pscale, e.content])).toEqual([
          ['100', 2, 'THORNKEEP'],
          ['120', 1, 'TAVERN'],
          ['123', 0, 'KITCHEN'],
        ]);
      },
    },
    { id: 'R4', S: '123.4', P: null, expect: (r) => expect(r.entries.at(-1)).toEqual({ address: '123.4', depth: 4, pscale: -1, content: 'HEARTH' }) },
    {
      id: 'R5',
      S: '123.473',
      P: null,
      expect: (r) => {
        expect(contents(r.entries)).toEqual(['THORNKEEP', 'TAVERN', 'KITCHEN', 'HEARTH', 'POT-HOOK', 'IRON CHAIN']);
        expect(r.entries.at(-1)).toMatchObject({ address: '123.473', pscale: -3 });
      },
    },
    {
      id: 'R6',
      S: null,
      P: 0,
      expect: (r) => {
        expect(r).toMatchObject({ shape: 'disc', floor: 3, pscale: 0, target_depth: 3 });
        expect(r.entries.map((e: any) => [e.address, e.content])).toEqual([
          ['000', 'FLOOR TERMINUS'],
          ['008', 'AT-FLOOR-VIA-UNDERSCORE'],
          ['123', 'KITCHEN'],
          ['127', 'COMMON ROOM'],
          ['158', 'FISHMONGER'],
          ['315', 'LAMP ROOM'],
        ]);
      },
    },
    { id: 'R7', S: null, P: -1, expect: (r) => expect(r.entries.map((e: any) => [e.address, e.content])).toEqual([['123.4', 'HEARTH'], ['123.5', 'STOVE']]) },
    { id: 'R8', S: null, P: -2, expect: (r) => expect(contents(r.entries)).toEqual(['BELLOWS', 'ASH PIT', 'POT-HOOK']) },
    { id: 'R9', S: null, P: 2, expect: (r) => expect(r.entries).toEqual([{ address: '100', content: 'THORNKEEP' }, { address: '300', content: 'HEADLAND' }]) },
    { id: 'R10', S: null, P: 3, expect: (r) => expect(r).toMatchObject({ target_depth: 0, entries: [] }) },
    { id: 'R11', S: null, P: -5, expect: (r) => expect(r).toMatchObject({ target_depth: 8, entries: [] }) },
    { id: 'R12', S: '', P: 0, expect: (r) => expect(r).toEqual(read(F3, null, 0)) },
    { id: 'R13', S: '123', P: 1, expect: (r) => expect(r).toEqual({ shape: 'point', floor: 3, spindle: '123', pscale: 1, depth: 2, address: '120', content: 'TAVERN' }) },
    { id: 'R14a', S: '123.4', P: 0, expect: (r) => expect(r.content).toBe('KITCHEN') },
    { id: 'R14b', S: '123.4', P: -1, expect: (r) => expect(r.content).toBe('HEARTH') },
    { id: 'R14c', S: '123.4', P: 2, expect: (r) => expect(r.content).toBe('THORNKEEP') },
    {
      id: 'R15',
      S: '1',
      P: 3,
      expect: (r) => expect(r).toEqual({ shape: 'point', floor: 3, spindle: '1', pscale: 3, content: null, note: 'pscale 3 is off the spindle (depth 0)' }),
    },
    {
      id: 'R16',
      S: '123',
      P: -1,
      expect: (r) => {
        expect(r.shape).toBe('path-walk+descent');
        expect([r.path_walk.length, r.descent.length]).toEqual([3, 2]);
        expect(contents(r.descent)).toEqual(['HEARTH', 'STOVE']);
      },
    },
    {
      id: 'R17',
      S: '123',
      P: -2,
      expect: (r) => {
        expect(contents(r.descent)).toEqual(['HEARTH', 'STOVE', 'BELLOWS', 'ASH PIT', 'POT-HOOK']);
        expect(r.descent[2]).toEqual({ address: '123.41', depth: 5, pscale: -2, content: 'BELLOWS' });
      },
    },
    {
      id: 'R18',
      S: '12345',
      P: null,
      expect: (r) => {
        expect(r.entries).toHaveLength(5);
        expect(r.entries[4]).toEqual({ address: '123.45', depth: 5, pscale: -2, content: null });
      },
    },
  ];
  it.each(rows)('$id', ({ S, P, expect: check }) => check(read(F3, S, P)));

  it.each([
    ['1.2.3', 'multiple decimal points'],
    ['1a2', 'non-digit'],
    ['1234.5', 'exceeds floor 3'],
  ])('R19: %s is refused (%s)', (S, message) => {
    expect(() => read(F3, S, null)).toThrow(message);
  });

  it('a short address at floor 3 reaches the ladder, not branch 1', () => {
    expect(read(F3, '1', null).entries.map((e: any) => [e.address, e.content])).toEqual([
      ['000', 'FLOOR TERMINUS'],
      ['000', 'FLOOR TERMINUS'],
      ['001', null],
    ]);
  });

  it('star on the root rung: "0*" reads the outer rung as a floor-1 block', () => {
    const r = read(F3, '0*', null);
    expect(r).toMatchObject({ shape: 'star', semantic: 'FLOOR TERMINUS', inner: { shape: 'block', floor: 1 } });
    expect(read(F3, '0*', 0).inner.entries).toEqual([
      { address: '0', content: 'FLOOR TERMINUS' },
      { address: '8', content: 'AT-FLOOR-VIA-UNDERSCORE' },
    ]);
  });

  it('beach labels can use the reference short form', () => {
    const r = bspRead(F3, null, 0, { label: formatAddress }) as any;
    expect(r.entries.map((e: any) => e.address)).toEqual(['0', '8', '123', '127', '158', '315']);
  });
});

describe('compass rows (R20–R28, our own teaching-shaped fixture)', () => {
  it('R20–R21: path-walks at floor 1', () => {
    expect(read(COMPASS, '5', null).entries).toEqual([{ address: '5', depth: 1, pscale: 0, content: 'As composition: blocks refer to blocks.' }]);
    for (const S of ['55', '71', '91']) expect(read(COMPASS, S, null).entries.map((e: any) => e.pscale)).toEqual([0, -1]);
  });
  it('R22: the floor disc has the terminus and nine branch semantics', () => {
    const r = read(COMPASS, null, 0);
    expect(r.entries).toHaveLength(10);
    expect(r.entries[0]).toEqual({ address: '0', content: 'Compass: a teaching block of nine bearings.' });
  });
  it('R23: path-walk plus one layer of descent', () => {
    const r = read(COMPASS, '5', -1);
    expect(r.descent.map((e: any) => e.address)).toEqual(['5.1', '5.5']);
  });
  it('R24: star into a hidden directory', () => {
    expect(read(COMPASS, '7*', null)).toEqual({
      shape: 'star',
      floor: 1,
      spindle: '7*',
      semantic: 'As reflexive: the block reads itself.',
      inner: { shape: 'block', floor: 1, block: COMPASS[7]._ },
    });
  });
  it('R25: a string underscore has no directory', () => {
    expect(read(COMPASS, '9*', null)).toMatchObject({ semantic: 'As design: the shape teaches.', inner: null });
  });
  it('R26–R28: star with an inner spindle and attention', () => {
    expect(read(COMPASS, '7*4', null).inner).toMatchObject({ shape: 'path-walk', entries: [{ content: '7.1' }] });
    expect(read(COMPASS, '7*', 0).inner.entries.map((e: any) => e.address)).toEqual(['0', '1', '2', '3', '4']);
    expect(read(COMPASS, '5*1', 0).inner).toMatchObject({ shape: 'point', content: '2' });
  });
  it('a second star is refused', () => {
    expect(() => read(COMPASS, '7*1*', null)).toThrow('"7*1*": star operator appears more than once');
  });
});

describe('absorption and growth (R29–R38)', () => {
  const fixtures = [F1abs, F2abs, F3abs];
  it.each([0, 1, 2])('R29–R31 at floor %i+1: same content and pscale', (i) => {
    const block = fixtures[i];
    expect(read(block, '1', 0)).toMatchObject({ shape: 'point', pscale: 0, content: 'POSITION ONE', depth: i + 1 });
    expect(read(block, '9.1', -1)).toMatchObject({ content: 'POSITION NINE-ONE', depth: i + 2 });
    expect(contents(read(block, null, 0).entries)).toEqual(['FLOOR', 'POSITION ONE', 'POSITION FIVE', 'POSITION NINE']);
  });
  it('R32: F3abs "1" walks two ladder entries then the entry', () => {
    expect(contents(read(F3abs, '1', null).entries)).toEqual(['FLOOR', 'FLOOR', 'POSITION ONE']);
  });
  it('R33–R34: subnest keeps the semantic at 1 and opens 1.1', () => {
    expect(contents(read({ _: 'A leaf root', 1: 'A leaf at digit 1' }, '1.1', null).entries)).toEqual(['A leaf at digit 1', null]);
    const after = { _: 'A leaf root', 1: { _: 'A leaf at digit 1', 1: 'Deeper at 1.1' } };
    expect(contents(read(after, '1', null).entries)).toEqual(['A leaf at digit 1']);
    expect(contents(read(after, '1.1', null).entries)).toEqual(['A leaf at digit 1', 'Deeper at 1.1']);
  });
  it('R35–R36: after a supernest', () => {
    const superAfter = { _: { _: 'FLOOR TERMINUS', 1: 'POSITION at 1', 5: 'POSITION at 5' } };
    expect(read(superAfter, '1', null).entries.map((e: any) => [e.pscale, e.content])).toEqual([
      [1, 'FLOOR TERMINUS'],
      [0, 'POSITION at 1'],
    ]);
    expect(contents(read(superAfter, null, 0).entries)).toEqual(['FLOOR TERMINUS', 'POSITION at 1', 'POSITION at 5']);
  });
  it('R37: dotted vs dot-free at floor 1', () => {
    const f1 = { _: 'F1 root', 3: { 4: { 5: 'F1 leaf' } } };
    expect(() => read(f1, '34.5', null)).toThrow('exceeds floor 1');
    expect(read(f1, '345', null).entries.at(-1).content).toBe('F1 leaf');
  });
  it('R38: pscale labels are floor − depth', () => {
    const f = { _: { _: { _: 'x' } }, 3: { _: 'three', 4: 'three-four' } };
    expect(read(f, '345', null).entries.map((e: any) => [e.pscale, e.content])).toEqual([
      [2, 'three'],
      [1, 'three-four'],
      [0, null],
    ]);
  });
});

describe('text rendering (§2.5, §2.6)', () => {
  const text = (S: string | null, P: number | null) => formatRead(read(F3, S, P) as ReadResult);
  it('path-walk', () => {
    expect(text('123', null)).toBe('[path-walk @ "123"]\n  d1 p2 [100]: THORNKEEP\n  d2 p1 [120]: TAVERN\n  d3 p0 [123]: KITCHEN');
  });
  it('disc', () => {
    expect(text(null, 2)).toBe('[disc @ pscale 2 (depth 1)]\n  [100]: THORNKEEP\n  [300]: HEADLAND');
  });
  it('point on and off the spindle', () => {
    expect(text('123', 1)).toBe('[point @ pscale 1 depth 2 [120]]\n  TAVERN');
    expect(text('1', 3)).toBe('[point @ pscale 3] pscale 3 is off the spindle (depth 0)');
  });
  it('descent', () => {
    expect(text('123', -2)).toBe(
      [
        '[path-walk+descent @ "123" pscale -2]',
        '  path-walk:',
        '    d1 p2 [100]: THORNKEEP',
        '    d2 p1 [120]: TAVERN',
        '    d3 p0 [123]: KITCHEN',
        '  descent:',
        '    d4 p-1 [123.4]: HEARTH',
        '    d4 p-1 [123.5]: STOVE',
        '    d5 p-2 [123.41]: BELLOWS',
        '    d5 p-2 [123.42]: ASH PIT',
        '    d5 p-2 [123.47]: POT-HOOK',
      ].join('\n'),
    );
  });
  it('star, null content and truncation', () => {
    expect(formatRead(read(COMPASS, '9*', null))).toBe('[star @ "9*"]\n  semantic: As design: the shape teaches.\n  (no hidden directory)');
    expect(formatRead(read(COMPASS, '7*4', null))).toBe(
      '[star @ "7*4"]\n  semantic: As reflexive: the block reads itself.\n  inner shape: path-walk\n    [path-walk @ "4"]\n      d1 p0 [4]: 7.1',
    );
    expect(text('12345', null).split('\n').at(-1)).toBe('  d5 p-2 [123.45]: (no content)');
    const long = 'x'.repeat(200);
    const lines = formatRead(read({ _: 'r', 1: { _: long, 1: long } }, '11', null)).split('\n');
    expect(lines[1]).toBe(`  d1 p0 [1]: ${'x'.repeat(150)}...`);
    expect(lines[2]).toBe(`  d2 p-1 [1.1]: ${long}`);
  });
});
