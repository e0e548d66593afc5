/**
 * Raw IPv4/IPv6 packets carrying TCP segments or UDP datagrams, built from what the log knows, for
 * a capture file. Header checksums are computed (IPv4 header, TCP and UDP over the pseudo-header)
 * so Wireshark's checksum validation, when switched on, finds nothing wrong.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type IpAddress = { family: 4; bytes: Uint8Array } | { family: 6; bytes: Uint8Array };

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/** Payload bytes in one segment: what fits an IPv4 packet (65,535 less 20 + 20 bytes of headers). */
export const MAX_TCP_PAYLOAD = 65_535 - 40;
/** The largest UDP payload each family can carry without jumbograms. */
export const MAX_UDP_PAYLOAD: Record<IpAddress['family'], number> = { 4: 65_535 - 28, 6: 65_535 - 8 };

const PROTOCOL_TCP = 6;
const PROTOCOL_UDP = 17;

/**
 * An address as the packet carries it: an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, what a
 * dual-stack socket reports) becomes the IPv4 address it is; a zone (`%eth0`) is dropped.
 */
export function parseIpAddress(address: string): IpAddress | undefined {
  const plain = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain);
  const v4 = mapped ? mapped[1] : plain;
  if (isIPv4(v4)) return { family: 4, bytes: Uint8Array.from(v4.split('.').map(Number)) };
  if (!isIPv6(plain)) return undefined;
  return { family: 6, bytes: ipv6Bytes(plain) };
}

function ipv6Bytes(address: string): Uint8Array {
  let text = address;
  const bytes = new Uint8Array(16);
  // An embedded IPv4 tail (`::1.2.3.4`, `64:ff9b::1.2.3.4`) becomes two groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail[1].split('.').map(Number);
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups =
    rest === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - restGroups.length).fill('0'), ...restGroups];
  groups.forEach((group, i) => {
    const value = Number.parseInt(group, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  return bytes;
}

export function isUnspecified(address: IpAddress): boolean {
  return address.bytes.every((b) => b === 0);
}

export function isLoopback(address: IpAddress): boolean {
  if (address.family === 4) return address.bytes[0] === 127;
  return address.bytes.slice(0, 15).every((b) => b === 0) && address.bytes[15] === 1;
}

export function loopbackOf(family: IpAddress['family']): IpAddress {
  return family === 4 ? { family, bytes: Uint8Array.of(127, 0, 0, 1) } : { family, bytes: Uint8Array.of(...new Array<number>(15).fill(0), 1) };
}

export function unspecifiedOf(family: IpAddress['family']): IpAddress {
  return { family, bytes: new Uint8Array(family === 4 ? 4 : 16) };
}

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  payload?: Uint8Array;
}

/** One IP packet holding a TCP segment (no options; window 65535). */
export function tcpPacket(src: IpAddress, dst: IpAddress, segment: TcpSegment, ipId: number): Uint8Array {
  const payload = segment.payload ?? new Uint8Array(0);
  const tcp = new Uint8Array(20 + payload.byteLength);
  const view = new DataView(tcp.buffer);
  view.setUint16(0, segment.srcPort);
  view.setUint16(2, segment.dstPort);
  view.setUint32(4, segment.seq >>> 0);
  view.setUint32(8, segment.flags & TCP_ACK ? segment.ack >>> 0 : 0);
  tcp[12] = 5 << 4;
  tcp[13] = segment.flags;
  view.setUint16(14, 65535);
  tcp.set(payload, 20);
  view.setUint16(16, transportChecksum(src, dst, PROTOCOL_TCP, tcp));
  return ipPacket(src, dst, PROTOCOL_TCP, tcp, ipId);
}

/** One IP packet holding a UDP datagram. */
export function udpPacket(src: IpAddress, dst: IpAddress, srcPort: number, dstPort: number, payload: Uint8Array, ipId: number): Uint8Array {
  const udp = new Uint8Array(8 + payload.byteLength);
  const view = new DataView(udp.buffer);
  view.setUint16(0, srcPort);
  view.setUint16(2, dstPort);
  view.setUint16(4, udp.byteLength);
  udp.set(payload, 8);
  // 0 means "no checksum" in UDP, so a computed 0 is sent as its ones'-complement twin.
  view.setUint16(6, transportChecksum(src, dst, PROTOCOL_UDP, udp) || 0xffff);
  return ipPacket(src, dst, PROTOCOL_UDP, udp, ipId);
}

function ipPacket(src: IpAddress, dst: IpAddress, protocol: number, body: Uint8Array, ipId: number): Uint8Array {
  if (src.family === 4 && dst.family === 4) {
    const packet = new Uint8Array(20 + body.byteLength);
    const view = new DataView(packet.buffer);
    packet[0] = 0x45;
    view.setUint16(2, packet.byteLength);
    view.setUint16(4, ipId & 0xffff);
    view.setUint16(6, 0x4000); // don't fragment
    packet[8] = 64;
    packet[9] = protocol;
    packet.set(src.bytes, 12);
    packet.set(dst.bytes, 16);
    view.setUint16(10, onesComplement(sum16(packet.subarray(0, 20), 0)));
    packet.set(body, 20);
    return packet;
  }
  const packet = new Uint8Array(40 + body.byteLength);
  const view = new DataView(packet.buffer);
  view.setUint32(0, 0x6000_0000);
  view.setUint16(4, body.byteLength);
  packet[6] = protocol;
  packet[7] = 64;
  packet.set(asIpv6(src), 8);
  packet.set(asIpv6(dst), 24);
  packet.set(body, 40);
  return packet;
}

/** A mixed pair (never from one socket, but possible in a hand-edited log) travels as IPv6. */
function asIpv6(address: IpAddress): Uint8Array {
  if (address.family === 6) return address.bytes;
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  bytes.set(address.bytes, 12);
  return bytes;
}

function transportChecksum(src: IpAddress, dst: IpAddress, protocol: number, segment: Uint8Array): number {
  let sum: number;
  if (src.family === 4 && dst.family === 4) {
    sum = sum16(src.bytes, 0);
    sum = sum16(dst.bytes, sum);
    sum += protocol + segment.byteLength;
  } else {
    sum = sum16(asIpv6(src), 0);
    sum = sum16(asIpv6(dst), sum);
    sum += (segment.byteLength >>> 16) + (segment.byteLength & 0xffff) + protocol;
  }
  return onesComplement(sum16(segment, sum));
}

/** Adds `bytes` as big-endian 16-bit words (an odd last byte padded with zero) to `sum`. */
function sum16(bytes: Uint8Array, start: number): number {
  let sum = start;
  const even = bytes.byteLength & ~1;
  for (let i = 0; i < even; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (even < bytes.byteLength) sum += bytes[even] << 8;
  // Folding once per packet is enough: 32k words of at most 0xffff cannot overflow a double.
  return sum;
}

function onesComplement(sum: number): number {
  let folded = sum;
  while (folded > 0xffff) folded = (folded & 0xffff) + Math.floor(folded / 0x10000);
  return ~folded & 0xffff;
}
