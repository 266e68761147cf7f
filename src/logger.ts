import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Requests are logged by path only: query strings can carry codes,
 * hints and user codes, and headers carry credentials, so neither is ever written.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'tessera' },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.client_secret', '*.token'], remove: true },
    serializers: {
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
        ip: req.ip,
      }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  });
}
