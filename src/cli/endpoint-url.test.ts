import { describe, expect, it } from 'vitest';
import { formatSocketUrl, parseSocketUrl } from './endpoint-url';

describe('socket URLs on the command line', () => {
  it('reads TCP and UDP, names, IPv4 and bracketed IPv6, and writes them back', () => {
    expect(parseSocketUrl('tcp://127.0.0.1:8080', { portZero: false })).toEqual({ protocol: 'tcp', host: '127.0.0.1', port: 8080 });
    expect(parseSocketUrl('UDP://localhost:53/', { portZero: false })).toEqual({ protocol: 'udp', host: 'localhost', port: 53 });
    const v6 = parseSocketUrl('tcp://[::1]:0', { portZero: true });
    expect(v6).toEqual({ protocol: 'tcp', host: '::1', port: 0 });
    expect(formatSocketUrl(v6)).toBe('tcp://[::1]:0');
    expect(formatSocketUrl(parseSocketUrl('udp://[fe80::1%lo]:9', { portZero: false }))).toBe('udp://[fe80::1%lo]:9');
  });

  it('says what is wrong, with an example', () => {
    const problem = (text: string, portZero = false): string => {
      try {
        parseSocketUrl(text, { portZero });
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(problem('127.0.0.1:80')).toBe(
      'Expected tcp://host:port, tls://host:port or udp://host:port, e.g. tcp://127.0.0.1:8080, tls://[::1]:8443 or udp://127.0.0.1:9000.',
    );
    expect(problem('tcp://::1:80')).toBe('An IPv6 address goes in brackets, e.g. tcp://[::1]:8080.');
    expect(problem('tcp://127.0.0.1:')).toBe('A port is required, e.g. tcp://127.0.0.1:8080.');
    expect(problem('tcp://127.0.0.1:0')).toBe('Port must be between 1 and 65535.');
    expect(problem('tcp://127.0.0.1:0', true)).toBe('accepted');
    expect(problem('udp://127.0.0.1:70000', true)).toBe('Port must be between 0 and 65535.');
    expect(problem('tcp://127.0.0.1:http')).toBe('Port must be a number.');
    expect(problem('tcp://[localhost]:80')).toBe('Brackets are for IPv6 addresses, e.g. tcp://[::1]:8080.');
    expect(problem('tcp://:80')).toBe('Host is required.');
  });
});
