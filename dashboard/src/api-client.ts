/** A refusal from the gateway, with the status and the code of its error envelope. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorEnvelope {
  error?: { message?: string; code?: string | null };
  /** A 422's issues; other errors carry the hosted service's `detail` object instead. */
  detail?: { loc?: (string | number)[]; msg?: string }[] | object;
}

/** One call to the gateway's JSON API (same origin) with `Authorization: Bearer <token>`; a refusal becomes an ApiError with the gateway's own words. */
export async function callApi<Answer>(token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ApiError(0, null, 'The gateway did not answer');
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(response.status, null, `The gateway answered ${response.status} with a body that is not JSON`);
  }
  if (!response.ok) throw new ApiError(response.status, (parsed as ErrorEnvelope | undefined)?.error?.code ?? null, describeRefusal(response.status, parsed as ErrorEnvelope | undefined));
  return parsed as Answer;
}

/** A 422 names the fields at fault (`detail`); other errors carry one message. */
function describeRefusal(status: number, envelope: ErrorEnvelope | undefined): string {
  const issues = (Array.isArray(envelope?.detail) ? envelope.detail : []).map((issue) => `${(issue.loc ?? []).filter((part: string | number) => part !== 'body' && part !== 'querystring').join('.')}: ${issue.msg ?? ''}`);
  if (issues.length > 0) return issues.join('; ');
  return envelope?.error?.message ?? `The gateway answered ${status}`;
}
