import { describe, expect, it } from 'vitest';
import { initialValues, validateNewSocket } from './newSocketForm';

describe('validateNewSocket', () => {
  it('builds a tcp.connect request with the default timeout', () => {
    const result = validateNewSocket('tcp-client', { ...initialValues['tcp-client'], host: 'localhost', port: '8080', timeout: '' });
    expect(result.errors).toEqual({});
    expect(result.request).toEqual({ command: 'tcp.connect', input: { host: 'localhost', port: 8080, timeoutMs: 10_000 } });
  });

  it('puts the schema messages under the fields they belong to', () => {
    const result = validateNewSocket('tcp-client', { ...initialValues['tcp-client'], host: 'a b', port: '70000' });
    expect(result.request).toBeUndefined();
    expect(result.errors.host).toBe('Host must be a name or an IP address, without spaces or slashes');
    expect(result.errors.port).toBe('Port must be between 1 and 65535');
  });

  it('says a missing port is missing, and refuses port 0 for a peer', () => {
    expect(validateNewSocket('tcp-client', { ...initialValues['tcp-client'], host: 'h', port: '' }).errors.port).toBe('Port is required');
    expect(validateNewSocket('tcp-client', { ...initialValues['tcp-client'], host: 'h', port: '0' }).errors.port).toBe(
      'Port must be between 1 and 65535',
    );
    expect(validateNewSocket('tcp-client', { ...initialValues['tcp-client'], host: 'h', port: '12ab' }).errors.port).toBe('Port must be a number');
  });

  it('accepts port 0 for a listener', () => {
    expect(validateNewSocket('tcp-listener', initialValues['tcp-listener']).request).toEqual({
      command: 'tcp.listen',
      input: { host: '127.0.0.1', port: 0 },
    });
  });

  it('treats a UDP default target as optional but complete', () => {
    expect(validateNewSocket('udp', initialValues.udp).request?.input).toEqual({ host: '127.0.0.1', port: 0 });
    const partial = validateNewSocket('udp', { ...initialValues.udp, targetHost: '127.0.0.1' });
    expect(partial.errors.targetPort).toBe('Port is required with a target host');
    const full = validateNewSocket('udp', { ...initialValues.udp, targetHost: '127.0.0.1', targetPort: '9000' });
    expect(full.request?.input).toEqual({ host: '127.0.0.1', port: 0, defaultTarget: { host: '127.0.0.1', port: 9000 } });
  });
});
