// The address parser and emitters (§2.1–2.2): a spindle is a decimal number whose point marks the floor.
import { InvalidAddressError } from './errors.js';

export type Digits = number[];

export interface ParsedAddress {
  leftDigits: Digits;
  rightDigits: Digits;
  hadDot: boolean;
}

export interface ParsedSpindle {
  digits: Digits;
  hasStar: boolean;
}

const toDigits = (text: string): Digits => [...text].map(Number);

/** No real address walks this deep; the bound keeps hostile spindles from nesting blocks without end. */
export const MAX_SPINDLE_DIGITS = 256;

/** An input echoed in an error message, cut short when it is huge. */
export const quote = (s: string): string => (s.length > 80 ? `${s.slice(0, 80)}…` : s);

/** Splits a spindle into its digits left and right of the (single) decimal point. */
export function parseAddress(input: string | number): ParsedAddress {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new InvalidAddressError(`"${String(input)}" contains non-digit character "${String(input)[0] ?? ''}"`);
    if (Number.isInteger(input)) return checked(String(input));
    const [left = '', right = ''] = input.toFixed(10).split('.');
    return { ...checked(`${left}.${right.replace(/0+$/, '')}`), hadDot: true };
  }
  return checked(input);
}

function checked(s: string): ParsedAddress {
  const dots = s.split('.').length - 1;
  if (dots > 1) throw new InvalidAddressError(`"${quote(s)}" has multiple decimal points (${dots}); pscale addresses carry at most one (sunstone:1.5)`);
  for (const ch of s) {
    if (ch !== '.' && (ch < '0' || ch > '9')) throw new InvalidAddressError(`"${quote(s)}" contains non-digit character "${ch}"`);
  }
  const [left = '', right = ''] = s.split('.');
  return { leftDigits: toDigits(left), rightDigits: toDigits(right), hadDot: dots === 1 };
}

/** Parses a spindle at a block's floor: one trailing star, strict floor anchor, left padding, trailing zeros stripped. */
export function parseSpindle(spindle: string | number | null | undefined, floor: number): ParsedSpindle {
  if (spindle === null || spindle === undefined || spindle === '') return { digits: [], hasStar: false };
  let text = spindle;
  let hasStar = false;
  if (typeof text === 'string' && text.endsWith('*')) {
    hasStar = true;
    text = text.slice(0, -1);
    if (text === '') return { digits: [], hasStar };
  }
  const { leftDigits, rightDigits, hadDot } = parseAddress(text);
  if (floor >= 1 && hadDot && leftDigits.length > floor) {
    throw new InvalidAddressError(
      `"${quote(String(text))}" has ${leftDigits.length} digits left of decimal; exceeds floor ${floor} (the dot anchors pscale 0 at the floor, so left-of-decimal digits cannot exceed floor depth)`,
    );
  }
  const left = floor > 1 && leftDigits.length < floor ? [...new Array<number>(floor - leftDigits.length).fill(0), ...leftDigits] : leftDigits;
  const digits = [...left, ...rightDigits];
  if (digits.length > MAX_SPINDLE_DIGITS) {
    throw new InvalidAddressError(`"${quote(String(text))}" walks ${digits.length} levels; a spindle walks at most ${MAX_SPINDLE_DIGITS}`);
  }
  while (digits.length > 1 && digits[digits.length - 1] === 0) digits.pop();
  return { digits, hasStar };
}

const stripTrailingZeros = (digits: Digits): Digits => {
  const out = [...digits];
  while (out.length > 1 && out[out.length - 1] === 0) out.pop();
  return out;
};

const stripLeadingZeros = (text: string): string => text.replace(/^0+(?=.)/, '');

/** The reference beach's short label: not injective above the floor (`[1]@3` and `[0,0,1]@3` both give "1"). */
export function formatAddress(digits: Digits, floor: number): string {
  if (digits.length === 0) return '';
  const d = stripTrailingZeros(digits).join('');
  if (floor <= 0) return d;
  if (d.length <= floor) return stripLeadingZeros(d);
  return `${stripLeadingZeros(d.slice(0, floor))}.${d.slice(floor)}`;
}

/** The full-width label: always copyable back into a spindle at the same floor (`[1]@3 → "100"`). */
export function fullWidthAddress(digits: Digits, floor: number): string {
  const d = digits.join('');
  if (floor <= 0) return d;
  if (d.length <= floor) return d.padEnd(floor, '0');
  return `${d.slice(0, floor)}.${d.slice(floor)}`;
}

export type Labeller = (digits: Digits, floor: number) => string;

/** pscale of a node at walk depth d (the root is off-pscale). */
export const pscaleAt = (depth: number, floor: number): number | null => (depth === 0 ? null : floor - depth);
export const depthAt = (pscale: number, floor: number): number => floor - pscale;
