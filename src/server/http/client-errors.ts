// Requests Node's HTTP parser rejects before the app sees them (over-long URLs or headers,
// malformed requests) still get a D2 JSON body instead of a bare status line.
import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { statusOf, type ErrorCode } from '../../protocol/index.js';

const RESPONSES: Record<string, [ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: ['headers_too_large', 'The request line or headers are too large (the URL may be too long).'],
};

export function installClientErrorHandler(server: Pick<Server, 'on'>): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const [code, message] = RESPONSES[error.code ?? ''] ?? ['invalid_request', 'The HTTP request could not be parsed.'];
    const status = statusOf(code);
    const reason = STATUS_CODES[status] ?? 'Bad Request';
    const body = JSON.stringify({ error: code, message });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}
