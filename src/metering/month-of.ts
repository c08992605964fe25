/** The UTC calendar month of a time, `YYYY-MM`: the period a key's monthly budget counts. */
export function monthOf(time: number): string {
  return new Date(time).toISOString().slice(0, 7);
}

/** The ISO time a `YYYY-MM` month begins (UTC). */
export function monthStart(month: string): string {
  return `${month}-01T00:00:00.000Z`;
}
