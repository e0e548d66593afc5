/**
 * What a hostile or broken peer sends, and every framing a user may pick, as fast-check
 * arbitraries: shared by the framer's fuzz test and the auto-reply frame assembler's.
 */
import fc from 'fast-check';
import { concatBytes } from '../codec';
import type { FramingSpec } from '../framing';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Starts of messages that promise more than will ever come, or nest without end. */
const treacherous = fc.constantFrom(
  ascii('GET / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n'),
  ascii('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n'),
  ascii('POST / HTTP/1.1\r\nContent-Length: -5\r\nContent-Length: 7\r\n\r\n'),
  ascii('HTTP/1.1 200 OK\r\n' + 'X: y\r\n'.repeat(2000)),
  ascii('$9999999999999\r\n'),
  ascii('*2147483648\r\n'),
  ascii('*-1\r\n$-1\r\n'),
  ascii('*1\r\n'.repeat(5000)),
  ascii('['.repeat(5000)),
  ascii('{"a":'.repeat(3000)),
  Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
  Uint8Array.of(0, 0, 0, 0),
);
export const peerBytes = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.uint8Array({ maxLength: 64 }) }, { weight: 1, arbitrary: treacherous }), { maxLength: 5 })
  .map((parts) => concatBytes(...parts));

export const anySpec: fc.Arbitrary<FramingSpec> = fc.oneof(
  fc.constant<FramingSpec>({ mode: 'raw' }),
  fc.uint8Array({ minLength: 1, maxLength: 4 }).map<FramingSpec>((d) => ({ mode: 'delimiter', delimiter: [...d] })),
  fc.record({
    mode: fc.constant('length' as const),
    headerBytes: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
    endian: fc.constantFrom('big' as const, 'little' as const),
    includesHeader: fc.boolean(),
  }),
  fc.constantFrom<FramingSpec>({ mode: 'message', protocol: 'http' }, { mode: 'message', protocol: 'resp' }),
  fc.integer({ min: 1, max: 64 }).map<FramingSpec>((size) => ({ mode: 'fixed', size })),
);
