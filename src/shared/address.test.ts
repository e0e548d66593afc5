import { describe, expect, it } from 'vitest';
import { Host } from './contract';
import { isIPv4, isIPv6 } from './address';

describe('addresses as typed', () => {
  it('tells IPv6 addresses, with or without a scope id, from everything else', () => {
    for (const ok of ['::', '::1', 'fe80::1%eth0', 'fe80::1%2', '2001:db8::8a2e:370:7334', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8']) {
      expect(isIPv6(ok), ok).toBe(true);
    }
    for (const bad of ['', ':', '1:2:3:4:5:6:7:8:9', '::1::', 'localhost', '12345::', '::ffff:999.0.0.1', 'fe80::1%', 'fe80::1%a%b']) {
      expect(isIPv6(bad), bad).toBe(false);
    }
    expect(isIPv4('192.0.2.255')).toBe(true);
    expect(isIPv4('256.0.0.1')).toBe(false);
    expect(isIPv4('01.2.3.4')).toBe(false);
  });

  it('the Host schema takes [::1] as ::1 and refuses brackets around anything else', () => {
    expect(Host.parse(' [::1] ')).toBe('::1');
    expect(Host.parse('fe80::1%eth0')).toBe('fe80::1%eth0');
    expect(Host.safeParse('[example.test]').error?.issues[0].message).toBe('Brackets are for IPv6 addresses, e.g. [::1]');
  });
});
