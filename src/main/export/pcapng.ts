/**
 * A pcapng writer (IETF draft-ietf-opsawg-pcapng): one section header, one interface of raw IP
 * packets (LINKTYPE_RAW, so IPv4 and IPv6 share it and no MAC addresses need inventing), and an
 * enhanced packet block per packet with a microsecond timestamp. Little-endian throughout, which
 * the byte-order magic tells readers.
 */
import { concatBytes } from '@shared/codec';

const BLOCK_SECTION_HEADER = 0x0a0d0d0a;
const BLOCK_INTERFACE_DESCRIPTION = 0x00000001;
const BLOCK_ENHANCED_PACKET = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const LINKTYPE_RAW = 101;

const OPT_END = 0;
const OPT_COMMENT = 1;
const SHB_USER_APPLICATION = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;

const text = new TextEncoder();

/** The section header and the one interface every packet is on: the start of every file. */
export function pcapngHeader(application: string): Uint8Array {
  const sectionBody = new Uint8Array(16);
  const section = new DataView(sectionBody.buffer);
  section.setUint32(0, BYTE_ORDER_MAGIC, true);
  section.setUint16(4, 1, true);
  section.setUint16(6, 0, true);
  // Section length unknown (-1): readers walk the blocks instead of skipping the section.
  section.setBigInt64(8, -1n, true);
  const interfaceBody = new Uint8Array(8);
  const iface = new DataView(interfaceBody.buffer);
  iface.setUint16(0, LINKTYPE_RAW, true);
  // Snap length 0: packets are never cut short. The default timestamp resolution is microseconds.
  iface.setUint32(4, 0, true);
  return concatBytes(
    block(BLOCK_SECTION_HEADER, sectionBody, options([[SHB_USER_APPLICATION, application]])),
    block(
      BLOCK_INTERFACE_DESCRIPTION,
      interfaceBody,
      options([
        [IF_NAME, 'sockscope'],
        [IF_DESCRIPTION, 'Traffic logged by Sockscope; TCP handshakes and closes are synthesized from its log'],
      ]),
    ),
  );
}

/** One packet at `timeMs` (epoch milliseconds, sub-millisecond part kept to the microsecond). */
export function enhancedPacket(timeMs: number, packet: Uint8Array, comment?: string): Uint8Array {
  const body = new Uint8Array(20 + padded(packet.byteLength));
  const view = new DataView(body.buffer);
  const micros = BigInt(Math.round(timeMs * 1000));
  view.setUint32(0, 0, true); // interface 0
  view.setUint32(4, Number(micros >> 32n), true);
  view.setUint32(8, Number(micros & 0xffff_ffffn), true);
  view.setUint32(12, packet.byteLength, true);
  view.setUint32(16, packet.byteLength, true);
  body.set(packet, 20);
  return block(BLOCK_ENHANCED_PACKET, body, comment === undefined ? new Uint8Array(0) : options([[OPT_COMMENT, comment]]));
}

/** type, total length, body, options, total length again (so readers can walk backwards too). */
function block(type: number, body: Uint8Array, opts: Uint8Array): Uint8Array {
  const total = 12 + body.byteLength + opts.byteLength;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, total, true);
  out.set(body, 8);
  out.set(opts, 8 + body.byteLength);
  view.setUint32(total - 4, total, true);
  return out;
}

function options(list: [code: number, value: string][]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [code, value] of list) {
    const bytes = text.encode(value);
    const option = new Uint8Array(4 + padded(bytes.byteLength));
    const view = new DataView(option.buffer);
    view.setUint16(0, code, true);
    view.setUint16(2, bytes.byteLength, true);
    option.set(bytes, 4);
    parts.push(option);
  }
  const end = new Uint8Array(4);
  new DataView(end.buffer).setUint16(0, OPT_END, true);
  parts.push(end);
  return concatBytes(...parts);
}

function padded(length: number): number {
  return (length + 3) & ~3;
}
