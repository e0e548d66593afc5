/** Endpoints as the contract shows them, and name resolution for the sockets that need it. */
import { lookup } from 'node:dns/promises';
import { isIP, type Socket } from 'node:net';
import type { Endpoint } from '@shared/contract';
import { reportInternalsFallback } from './node-internals';

export type Family = Endpoint['family'];

/** Node reports families as 'IPv4'/'IPv6' on sockets and as 4/6 from dns. */
export function familyOf(value: string | number | undefined, address?: string): Family {
  if (value === 'IPv6' || value === 6) return 'IPv6';
  if (value === 'IPv4' || value === 4) return 'IPv4';
  return address !== undefined && isIP(address) === 6 ? 'IPv6' : 'IPv4';
}

const COLON = 0x3a;

/** An Endpoint when Node knows both address and port (it does not for a destroyed socket). */
export function toEndpoint(address: string | undefined, port: number | undefined, family?: string | number): Endpoint | undefined {
  if (address === undefined || address === '' || port === undefined) return undefined;
  // A dual-stack (::) socket sees IPv4 peers as ::ffff:a.b.c.d: they are IPv4 peers, shown and
  // answered as such (a reply to the IPv4 address is mapped again on the way out).
  // Only an address that starts with ':' can be one (a regular expression per accept is not free).
  const mapped = address.charCodeAt(0) === COLON ? /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address) : null;
  if (mapped) return { address: mapped[1], port, family: 'IPv4' };
  return { address, port, family: familyOf(family, address) };
}

/** What a TCP handle's getpeername fills in (lib/net.js reads it so, stable since Node 0.x). */
interface PeerName {
  address?: string;
  port?: number;
  family?: string;
}

/**
 * Filled by each peerOf, then copied: the handle sets the three properties from C++, and on an
 * object that has them already it only replaces their values.
 */
const peerName: PeerName = { address: undefined, port: undefined, family: undefined };

/**
 * The peer of a connected TCP socket, asked of its handle. Socket.remoteAddress asks the same (a
 * system call) and keeps the answer on the socket: one more object on each of 19,000 accepted
 * connections, whose record already holds it as an Endpoint.
 */
export function peerOf(socket: Socket): Endpoint | undefined {
  const handle = (socket as unknown as { _handle?: { getpeername?: (out: PeerName) => number } | null })._handle;
  if (typeof handle?.getpeername !== 'function') {
    if (handle) reportInternalsFallback('Socket._handle.getpeername', "each accepted connection keeps its peer's address twice", undefined);
    return toEndpoint(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
  }
  peerName.address = undefined;
  if (handle.getpeername(peerName) !== 0) return undefined;
  return toEndpoint(peerName.address, peerName.port, peerName.family);
}

export interface ResolvedAddress {
  address: string;
  family: Family;
}

/**
 * The first address for `host` in the system resolver's order (an IP literal resolves to itself).
 * `family` restricts the answer, e.g. to what a UDP socket of that family can reach.
 */
export async function resolveHost(host: string, family?: Family): Promise<ResolvedAddress> {
  const literal = isIP(host);
  if (literal !== 0) return { address: host, family: literal === 6 ? 'IPv6' : 'IPv4' };
  const result = await lookup(host, { family: family === 'IPv6' ? 6 : family === 'IPv4' ? 4 : 0 });
  return { address: result.address, family: familyOf(result.family, result.address) };
}

/** An IPv4 address as a dual-stack IPv6 socket must be given it. */
export function ipv4Mapped(address: string): string {
  return `::ffff:${address}`;
}
