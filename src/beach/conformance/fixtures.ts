// Test fixtures of bsp-beach.md §2.6–2.7 and §11.2, plus `compass`: a block of our own with the
// shape the R20–R28 rows need (nine branches, hidden directories at 5 and 7, a string `_` at 9).

export const F3 = {
  _: { _: { _: 'FLOOR TERMINUS', 8: 'AT-FLOOR-VIA-UNDERSCORE' } },
  1: {
    _: 'THORNKEEP',
    2: {
      _: 'TAVERN',
      3: { _: 'KITCHEN', 4: { _: 'HEARTH', 1: 'BELLOWS', 2: 'ASH PIT', 7: { _: 'POT-HOOK', 3: 'IRON CHAIN' } }, 5: 'STOVE' },
      7: 'COMMON ROOM',
    },
    5: { _: 'HARBOUR', 8: 'FISHMONGER' },
  },
  3: { _: 'HEADLAND', 1: { _: 'LIGHTHOUSE', 5: 'LAMP ROOM' } },
};

export const F1abs = { _: 'FLOOR', 1: 'POSITION ONE', 5: 'POSITION FIVE', 9: { _: 'POSITION NINE', 1: 'POSITION NINE-ONE' } };
export const F2abs = { _: F1abs };
export const F3abs = { _: { _: F1abs } };

const branch = (text: string, children: Record<string, unknown> = {}) => ({ _: text, ...children });

export const COMPASS = {
  _: 'Compass: a teaching block of nine bearings.',
  1: branch('As origin: where a walk begins.', { 1: 'origin detail' }),
  2: branch('As spine: keys are only _ and 1-9.'),
  3: branch('As floor: the point anchors pscale 0.'),
  4: branch('As aperture: pscale picks the ring.'),
  5: {
    _: { _: 'As composition: blocks refer to blocks.', 1: '2', 2: 'whetstone:3' },
    1: 'compose by reference',
    5: 'five-five',
  },
  6: branch('As growth: subnest and supernest.'),
  7: { _: { _: 'As reflexive: the block reads itself.', 1: '1.1', 2: '2.1', 3: '5.3', 4: '7.1' }, 1: 'seven-one' },
  8: branch('As lock: a latch of authorship.'),
  9: { _: 'As design: the shape teaches.', 1: 'nine-one' },
};
