import { describe, expect, it } from 'vitest';
import { proxyCommands, ProxySettings } from './proxy';
import { proxyTlsReopen, proxyTlsSettings } from './proxy-tls';

const certPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const keyPem = '-----BEGIN PRIVATE KEY-----\nSECRETKEY\n-----END PRIVATE KEY-----';
const create = proxyCommands['proxy.create'].input;
const base = { host: '127.0.0.1', port: 0, upstreamHost: 'cache.test', upstreamPort: 6380 };

describe("a proxy's TLS settings", () => {
  it('keep no private key, and say which sides speak TLS', () => {
    const input = create.parse({
      ...base,
      listenTls: { certificate: { mode: 'pem', certPem, keyPem } },
      upstreamTls: { serverName: 'cache.test', clientCert: { certPem, keyPem } },
    });
    const settings = proxyTlsSettings(input);
    expect(JSON.stringify(settings)).not.toContain('SECRETKEY');
    expect(settings).toEqual({
      listen: { side: 'server', requestClientCert: false },
      upstream: { side: 'client', serverName: 'cache.test', verify: true, clientCert: true },
    });
    // Reopening needs the keys that were not kept.
    expect(proxyTlsReopen(settings)).toBeUndefined();
    expect(proxyTlsSettings(create.parse(base))).toBeUndefined();
  });

  it('open the same proxy again when no key was needed', () => {
    const input = create.parse({
      ...base,
      listenTls: { certificate: { mode: 'self-signed', names: ['localhost'] } },
      upstreamTls: { verify: false, caPem: certPem },
    });
    const settings = proxyTlsSettings(input);
    const again = create.parse({ ...base, ...proxyTlsReopen(settings) });
    expect(again.listenTls).toEqual(input.listenTls);
    expect(again.upstreamTls).toEqual(input.upstreamTls);
    expect(proxyTlsReopen(undefined)).toEqual({});
  });

  it('are refused in the contract words when a PEM is not one', () => {
    const result = create.safeParse({ ...base, listenTls: { certificate: { mode: 'pem', certPem: 'hello', keyPem } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('The certificate must be PEM text starting with -----BEGIN CERTIFICATE-----');
    expect(
      ProxySettings.safeParse({
        name: 'p',
        listen: { host: '127.0.0.1', port: 1 },
        upstream: { host: 'h', port: 2 },
        enabled: true,
        onUpstreamFailure: 'close',
        toxics: [],
        tls: { listen: { side: 'server', requestClientCert: false } },
      }).success,
    ).toBe(true);
  });
});
