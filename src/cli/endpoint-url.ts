import { InvalidArgumentError } from 'commander';
import { Host, PeerPort, Port } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';

export interface SocketUrl {
  /** tls: TCP with TLS over it (send and listen take --insecure, --cert, … for it). */
  protocol: 'tcp' | 'udp' | 'tls';
  host: string;
  port: number;
}

const SHAPE = /^(tcp|udp|tls):\/\/(\[[^\]]*\]|[^[\]/:]*):([^/]*)\/?$/i;

/**
 * `tcp://host:port`, `udp://host:port`, with IPv6 addresses in brackets (`tcp://[::1]:8080`).
 * `portZero` allows port 0 (listen: let the system pick). Host and port are checked with the
 * contract's own rules, so the command line refuses what the app would, in the same words.
 */
export function parseSocketUrl(text: string, options: { portZero: boolean }): SocketUrl {
  const example = options.portZero
    ? 'tcp://127.0.0.1:8080, tls://[::1]:8443 or udp://0.0.0.0:0'
    : 'tcp://127.0.0.1:8080, tls://[::1]:8443 or udp://127.0.0.1:9000';
  const match = SHAPE.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`Expected tcp://host:port, tls://host:port or udp://host:port, e.g. ${example}.`);
  const [, protocol, rawHost, rawPort] = match;
  if (rawPort.includes(':')) throw new InvalidArgumentError('An IPv6 address goes in brackets, e.g. tcp://[::1]:8080.');
  const bracketed = rawHost.startsWith('[');
  const host = Host.safeParse(bracketed ? rawHost.slice(1, -1) : rawHost);
  if (!host.success) throw new InvalidArgumentError(`${host.error.issues[0].message}.`);
  if (bracketed && !host.data.includes(':')) throw new InvalidArgumentError('Brackets are for IPv6 addresses, e.g. tcp://[::1]:8080.');
  const port = (options.portZero ? Port : PeerPort).safeParse(/^\d+$/.test(rawPort) ? Number(rawPort) : Number.NaN);
  if (!port.success) {
    throw new InvalidArgumentError(rawPort === '' ? 'A port is required, e.g. tcp://127.0.0.1:8080.' : `${port.error.issues[0].message}.`);
  }
  return { protocol: protocol.toLowerCase() as SocketUrl['protocol'], host: host.data, port: port.data };
}

/** The URL form again, for messages: `tcp://[::1]:8080`. */
export function formatSocketUrl({ protocol, host, port }: SocketUrl): string {
  return `${protocol}://${formatEndpoint({ host, port })}`;
}
