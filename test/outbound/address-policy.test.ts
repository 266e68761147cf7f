import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addressGuard, isAllowedHostEntry, specialRange } from '../../src/outbound/address-policy.js';

describe('outbound address policy', () => {
  it('knows every non-public range, in IPv4, IPv6 and IPv4-mapped IPv6', () => {
    const ranges: [string, string][] = [
      ['127.0.0.1', 'loopback'],
      ['127.255.255.254', 'loopback'],
      ['::1', 'loopback'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['169.254.169.254', 'linkLocal'],
      ['fe80::1', 'linkLocal'],
      ['100.64.0.1', 'carrierGradeNat'],
      ['fc00::1', 'uniqueLocal'],
      ['fd12:3456::1', 'uniqueLocal'],
      ['224.0.0.1', 'multicast'],
      ['ff02::1', 'multicast'],
      ['0.0.0.0', 'unspecified'],
      ['::', 'unspecified'],
      ['255.255.255.255', 'broadcast'],
      ['192.0.2.10', 'reserved'],
      ['198.51.100.10', 'reserved'],
      ['203.0.113.10', 'reserved'],
      ['2001:db8::1', 'reserved'],
      ['240.0.0.1', 'reserved'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:10.0.0.1', 'private'],
      ['::ffff:169.254.169.254', 'linkLocal'],
      ['64:ff9b::a00:1', 'rfc6052'],
      ['2002:7f00:1::', '6to4'],
      ['::7f00:1', 'reserved'],
    ];
    for (const [address, range] of ranges) assert.equal(specialRange(address), range, address);
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      assert.equal(specialRange(address), undefined, address);
  });

  it('refuses non-public addresses unless dev mode (loopback only) or the allow-list says otherwise', () => {
    const strict = addressGuard({ allowLoopback: false, allowedHosts: [] });
    assert.match(strict.refusal('x.example', '127.0.0.1')!, /loopback/);
    assert.match(strict.refusal('x.example', '10.0.0.1')!, /private/);
    assert.equal(strict.refusal('x.example', '93.184.216.34'), undefined);

    const dev = addressGuard({ allowLoopback: true, allowedHosts: [] });
    assert.equal(dev.refusal('localhost', '127.0.0.1'), undefined);
    assert.equal(dev.refusal('localhost', '::1'), undefined);
    assert.match(dev.refusal('x.example', '192.168.0.1')!, /private/);

    const listed = addressGuard({ allowLoopback: false, allowedHosts: ['10.1.0.0/16', 'jwks.internal.example', '::ffff:192.168.7.0/120'] });
    assert.equal(listed.refusal('a.example', '10.1.200.3'), undefined);
    assert.equal(listed.refusal('a.example', '::ffff:10.1.0.9'), undefined, 'a mapped address matches its IPv4 range');
    assert.equal(listed.refusal('a.example', '192.168.7.20'), undefined, 'a mapped range matches IPv4 addresses');
    assert.match(listed.refusal('a.example', '10.2.0.1')!, /private/);
    assert.equal(
      listed.refusal('JWKS.Internal.Example.', '10.9.9.9'),
      undefined,
      'names match case-insensitively, with or without the root dot',
    );
    assert.match(listed.refusal('jwks.internal.example.evil.example', '10.9.9.9')!, /private/, 'names match exactly');
  });

  it('allows plain http only to allow-listed hosts and, in dev mode, loopback', () => {
    assert.equal(addressGuard({ allowLoopback: false, allowedHosts: [] }).allowsPlainHttp('127.0.0.1'), false);
    assert.equal(addressGuard({ allowLoopback: false, allowedHosts: [] }).allowsPlainHttp('example.com'), false);
    assert.equal(addressGuard({ allowLoopback: true, allowedHosts: [] }).allowsPlainHttp('localhost'), true);
    assert.equal(addressGuard({ allowLoopback: true, allowedHosts: [] }).allowsPlainHttp('[::1]'), true);
    assert.equal(addressGuard({ allowLoopback: true, allowedHosts: [] }).allowsPlainHttp('10.0.0.1'), false);
    assert.equal(addressGuard({ allowLoopback: false, allowedHosts: ['10.0.0.0/8'] }).allowsPlainHttp('10.0.0.1'), true);
    assert.equal(addressGuard({ allowLoopback: false, allowedHosts: ['keys.internal'] }).allowsPlainHttp('keys.internal'), true);
  });

  it('accepts host names, addresses and CIDR ranges as allow-list entries, nothing else', () => {
    for (const entry of ['jwks.internal.example', 'localhost', '10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8'])
      assert.equal(isAllowedHostEntry(entry), true, entry);
    for (const entry of ['', 'https://a.example', 'a.example:443', '*.example.com', '10.0.0.0/33', 'a b'])
      assert.equal(isAllowedHostEntry(entry), false, entry);
  });
});
