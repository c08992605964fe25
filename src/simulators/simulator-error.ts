/**
 * A refusal in a provider's own wire format: status, body (JSON, or raw text where the provider
 * answers with HTML) and any headers. Profiles build these; the engine sends them unchanged.
 */
export class SimulatorError {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;

  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}
