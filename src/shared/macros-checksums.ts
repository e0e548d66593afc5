/**
 * The checksums a payload macro can append (`{{crc16-modbus}}` …), each as the catalogue of
 * parametrised CRC algorithms defines it, so the bytes match what devices and other tools compute.
 * Table-driven: a repeat evaluates these once per send. The tables are built by the first checksum
 * that uses one: this module loads with the contract, at the host's first message, when none is.
 */
import { builtOnUse } from './built-on-use';

export type ChecksumAlgorithm = 'sum8' | 'xor8' | 'crc8' | 'crc16-modbus' | 'crc16-ccitt' | 'crc32';

export interface ChecksumSpec {
  /** Width of the result in bytes. */
  bytes: 1 | 2 | 4;
  /** How the result is written when the macro does not say (`:le` / `:be`). */
  littleEndianByDefault: boolean;
  compute(data: Uint8Array, start: number, end: number): number;
  /** The catalogue's check value: the checksum of the ASCII bytes "123456789". */
  check: number;
}

function table(build: (index: number) => number, size = 256): () => Uint32Array {
  return builtOnUse(() => {
    const out = new Uint32Array(size);
    for (let i = 0; i < size; i++) out[i] = build(i);
    return out;
  });
}

/** CRC-8 (SMBus): poly 0x07, init 0, not reflected. */
const CRC8 = table((i) => {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  return c;
});

/** CRC-16/MODBUS: poly 0x8005 reflected (0xA001), init 0xFFFF. */
const CRC16_MODBUS = table((i) => {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  return c;
});

/** CRC-16/CCITT-FALSE (IBM-3740): poly 0x1021, init 0xFFFF, not reflected. */
const CRC16_CCITT = table((i) => {
  let c = i << 8;
  for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  return c;
});

/** CRC-32 (ISO-HDLC, zlib's): poly 0x04C11DB7 reflected (0xEDB88320), init and xorout 0xFFFFFFFF. */
const CRC32 = table((i) => {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  return c >>> 0;
});

export const CHECKSUMS: Record<ChecksumAlgorithm, ChecksumSpec> = {
  sum8: {
    bytes: 1,
    littleEndianByDefault: false,
    check: 0xdd,
    compute(data, start, end) {
      let sum = 0;
      for (let i = start; i < end; i++) sum += data[i];
      return sum & 0xff;
    },
  },
  xor8: {
    bytes: 1,
    littleEndianByDefault: false,
    check: 0x31,
    compute(data, start, end) {
      let x = 0;
      for (let i = start; i < end; i++) x ^= data[i];
      return x;
    },
  },
  crc8: {
    bytes: 1,
    littleEndianByDefault: false,
    check: 0xf4,
    compute(data, start, end) {
      const crc8 = CRC8();
      let crc = 0;
      for (let i = start; i < end; i++) crc = crc8[crc ^ data[i]];
      return crc;
    },
  },
  'crc16-modbus': {
    bytes: 2,
    // Modbus RTU sends the low byte first.
    littleEndianByDefault: true,
    check: 0x4b37,
    compute(data, start, end) {
      const modbus = CRC16_MODBUS();
      let crc = 0xffff;
      for (let i = start; i < end; i++) crc = (crc >>> 8) ^ modbus[(crc ^ data[i]) & 0xff];
      return crc;
    },
  },
  'crc16-ccitt': {
    bytes: 2,
    littleEndianByDefault: false,
    check: 0x29b1,
    compute(data, start, end) {
      const ccitt = CRC16_CCITT();
      let crc = 0xffff;
      for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ ccitt[((crc >>> 8) ^ data[i]) & 0xff];
      return crc;
    },
  },
  crc32: {
    bytes: 4,
    littleEndianByDefault: false,
    check: 0xcbf43926,
    compute(data, start, end) {
      const crc32 = CRC32();
      let crc = 0xffffffff;
      for (let i = start; i < end; i++) crc = (crc >>> 8) ^ crc32[(crc ^ data[i]) & 0xff];
      return (crc ^ 0xffffffff) >>> 0;
    },
  },
};

export const CHECKSUM_NAMES = Object.keys(CHECKSUMS) as ChecksumAlgorithm[];

export function isChecksum(name: string): name is ChecksumAlgorithm {
  return Object.hasOwn(CHECKSUMS, name);
}
