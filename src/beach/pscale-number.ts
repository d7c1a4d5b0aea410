// Helpers over full-width addresses written as text ("3200", "111.1"): floor, walk, pscale, ancestors.

function split(address: string): { left: string; right: string; hadDot: boolean } {
  const [left = '', right = ''] = address.split('.');
  return { left, right, hadDot: address.includes('.') };
}

/** The floor a full-width address was written at: its digits left of the point (all of them without a point). */
export function floorOf(address: string): number {
  return split(address).left.length;
}

/** The digits actually walked: both sides, trailing zeros (padding) removed. */
export function walkedOf(address: string): string {
  const { left, right } = split(address);
  return `${left}${right}`.replace(/0+$/, '');
}

/** pscale of the addressed position: floor minus walked length. */
export function pscaleOf(address: string): number {
  return floorOf(address) - walkedOf(address).length;
}

/** The coarser positions containing this one, nearest first ("3241" → 3240, 3200, 3000). */
export function ancestorsOf(address: string): string[] {
  const floor = floorOf(address);
  const walked = walkedOf(address);
  const out: string[] = [];
  for (let k = walked.length - 1; k >= 1; k -= 1) {
    const prefix = walked.slice(0, k);
    out.push(prefix.length <= floor ? prefix.padEnd(floor, '0') : `${prefix.slice(0, floor)}.${prefix.slice(floor)}`);
  }
  return out;
}
