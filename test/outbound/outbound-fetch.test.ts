import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { createOutboundFetch, type OutboundFetch } from '../../src/outbound/outbound-fetch.js';
import { OutboundRefused, type Resolve } from '../../src/outbound/checked-lookup.js';
import type { OutboundPolicy } from '../../src/outbound/address-policy.js';
import { startCountingListener, type CountingListener } from '../support/counting-listener.js';

const STRICT: OutboundPolicy = { allowLoopback: false, allowedHosts: [] };

function fetcher(policy: OutboundPolicy, resolve?: Resolve, limits: { timeoutMs?: number; maxBytes?: number } = {}): OutboundFetch {
  return createOutboundFetch({ policy, resolve, timeoutMs: limits.timeoutMs ?? 5000, maxBytes: limits.maxBytes ?? 65536 });
}

/** A resolver that maps names of the test's own, as a DNS server an attacker runs would. */
function mapped(table: Record<string, string[]>, calls: string[] = []): Resolve {
  return async (hostname) => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`${hostname} not found`), { code: 'ENOTFOUND' });
    return addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

async function refused(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: Error) => err instanceof OutboundRefused && pattern.test(err.message));
}

describe('outbound fetch: the address connected to is checked', () => {
  let http: CountingListener;
  let tls: CountingListener;
  before(async () => {
    http = await startCountingListener('http');
    tls = await startCountingListener('tcp');
  });
  after(async () => {
    await http.close();
    await tls.close();
  });

  it('refuses a loopback listener outside dev mode, and nothing connects to it', async () => {
    const before = { http: http.connections, tls: tls.connections };
    await refused(fetcher(STRICT)(`https://127.0.0.1:${tls.port}/internal-admin/jwks`), /127\.0\.0\.1 is a loopback address/);
    await refused(fetcher(STRICT)(`https://[::ffff:127.0.0.1]:${tls.port}/`), /loopback/);
    await refused(fetcher(STRICT)(`http://127.0.0.1:${http.port}/`), /loopback|only https/);
    // The URL parser's other spellings of 127.0.0.1 are the same address.
    await refused(fetcher(STRICT)(`https://0x7f.1:${tls.port}/`), /loopback/);
    await refused(fetcher(STRICT)(`https://2130706433:${tls.port}/`), /loopback/);
    assert.deepEqual({ http: http.connections, tls: tls.connections }, before, 'no connection was made');
  });

  it('refuses a host name that resolves to loopback: localhost, and a name mapped by an attacker', async () => {
    const before = tls.connections;
    await refused(fetcher(STRICT)(`https://localhost:${tls.port}/jwks`), /loopback/);
    const resolve = mapped({
      'jwks.attacker.example': ['127.0.0.1'],
      'meta.attacker.example': ['169.254.169.254'],
      'lan.attacker.example': ['10.0.0.7'],
      'v6.attacker.example': ['::ffff:127.0.0.1'],
      'mixed.attacker.example': ['93.184.216.34', '127.0.0.1'],
    });
    await refused(fetcher(STRICT, resolve)(`https://jwks.attacker.example:${tls.port}/`), /127\.0\.0\.1 is a loopback address/);
    await refused(fetcher(STRICT, resolve)('https://meta.attacker.example/latest/meta-data'), /linkLocal/);
    await refused(fetcher(STRICT, resolve)('https://lan.attacker.example/'), /private/);
    await refused(fetcher(STRICT, resolve)(`https://v6.attacker.example:${tls.port}/`), /loopback/);
    await refused(fetcher(STRICT, resolve)(`https://mixed.attacker.example:${tls.port}/`), /loopback/);
    assert.equal(tls.connections, before, 'no connection was made');
  });

  it('connects to an allow-listed loopback host, by address range or by name', async () => {
    const byAddress = await fetcher({ allowLoopback: false, allowedHosts: ['127.0.0.0/8'] })(`http://127.0.0.1:${http.port}/by-address`);
    assert.equal(byAddress.status, 200);
    const byName = await fetcher(
      { allowLoopback: false, allowedHosts: ['jwks.internal.example'] },
      mapped({ 'jwks.internal.example': ['127.0.0.1'] }),
    )(`http://jwks.internal.example:${http.port}/by-name`);
    assert.equal(byName.status, 200);
    assert.deepEqual(http.requests.slice(-2), ['/by-address', '/by-name']);
    // Allow-listing one address does not open its neighbours.
    await refused(fetcher({ allowLoopback: false, allowedHosts: ['127.0.0.2'] })(`https://127.0.0.1:${tls.port}/`), /loopback/);
  });

  it('dev mode reaches loopback, but still no private or link-local address', async () => {
    const dev: OutboundPolicy = { allowLoopback: true, allowedHosts: [] };
    assert.equal((await fetcher(dev)(`http://localhost:${http.port}/dev`)).status, 200);
    assert.equal((await fetcher(dev)(`http://127.0.0.1:${http.port}/dev`)).status, 200);
    await refused(fetcher(dev)('https://10.0.0.7/'), /private/);
    await refused(fetcher(dev)('https://169.254.169.254/'), /linkLocal/);
    await refused(fetcher(dev)('http://example.com/'), /only https/);
  });

  it('resolves once and connects to the address it checked: a rebinding answer is never used', async () => {
    // Two services on one port: 127.0.0.2 is allow-listed, 127.0.0.1 is not. The attacker's
    // DNS answers 127.0.0.2 the first time and 127.0.0.1 every time after.
    const allowed = await startCountingListener('tcp', '127.0.0.2');
    const internal = await startCountingListener('tcp', '127.0.0.1', undefined, allowed.port);
    try {
      const calls: string[] = [];
      const rebinding: Resolve = async (hostname) => {
        calls.push(hostname);
        return [{ address: calls.length === 1 ? '127.0.0.2' : '127.0.0.1', family: 4 }];
      };
      // The listeners speak no TLS, so the exchange fails after connecting: what matters is where it connected.
      await assert.rejects(
        fetcher({ allowLoopback: false, allowedHosts: ['127.0.0.2'] }, rebinding)(`https://rebind.attacker.example:${allowed.port}/`),
        (err: Error) => !(err instanceof OutboundRefused),
      );
      assert.deepEqual(calls, ['rebind.attacker.example'], 'the name was resolved exactly once');
      assert.equal(allowed.connections, 1);
      assert.equal(internal.connections, 0);
    } finally {
      await allowed.close();
      await internal.close();
    }
  });
});

describe('outbound fetch: redirects, size and time', () => {
  let target: CountingListener;
  let origin: CountingListener;
  const policy: OutboundPolicy = { allowLoopback: true, allowedHosts: [] };
  before(async () => {
    target = await startCountingListener('http');
    origin = await startCountingListener('http', '127.0.0.1', (request, response) => {
      if (request.url === '/redirect') return void response.writeHead(302, { location: `http://127.0.0.1:${target.port}/elsewhere` }).end();
      if (request.url === '/huge') return void response.writeHead(200, { 'content-length': String(200_000) }).end(Buffer.alloc(200_000));
      if (request.url === '/chunked') {
        response.writeHead(200);
        for (let i = 0; i < 20; i++) response.write(Buffer.alloc(10_000));
        return void response.end();
      }
      if (request.url === '/slow') {
        // Headers at once, then a body that never finishes.
        response.writeHead(200, { 'content-type': 'application/json' });
        return void response.write('{"keys":');
      }
      response.end('{"keys":[]}');
    });
  });
  after(async () => {
    await origin.close();
    await target.close();
  });

  it('does not follow a redirect: the 3xx is the answer and its target sees nothing', async () => {
    const response = await fetcher(policy)(`http://127.0.0.1:${origin.port}/redirect`);
    assert.equal(response.status, 302);
    assert.equal(target.connections, 0);
  });

  it('cuts an answer larger than the cap, declared or streamed', async () => {
    const small = fetcher(policy, undefined, { maxBytes: 65536 });
    await assert.rejects(small(`http://127.0.0.1:${origin.port}/huge`), /larger than 65536 bytes/);
    await assert.rejects(small(`http://127.0.0.1:${origin.port}/chunked`), /larger than 65536 bytes/);
    assert.equal((await small(`http://127.0.0.1:${origin.port}/`)).body.toString(), '{"keys":[]}');
  });

  it('cuts an answer that does not complete before the deadline', async () => {
    await assert.rejects(
      fetcher(policy, undefined, { timeoutMs: 200 })(`http://127.0.0.1:${origin.port}/slow`),
      /no complete answer within 200 ms/,
    );
  });

  it('abandons a request when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = fetcher(policy)(`http://127.0.0.1:${origin.port}/slow`, { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, /abandoned/);
  });
});
