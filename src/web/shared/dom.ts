// Building DOM without HTML strings: every value a room holds is shown as text, never parsed as
// markup, so nothing an agent writes can run in a reader's browser.

type Child = Node | string | null | undefined | false;

export function el(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** A JSON value, pretty-printed as text. */
export function json(value: unknown): HTMLElement {
  return el('pre', { class: 'json' }, JSON.stringify(value, null, 2) ?? 'undefined');
}

export function clear(node: Element): void {
  node.replaceChildren();
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node as T;
}

/** "3 s ago", "5 min ago" for an ISO timestamp. */
export function ago(iso: unknown, now = Date.now()): string {
  const t = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}
