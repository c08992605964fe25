/**
 * How long a provider asks to be left alone, in whole seconds (the `Retry-After` the gateway honours
 * and passes on): its `retry-after` header (seconds or an HTTP date), else `retry-after-ms`, else — on
 * a 429 only — when the exhausted rate limit resets: OpenAI's `x-ratelimit-reset-requests` /
 * `-tokens` (durations like `6m0s`, `1.5s`, `20ms`) and Anthropic's `anthropic-ratelimit-*-reset`
 * (RFC 3339 times), preferring a limit whose `remaining` is 0, else the latest reset.
 * @see https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
 * @see https://docs.anthropic.com/en/api/rate-limits#response-headers
 */
export function readRetryAfter(headers: Record<string, string | string[] | undefined>, status: number, now = Date.now()): string | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter) return retryAfter;
  const milliseconds = Number(header(headers, 'retry-after-ms'));
  if (Number.isFinite(milliseconds) && milliseconds > 0) return String(Math.ceil(milliseconds / 1_000));
  if (status !== 429) return undefined;

  const resets: { ms: number; exhausted: boolean }[] = [];
  for (const limit of ['requests', 'tokens']) {
    const ms = parseDuration(header(headers, `x-ratelimit-reset-${limit}`));
    if (ms !== undefined) resets.push({ ms, exhausted: header(headers, `x-ratelimit-remaining-${limit}`) === '0' });
  }
  for (const limit of ['requests', 'tokens', 'input-tokens', 'output-tokens']) {
    const at = Date.parse(header(headers, `anthropic-ratelimit-${limit}-reset`) ?? '');
    if (Number.isFinite(at)) resets.push({ ms: Math.max(0, at - now), exhausted: header(headers, `anthropic-ratelimit-${limit}-remaining`) === '0' });
  }
  const chosen = resets.some((reset) => reset.exhausted) ? resets.filter((reset) => reset.exhausted) : resets;
  if (chosen.length === 0) return undefined;
  return String(Math.max(1, Math.ceil(Math.max(...chosen.map((reset) => reset.ms)) / 1_000)));
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** OpenAI's reset durations: `1s`, `6m0s`, `1h2m3.5s`, `20ms`; undefined when unreadable. */
function parseDuration(text: string | undefined): number | undefined {
  if (!text || !/^(\d+(\.\d+)?(h|ms|m|s))+$/.test(text)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) {
    ms += Number(amount) * { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 }[unit as 'h' | 'm' | 's' | 'ms'];
  }
  return ms;
}
