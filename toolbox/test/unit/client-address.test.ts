import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  clientAddressKey,
  NO_TRUSTED_PROXIES,
  parseTrustedProxies,
  resolveClientAddress,
} from '../../src/client-address.js';

describe('parseTrustedProxies', () => {
  test('when IPv4 and IPv6 addresses and ranges are listed, then exactly those peers are trusted', () => {
    const trusted = parseTrustedProxies(' 127.0.0.1, 10.0.0.0/8 ,::1,fd00::/8');
    assert.deepEqual(trusted.entries, ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
    for (const peer of [
      '127.0.0.1',
      '10.200.3.4',
      '::1',
      'fd12:3456::9',
      '::ffff:10.1.2.3',
      '0:0:0:0:0:0:0:1',
    ]) {
      assert.equal(trusted.has(peer), true, peer);
    }
    for (const peer of ['127.0.0.2', '11.0.0.1', '::2', 'fe80::1', '2001:db8::1', 'garbage', '']) {
      assert.equal(trusted.has(peer), false, peer);
    }
  });

  test('when the text is empty or none, then no one is trusted', () => {
    for (const text of ['', ' , ', 'none']) {
      const trusted = parseTrustedProxies(text);
      assert.deepEqual(trusted.entries, []);
      assert.equal(trusted.has('127.0.0.1'), false);
    }
  });

  test('when entries are not addresses or ranges, then one error names each of them', () => {
    assert.throws(
      () => parseTrustedProxies('127.0.0.1, loopback, 10.0.0.0/33, 127.1, ::1/129, 1.2.3.4/'),
      (err: Error) => {
        assert.equal(
          err.message,
          'not an IP address or CIDR range: "loopback", "10.0.0.0/33", "127.1", "::1/129", "1.2.3.4/"',
        );
        return true;
      },
    );
  });

  test('when an IPv4-mapped IPv6 range is listed, then the IPv4 addresses it maps are trusted', () => {
    const trusted = parseTrustedProxies('::ffff:192.168.0.0/112');
    assert.equal(trusted.has('192.168.4.5'), true);
    assert.equal(trusted.has('192.169.0.1'), false);
  });
});

describe('resolveClientAddress', () => {
  const trusted = parseTrustedProxies('127.0.0.1, 10.0.0.0/8, ::1');

  test('when the peer is not trusted, then its X-Forwarded-For is ignored', () => {
    assert.equal(resolveClientAddress('203.0.113.9', '1.1.1.1', trusted), '203.0.113.9');
    assert.equal(resolveClientAddress('203.0.113.9', undefined, trusted), '203.0.113.9');
  });

  test('when the peer is trusted, then the right-most untrusted entry is the client', () => {
    // 6.6.6.6 was written by the client itself; 198.51.100.7 was appended by our trusted proxy.
    assert.equal(resolveClientAddress('127.0.0.1', '6.6.6.6, 198.51.100.7', trusted), '198.51.100.7');
    assert.equal(
      resolveClientAddress('127.0.0.1', '6.6.6.6, 198.51.100.7, 10.1.1.1', trusted),
      '198.51.100.7',
    );
  });

  test('when every hop is trusted, then the left-most is the client', () => {
    assert.equal(resolveClientAddress('127.0.0.1', '10.9.9.9, 10.1.1.1', trusted), '10.9.9.9');
  });

  test('when a trusted peer sends no header, then the peer is the client', () => {
    assert.equal(resolveClientAddress('::ffff:127.0.0.1', undefined, trusted), '127.0.0.1');
  });

  test('when an entry is not an address, then the walk stops at the trusted hop that passed it on', () => {
    assert.equal(resolveClientAddress('127.0.0.1', '6.6.6.6, <script>, 10.1.1.1', trusted), '10.1.1.1');
  });

  test('when IPv4 is written as IPv4-mapped IPv6, then it comes out as plain IPv4', () => {
    assert.equal(resolveClientAddress('::ffff:203.0.113.9', undefined, NO_TRUSTED_PROXIES), '203.0.113.9');
    assert.equal(resolveClientAddress('::FFFF:203.0.113.9', undefined, NO_TRUSTED_PROXIES), '203.0.113.9');
    assert.equal(resolveClientAddress('::ffff:cb00:7109', undefined, NO_TRUSTED_PROXIES), '203.0.113.9');
    assert.equal(resolveClientAddress('127.0.0.1', '::ffff:198.51.100.7', trusted), '198.51.100.7');
  });

  test('when no proxy is trusted, then a loopback peer with a forwarded chain is still the client', () => {
    assert.equal(resolveClientAddress('127.0.0.1', '6.6.6.6', NO_TRUSTED_PROXIES), '127.0.0.1');
    assert.equal(resolveClientAddress('::1', '6.6.6.6', NO_TRUSTED_PROXIES), '::1');
  });

  test('when the peer is not an address, then the client is unknown', () => {
    assert.equal(resolveClientAddress(undefined, '6.6.6.6', trusted), 'unknown');
    assert.equal(resolveClientAddress('::ffff:300.1.1.1', undefined, trusted), 'unknown');
  });

  test('when addresses are IPv6, then they come out in one spelling', () => {
    assert.equal(resolveClientAddress('::1', '2001:DB8:0:0:1::7', trusted), '2001:db8::1:0:0:7');
    assert.equal(resolveClientAddress('0:0:0:0:0:0:0:1', undefined, trusted), '::1');
  });
});

describe('clientAddressKey', () => {
  test('when addresses share an IPv6 /64, then they share one key', () => {
    const a = clientAddressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd');
    const b = clientAddressKey('2001:db8:1:2::1');
    assert.equal(a, '2001:db8:1:2::/64');
    assert.equal(b, a);
    assert.notEqual(clientAddressKey('2001:db8:1:3::1'), a);
  });

  test('when an address is IPv4, then it is its own key', () => {
    assert.equal(clientAddressKey('203.0.113.9'), '203.0.113.9');
    assert.equal(clientAddressKey('::ffff:203.0.113.9'), '203.0.113.9');
    assert.notEqual(clientAddressKey('203.0.113.10'), clientAddressKey('203.0.113.9'));
  });
});
