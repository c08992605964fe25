import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { GATEWAY_ERRORS } from '../core/gateway-error.ts';
import { encodeOpenAIError } from '../dialects/openai-chat/encode-openai-error.ts';

/**
 * A request Node's HTTP parser could not read, or did not receive in time, never reaches a route:
 * it is answered here, on the socket, in the error envelope (nothing of the request echoed), and
 * the connection is closed.
 * @see https://nodejs.org/api/http.html#event-clienterror
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const gatewayError =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? GATEWAY_ERRORS.headersTooLarge()
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? GATEWAY_ERRORS.clientTimeout()
        : GATEWAY_ERRORS.malformedHttpRequest();
  const body = JSON.stringify(encodeOpenAIError(gatewayError));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${gatewayError.status} ${STATUS_CODES[gatewayError.status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
