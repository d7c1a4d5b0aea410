// Which parts of a room an expression reads, extracted from its CEL AST. Pure.
// Used to wake only the waiters (and recompute only the derived values) that a change can affect.

/**
 * A dependency path, encoded as a string so sets of them are cheap:
 *  `s:<scope>\u0000<key>` one state key   `S:<scope>` a whole scope   `S*` all state
 *  `v:<id>` one view   `v*` all views   `a:<id>` one agent   `a*` all agents
 *  `A*` actions   `m` message counters   `*` anything (an expression we cannot analyse)
 * The scope `self` stands for the reader's own scope and is resolved per reader.
 */
export type Dep = string;

export const ANY: Dep = '*';

/** The expression reads the `self` variable: its value differs per reader. */
export const SELF: Dep = '@self';

export function stateKeyDep(scope: string, key: string): Dep {
  return `s:${scope}\u0000${key}`;
}

export function scopeDep(scope: string): Dep {
  return `S:${scope}`;
}

interface AstNode {
  op: string;
  args: unknown;
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).op === 'string';
}

const ROOTS = new Set(['state', 'views', 'agents', 'actions', 'messages']);

/** Collect the dependency paths of an expression from its parsed AST. */
export function extractDeps(ast: unknown): Set<Dep> {
  const deps = new Set<Dep>();
  visit(ast, deps);
  return deps;
}

function visit(node: unknown, deps: Set<Dep>): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, deps);
    return;
  }
  if (!isNode(node)) return;
  if (node.op === 'id' && node.args === 'self') deps.add(SELF);
  const chain = accessChain(node);
  if (chain) {
    addChainDep(chain.root, chain.path, deps);
    for (const dynamicIndex of chain.dynamicIndexes) visit(dynamicIndex, deps);
    return;
  }
  visit(node.args, deps);
}

interface Chain {
  root: string;
  path: string[];
  dynamicIndexes: AstNode[];
}

// Walk down `a.b["c"][x]` to its root identifier; the path stops at the first dynamic index.
function accessChain(node: AstNode): Chain | null {
  const selectors: Array<string | AstNode> = [];
  let current: AstNode = node;
  while (current.op === '.' || current.op === '.?' || current.op === '[]' || current.op === '[?]') {
    const [target, selector] = current.args as [AstNode, unknown];
    if (current.op === '.' || current.op === '.?') selectors.unshift(String(selector));
    else selectors.unshift(isNode(selector) && selector.op === 'value' && typeof selector.args === 'string' ? selector.args : (selector as AstNode));
    if (!isNode(target)) return null;
    current = target;
  }
  if (current.op !== 'id' || typeof current.args !== 'string' || !ROOTS.has(current.args)) return null;
  const path: string[] = [];
  const dynamicIndexes: AstNode[] = [];
  let dynamic = false;
  for (const selector of selectors) {
    if (typeof selector === 'string' && !dynamic) path.push(selector);
    else {
      dynamic = true;
      if (typeof selector !== 'string') dynamicIndexes.push(selector);
    }
  }
  return { root: current.args, path, dynamicIndexes };
}

function addChainDep(root: string, path: string[], deps: Set<Dep>): void {
  const [first, second] = path;
  switch (root) {
    case 'state':
      if (first === undefined) deps.add('S*');
      else if (second === undefined) deps.add(scopeDep(first));
      else deps.add(stateKeyDep(first, second));
      return;
    case 'views':
      deps.add(first === undefined ? 'v*' : `v:${first}`);
      return;
    case 'agents':
      deps.add(first === undefined ? 'a*' : `a:${first}`);
      return;
    case 'actions':
      deps.add('A*');
      return;
    case 'messages':
      deps.add('m');
      return;
  }
}
