export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** JSON.parse that reports failure as a value: provider data is parsed, never assumed. */
export function parseJson<T = unknown>(text: string): ParseResult<T> {
  try {
    return { ok: true, value: JSON.parse(text) as T };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
