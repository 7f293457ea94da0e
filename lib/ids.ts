/** Postgres `integer`: a number beyond it names nothing, and must not reach the database as one. */
const MAX_INT4 = 2_147_483_647;

/**
 * What a promotion URL segment can name: its id (a cuid) or its #number. Anything else (a NUL byte,
 * punctuation, a number past the column's range) cannot name a promotion, so it is "not found"
 * here instead of a database error later.
 */
export function promotionKey(raw: string): { id: string; number: number | null } | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) return null;
  const number = /^\d{1,10}$/.test(raw) ? Number(raw) : null;
  return { id: raw, number: number !== null && number >= 1 && number <= MAX_INT4 ? number : null };
}
