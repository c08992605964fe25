/**
 * JSON as Google's servers write each `alt=sse` event: one line, a space after every colon and none
 * after commas (`{"candidates": [{"content": {"parts": [{"text": "Hi"}],"role": "model"}}]}`). A
 * gateway must not depend on the spacing; the simulator reproduces it so fixtures and wire match.
 */
export function formatGoogleJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => formatGoogleJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}: ${formatGoogleJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
