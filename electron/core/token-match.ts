import { timingSafeEqual } from 'node:crypto';

/** Compares a presented secret token with the expected one in constant time. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
