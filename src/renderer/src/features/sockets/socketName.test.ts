import { describe, expect, it } from 'vitest';
import type { SocketInfo } from '@shared/contract';
import { socketInfo } from '@shared/test-support/socket-info';
import { socketName } from './socketName';

const at = (port: number) => ({ address: '127.0.0.1', port, family: 'IPv4' as const });
const proxySettings = (protocol: 'tcp' | 'udp'): NonNullable<SocketInfo['proxy']> => ({
  name: 'p',
  listen: { host: '127.0.0.1', port: 0 },
  upstream: { host: '127.0.0.1', port: 6379 },
  enabled: true,
  onUpstreamFailure: 'close',
  toxics: [],
  protocol,
});
const STATES = ['connecting', 'open', 'listening', 'half-closed', 'closed', 'error'];

describe("a socket row's accessible name", () => {
  it.each<[string, Partial<SocketInfo>, string]>([
    ['a TCP client', { local: at(5000), remote: at(6379) }, 'TCP client 127.0.0.1:5000 to 127.0.0.1:6379, open'],
    ['a TCP client connecting', { state: 'connecting', requested: { host: '127.0.0.1', port: 6379 } }, 'TCP client to 127.0.0.1:6379, connecting'],
    ['a listener', { kind: 'tcp-listener', state: 'listening', local: at(6379) }, 'TCP listener on 127.0.0.1:6379, listening'],
    ['a stopped listener', { kind: 'tcp-listener', state: 'closed', local: at(6379) }, 'TCP listener on 127.0.0.1:6379, closed'],
    ['a listener not yet bound', { kind: 'tcp-listener', state: 'closed' }, 'TCP listener, closed'],
    [
      'a TLS listener',
      { kind: 'tcp-listener', state: 'listening', local: at(8443), tls: { role: 'server' } as SocketInfo['tls'] },
      'TLS listener on 127.0.0.1:8443, listening',
    ],
    [
      'an accepted connection',
      { kind: 'tcp-connection', local: at(6379), remote: at(5000) },
      'Accepted connection 127.0.0.1:6379 to 127.0.0.1:5000, open',
    ],
    ['a UDP socket', { kind: 'udp', local: at(9000) }, 'UDP socket 127.0.0.1:9000, open'],
    [
      'a UDP socket with a target',
      { kind: 'udp', local: at(9000), defaultTarget: { host: '127.0.0.1', port: 53 } },
      'UDP socket 127.0.0.1:9000 to 127.0.0.1:53, open',
    ],
    [
      'a proxy',
      { kind: 'proxy', state: 'listening', local: at(7000), proxy: proxySettings('tcp') },
      'Proxy 127.0.0.1:7000 to 127.0.0.1:6379, listening',
    ],
    [
      'a UDP proxy',
      { kind: 'proxy', state: 'listening', local: at(7000), proxy: proxySettings('udp') },
      'UDP proxy 127.0.0.1:7000 to 127.0.0.1:6379, listening',
    ],
    [
      'a proxied conversation',
      {
        kind: 'proxy-conversation',
        remote: at(5000),
        local: at(7000),
        conversation: { clientOpen: true, upstreamOpen: true, upstreamRemote: at(6379) },
      },
      'Proxied conversation from 127.0.0.1:5000 via 127.0.0.1:7000 to 127.0.0.1:6379, open',
    ],
    [
      'a proxied UDP conversation',
      {
        kind: 'proxy-conversation',
        remote: at(5000),
        local: at(7000),
        conversation: { protocol: 'udp', clientOpen: true, upstreamOpen: true, upstreamRemote: at(53) },
      },
      'Proxied UDP conversation from 127.0.0.1:5000 via 127.0.0.1:7000 to 127.0.0.1:53, open',
    ],
    [
      "an imported listener's log",
      { kind: 'imported', state: 'closed', local: at(6379), importedFrom: { kind: 'tcp-listener' } as SocketInfo['importedFrom'] },
      'Imported log on 127.0.0.1:6379, closed',
    ],
  ])('%s says its kind, endpoints and state once', (_what, patch, name) => {
    const said = socketName(socketInfo('s', patch));
    expect(said).toBe(name);
    const states = said.split(/[\s,]+/).filter((word) => STATES.includes(word));
    expect(states).toEqual([patch.state ?? 'open']);
  });
});
