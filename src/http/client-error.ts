import type { Socket } from 'node:net';

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a request line or headers over
 * the size limit, broken framing) still get a spec-shaped answer (RFC 6749 §5.2 shape), not
 * Fastify's default body, and never anything from the request.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify({
    error: 'invalid_request',
    error_description: tooLarge ? 'the request line or headers are too large' : 'the request is malformed',
  });
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}
