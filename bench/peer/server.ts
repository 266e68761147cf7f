import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';
import { peerConfiguration } from './configuration.js';
import { autoInteraction } from './auto-interaction.js';

/**
 * The peer provider's process: `node server.js` with PEER_PORT, PEER_ALG (RS256 or ES256)
 * and PEER_KEYS (a file holding the private JWK Set). Prints "ready" once listening.
 */
const port = Number(process.env.PEER_PORT);
const algorithm = (process.env.PEER_ALG ?? 'RS256') as 'RS256' | 'ES256';
const jwks = JSON.parse(readFileSync(process.env.PEER_KEYS as string, 'utf8')) as { keys: Record<string, unknown>[] };

const provider = new Provider(`http://127.0.0.1:${port}`, peerConfiguration(jwks, algorithm));
const callback = provider.callback();
const server = createServer((req, res) => {
  if (req.url?.startsWith('/interaction/')) {
    autoInteraction(provider, req, res).catch((err) => {
      res.statusCode = 500;
      res.end(String(err));
    });
    return;
  }
  callback(req, res);
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
