import type { SimulatedProvider } from './simulator-profile.ts';

/** One request a simulator received, kept so tests can assert what the gateway sent upstream. */
export interface RecordedRequest {
  id: number;
  provider: SimulatedProvider;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: any;
  status?: number;
  streamed: boolean;
  /** The response was sent in full. */
  completed: boolean;
  /** The client closed the connection before the response was complete. */
  aborted: boolean;
}
