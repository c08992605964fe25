import type { GatewayError } from '../core/gateway-error.ts';
import type { TokenUsage } from '../core/usage.ts';
import type { ChatStreamEvent } from '../core/chat-types.ts';

/**
 * How one client surface writes a hub chat stream as SSE. The relay (relay-chat-stream.ts) owns
 * iteration, backpressure, usage tapping and aborts; an encoder owns only the surface's framing,
 * as a small state machine.
 */
export interface ChatStreamEncoder {
  /** The SSE text for one hub chunk (empty when the surface shows nothing for it). `usage` is set when the chunk carried usage. */
  chunk(event: ChatStreamEvent, usage: TokenUsage | undefined): string;
  /**
   * The SSE text that closes a completed stream, with the last usage the provider reported and
   * what it cost in micro-credits (written as the usage's `cost`, in credits; undefined: not priced).
   */
  end(usage: TokenUsage | undefined, cost?: number): string;
  /** The SSE text of a failure after the stream began. */
  error(error: GatewayError): string;
}
