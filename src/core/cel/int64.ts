// CEL ints are int64 and every overflow is an error (cel-spec). cel-js checks `+`, `-` and `*`
// but lets four cases through: `MIN / -1` and `-MIN` yield 2^63, `MIN % -1` yields 0 where
// CEL says overflow, and `int(double)` accepts doubles outside the int64 range. compile.ts calls
// guardInt64 on every checked node; it wraps the handler cel-js chose so these raise
// `numeric_overflow` like the other overflows.
import { EvaluationError } from '@marcbachmann/cel-js';

const MIN_INT = -(2n ** 63n);
const TWO_63 = 2 ** 63;

type Handler = (...args: unknown[]) => unknown;
interface CheckedNode {
  op: string;
  args: unknown;
  handle?: Handler;
}

function overflow(node: object, detail: string): EvaluationError {
  return new EvaluationError({ code: 'numeric_overflow', message: `integer overflow: ${detail}`, node } as never);
}

/** Wrap the handler of a checked `/`, `%`, unary `-` or `int()` node with CEL's int64 overflow check. */
export function guardInt64(node: CheckedNode): void {
  const original = node.handle;
  if (typeof original !== 'function') return;
  if (node.op === '/' || node.op === '%') {
    node.handle = (left, right, ...rest) => {
      if (left === MIN_INT && right === -1n) throw overflow(node, `${MIN_INT} ${node.op} -1`);
      return original(left, right, ...rest);
    };
  } else if (node.op === '-_') {
    node.handle = (value, ...rest) => {
      if (value === MIN_INT) throw overflow(node, `-(${MIN_INT})`);
      return original(value, ...rest);
    };
  } else if (node.op === 'call' && Array.isArray(node.args) && node.args[0] === 'int') {
    node.handle = (args, ...rest) => {
      const value = (args as unknown[])[0];
      if (typeof value === 'number' && (value <= -TWO_63 || value >= TWO_63)) throw overflow(node, `int(${value})`);
      return original(args, ...rest);
    };
  }
}
