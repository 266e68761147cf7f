import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { AddressGuard } from './address-policy.js';

/** Resolves a host name to every address it has (the system resolver by default). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** A connection refused by the outbound address policy. */
export class OutboundRefused extends Error {
  override readonly name = 'OutboundRefused';
}

/**
 * A `lookup` for the socket: resolves the name once, checks every address it has, and hands
 * the socket only addresses that passed. The connection goes to the address that was
 * checked, never to a second answer, so DNS rebinding cannot swap it for an internal one.
 * A name with any refused address is refused whole.
 */
export function checkedLookup(guard: AddressGuard, resolve: Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (answers) => {
        for (const { address } of answers) {
          const refusal = guard.refusal(hostname, address);
          if (refusal) return callback(new OutboundRefused(`${hostname}: ${refusal}`), '', 0);
        }
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const usable = answers.filter((a) => !family || a.family === family);
        if (usable.length === 0) return callback(Object.assign(new Error(`${hostname}: no address`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) return callback(null, usable);
        callback(null, usable[0].address, usable[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}
