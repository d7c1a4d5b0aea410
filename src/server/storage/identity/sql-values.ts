// Reading SQL rows the same way on SQLite and PostgreSQL (bigints arrive as numbers or strings).
export type Row = Record<string, unknown>;
export const num = (v: unknown): number => Number(v);
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
