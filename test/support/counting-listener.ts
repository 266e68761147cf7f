import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * A listener that counts the connections it accepts: an internal service that an SSRF
 * would reach. `http` answers requests with the handler; `tcp` reads the first bytes (a TLS
 * ClientHello) and closes, like the review's raw listener.
 */
export interface CountingListener {
  port: number;
  host: string;
  connections: number;
  /** Request paths an http listener was asked for. */
  requests: string[];
  close(): Promise<void>;
}

export async function startCountingListener(
  kind: 'http' | 'tcp',
  host = '127.0.0.1',
  handler?: RequestListener,
  port = 0,
): Promise<CountingListener> {
  const listener: CountingListener = { port: 0, host, connections: 0, requests: [], close: async () => {} };
  let server: Server | TcpServer;
  if (kind === 'http') {
    server = createServer((request, response) => {
      listener.requests.push(request.url ?? '');
      if (handler) handler(request, response);
      else response.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
    });
  } else {
    server = createTcpServer((socket) => {
      socket.once('data', () => socket.destroy());
      socket.on('error', () => {});
    });
  }
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    listener.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  listener.port = (server.address() as { port: number }).port;
  listener.close = () => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return listener;
}
