// The surface index (§8.3a): what GET without `block` answers.

export function surfaceIndex(origin: string, names: readonly string[], bytes?: Readonly<Record<string, number>>): Record<string, unknown> {
  const listed = new Set(names);
  const blocks = [...listed].sort();
  const sizes = Object.fromEntries(Object.entries(bytes ?? {}).filter(([name, size]) => listed.has(name) && Number.isInteger(size) && size > 0));
  const withSizes = bytes !== undefined;
  const lead = `URL surface at ${origin}. Named sibling blocks listed below; address each via ?block=<name>`;
  const sizeClause = withSizes ? '; bytes maps each block to its stored size — pick an aperture before the read' : '';
  return {
    _: `${lead}${sizeClause}. Substrate-wide conventions at bsp(agent_id='pscale', block='block-conventions').`,
    origin,
    blocks,
    ...(withSizes ? { bytes: sizes } : {}),
  };
}
