// cel-js builds a map literal (`{"k": v}`) as a plain object and silently drops the keys
// `constructor`, `__proto__` and `prototype`; agent-sync's CEL maps are `Map`s (cel-values.ts),
// so compile.ts makes every checked map literal build a Map, keeping every key.

interface Evaluator {
  run(node: unknown, ctx: unknown): unknown;
}

interface MapLiteralNode {
  op: string;
  args: Array<[unknown, unknown]>;
  evaluate?: (ev: Evaluator, ast: MapLiteralNode, ctx: unknown) => unknown;
}

/** Make a checked `map` literal node evaluate to a Map of its entries, in order. */
export function buildMapLiteral(node: MapLiteralNode): void {
  if (node.op !== 'map' || !Array.isArray(node.args)) return;
  node.evaluate = (ev, ast, ctx) => {
    const out = new Map<unknown, unknown>();
    for (const [key, value] of ast.args) out.set(ev.run(key, ctx), ev.run(value, ctx));
    return out;
  };
}
