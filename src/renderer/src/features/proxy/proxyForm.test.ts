import { describe, expect, it } from 'vitest';
import type { Input } from '@shared/contract';
import { checkProxyForm } from './proxyForm';

const valid = { host: '127.0.0.1', port: 0, upstreamHost: '127.0.0.1', upstreamPort: 6379, protocol: 'tcp' } as Input<'proxy.create'>;

describe('checkProxyForm', () => {
  it('finds nothing wrong with a proxy main would start', () => {
    expect(checkProxyForm(valid, {})).toEqual({ errors: {} });
  });

  it('puts each issue under its field, an empty port as missing and a wrong one as the schema says', () => {
    const checked = checkProxyForm({ ...valid, port: 70_000, upstreamPort: Number.NaN }, { port: '70000', upstreamPort: '' });
    expect(checked.errors.port).toMatch(/65535/);
    expect(checked.errors.upstreamPort).toBe('Upstream port is required');
    expect(checked.other).toBeUndefined();
    expect(checkProxyForm({ ...valid, upstreamPort: Number.NaN }, { upstreamPort: 'abc' }).errors.upstreamPort).toBe('Port must be a number');
  });

  it("puts a UDP session's timeout under its field, and what no field shows apart", () => {
    const udp = checkProxyForm({ ...valid, protocol: 'udp', udp: { idleTimeoutMs: Number.NaN } }, { idleTimeout: 'soon' });
    expect(Object.keys(udp.errors)).toEqual(['idleTimeout']);
    const unknownProtocol = checkProxyForm({ ...valid, protocol: 'sctp' as 'tcp' }, {});
    expect(unknownProtocol.errors).toEqual({});
    expect(unknownProtocol.other).toMatch(/^protocol: /);
  });
});
