/** Milliseconds in one day (UTC days have no DST jumps). */
export const MS_PER_DAY = 86_400_000;

/** Throws a TypeError when `date` is not a valid Date (an invalid date reaching the domain is a bug upstream). */
export function assertValidDate(date: Date, name: string): void {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError(`${name} must be a valid Date`);
}

/** `date` plus a whole number of 24-hour days. */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * MS_PER_DAY);
}

/**
 * `date` plus calendar years in UTC, keeping month, day and time of day. A 29 February that
 * does not exist in the target year is clamped to 28 February (never rolls into March).
 */
export function addUtcYears(date: Date, years: number): Date {
  const result = new Date(date.getTime());
  const month = date.getUTCMonth();
  result.setUTCFullYear(date.getUTCFullYear() + years);
  if (result.getUTCMonth() !== month) result.setUTCDate(0); // overflowed into the next month: last day of the intended one
  return result;
}
