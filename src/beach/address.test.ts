// §11.1 parser and emitter rows (P1–P17) and the §2.1 canonicalisation table, as data.
import { describe, expect, it } from 'vitest';
import { formatAddress, fullWidthAddress, parseAddress, parseSpindle } from './address.js';
import { ancestorsOf, floorOf, pscaleOf, walkedOf } from './pscale-number.js';

const canonical: Array<[string, number, number[] | string]> = [
  ['34.5', 2, [3, 4, 5]],
  ['34.5', 3, [0, 3, 4, 5]],
  ['34.5', 4, [0, 0, 3, 4, 5]],
  ['034.5', 3, [0, 3, 4, 5]],
  ['0345', 3, [0, 3, 4, 5]],
  ['1', 1, [1]],
  ['1', 3, [0, 0, 1]],
  ['100', 3, [1]],
  ['100', 1, [1]],
  ['120', 3, [1, 2]],
  ['123.4', 3, [1, 2, 3, 4]],
  ['9.1', 3, [0, 0, 9, 1]],
  ['5*', 1, [5]],
  ['34.5', 1, 'exceeds floor 1'],
  ['1234.5', 3, 'exceeds floor 3'],
  ['1.2.3', 2, 'multiple decimal points'],
  ['1a2', 2, 'non-digit character "a"'],
  ['34.5', 0, [3, 4, 5]],
  // P6–P12
  ['34.5', 4, [0, 0, 3, 4, 5]],
  ['123.45', 2, 'has 3 digits left of decimal; exceeds floor 2'],
  ['34.5*', 2, [3, 4, 5]],
];

describe('parseSpindle (§2.1 table, P6–P12)', () => {
  it.each(canonical)('%s at floor %i', (input, floor, expected) => {
    if (typeof expected === 'string') expect(() => parseSpindle(input, floor)).toThrow(expected);
    else expect(parseSpindle(input, floor).digits).toEqual(expected);
  });

  it('P9: the exceeds-floor message names the digit count and the floor', () => {
    expect(() => parseSpindle('34.5', 1)).toThrow('"34.5" has 2 digits left of decimal; exceeds floor 1 (the dot anchors pscale 0 at the floor');
  });

  it('P12–P13: star and empty spindles', () => {
    expect(parseSpindle('34.5*', 2)).toEqual({ digits: [3, 4, 5], hasStar: true });
    expect(parseSpindle('*', 1)).toEqual({ digits: [], hasStar: true });
    expect(parseSpindle('', 1)).toEqual({ digits: [], hasStar: false });
    expect(parseSpindle(null, 1)).toEqual({ digits: [], hasStar: false });
  });

  it('an infix star is not a spindle', () => {
    expect(() => parseSpindle('7*4', 1)).toThrow('non-digit character "*"');
  });

  it('the trap: at floor ≥ 2 "1" and "100" are different positions', () => {
    expect(parseSpindle('1', 3).digits).toEqual([0, 0, 1]);
    expect(parseSpindle('100', 3).digits).toEqual([1]);
    expect(parseSpindle('1.11', 1).digits).toEqual([1, 1, 1]);
  });
});

describe('parseAddress (P1–P5)', () => {
  const rows: Array<[string | number, { leftDigits: number[]; rightDigits: number[]; hadDot: boolean } | string]> = [
    ['34.5', { leftDigits: [3, 4], rightDigits: [5], hadDot: true }],
    ['034.5', { leftDigits: [0, 3, 4], rightDigits: [5], hadDot: true }],
    [34.5, { leftDigits: [3, 4], rightDigits: [5], hadDot: true }],
    [345, { leftDigits: [3, 4, 5], rightDigits: [], hadDot: false }],
    ['1..2', 'multiple decimal points'],
    ['1.2.3', '"1.2.3" has multiple decimal points (2); pscale addresses carry at most one (sunstone:1.5)'],
    ['1-2', 'non-digit character'],
    ['a.5', '"a.5" contains non-digit character "a"'],
  ];
  it.each(rows)('%s', (input, expected) => {
    if (typeof expected === 'string') expect(() => parseAddress(input)).toThrow(expected);
    else expect(parseAddress(input)).toEqual(expected);
  });
});

describe('emitters (P14–P16)', () => {
  const short: Array<[number[], number, string]> = [
    [[1, 2, 3], 1, '1.23'],
    [[3, 4, 5], 2, '34.5'],
    [[0, 3, 4, 5], 3, '34.5'],
    [[1, 0, 0], 1, '1'],
    [[0, 0, 1], 3, '1'],
    [[0], 1, '0'],
    [[], 1, ''],
    [[1, 2], 2, '12'],
    [[0, 1], 2, '1'],
  ];
  it.each(short)('formatAddress(%j, %i) = %s', (digits, floor, label) => {
    expect(formatAddress(digits, floor)).toBe(label);
  });

  const full: Array<[number[], number, string]> = [
    [[1], 3, '100'],
    [[1, 2], 3, '120'],
    [[1, 2, 1], 3, '121'],
    [[1, 2, 1, 2], 3, '121.2'],
    [[0, 0, 1], 3, '001'],
    [[0, 0, 0], 3, '000'],
    [[0, 0, 8], 3, '008'],
    [[1, 2, 3, 4], 3, '123.4'],
    [[3, 4, 5], 1, '3.45'],
  ];
  it.each(full)('fullWidthAddress(%j, %i) = %s', (digits, floor, label) => {
    expect(fullWidthAddress(digits, floor)).toBe(label);
  });

  const roundTrips: Array<[number[], number]> = [
    [[3, 4, 5], 2],
    [[0, 3, 4, 5], 3],
    [[0, 0, 3, 4, 5], 4],
    [[1, 2, 3], 1],
    [[0, 1, 2, 3], 2],
    [[1], 1],
    [[0, 0, 1], 3],
  ];
  it.each(roundTrips)('P15: %j at floor %i round-trips through both labels', (digits, floor) => {
    expect(parseSpindle(formatAddress(digits, floor), floor).digits).toEqual(digits);
    expect(parseSpindle(fullWidthAddress(digits, floor), floor).digits).toEqual(digits);
  });

  it('full-width labels stay injective where the short form is not', () => {
    expect(formatAddress([1], 3)).toBe(formatAddress([0, 0, 1], 3));
    expect(fullWidthAddress([1], 3)).not.toBe(fullWidthAddress([0, 0, 1], 3));
  });
});

describe('P17: full-width address helpers', () => {
  it('floor, walk, pscale and ancestors', () => {
    expect([floorOf('3200'), floorOf('111.1')]).toEqual([4, 3]);
    expect([walkedOf('3200'), walkedOf('111.1')]).toEqual(['32', '1111']);
    expect([pscaleOf('3200'), pscaleOf('111.1')]).toEqual([2, -1]);
    expect(ancestorsOf('3241')).toEqual(['3240', '3200', '3000']);
  });
});
