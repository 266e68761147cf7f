import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

/** `pretty` for a person at a terminal (dev mode's default), `json` for a log collector. */
export type LogFormat = 'pretty' | 'json';

const require = createRequire(import.meta.url);

/**
 * Structured logs. Requests are logged by path only: query strings can carry codes,
 * hints and user codes, and headers carry credentials, so neither is ever written.
 * Both formats carry the same fields; `pretty` only lays them out for reading.
 */
export function createLogger(level: string, format: LogFormat = 'json'): Logger {
  const options = {
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
  };
  return format === 'pretty' ? pino(options, prettyStream()) : pino(options);
}

/**
 * pino-pretty is loaded only for the pretty format, so a production process (JSON) never
 * loads it. Colours follow the terminal (NO_COLOR and FORCE_COLOR are honoured).
 */
function prettyStream(): DestinationStream {
  const pretty = require('pino-pretty') as typeof PinoPretty;
  return pretty({ translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', sync: true });
}
