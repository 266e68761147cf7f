import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import type { LdapConnectorConfig } from './ldap-connector-config.js';

/**
 * A new connection to the directory, TLS set up before anything else is sent: ldaps:// from the
 * first byte, or ldap:// upgraded by StartTLS (RFC 4511 §4.14). The certificate is checked
 * against `ca` (or the system's CAs) and the URL's host name; every operation has the timeout.
 */
export async function openDirectory(config: Pick<LdapConnectorConfig, 'url' | 'startTls' | 'ca' | 'timeout'>): Promise<Client> {
  const host = new URL(config.url).hostname.replace(/^\[|\]$/g, '');
  const tlsOptions: ConnectionOptions = {
    ca: config.ca,
    host,
    // SNI takes a host name only (RFC 6066 §3); an IP address is still checked against the certificate.
    servername: isIP(host) ? undefined : host,
    minVersion: 'TLSv1.2',
  };
  const client = new Client({
    url: config.url,
    timeout: config.timeout * 1000,
    connectTimeout: config.timeout * 1000,
    // ldapts takes any tlsOptions as "connect with TLS": given only for ldaps://.
    tlsOptions: config.url.startsWith('ldaps:') ? tlsOptions : undefined,
  });
  if (config.startTls) {
    // The TLS handshake after the StartTLS answer has no timeout of its own (ldapts): it gets the operations' one.
    let stalled: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      stalled = setTimeout(() => reject(new Error('the TLS handshake after StartTLS timed out')), config.timeout * 1000);
    });
    try {
      await Promise.race([client.startTLS(tlsOptions), deadline]);
    } catch (err) {
      await closeDirectory(client);
      throw err;
    } finally {
      clearTimeout(stalled);
    }
  }
  return client;
}

/**
 * Ends the connection; a directory that already went away is no error here. Never waits more
 * than a second: ldapts' unbind can wait on a socket that a stalled handshake left half-open.
 */
export async function closeDirectory(client: Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bounded = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 1000);
    timer.unref();
  });
  await Promise.race([client.unbind().catch(() => undefined), bounded]);
  clearTimeout(timer);
}
