/** RESP values and their encoding, for property tests of the RESP decoder and the RESP framing. */
import fc from 'fast-check';
import type { RespValue } from './resp';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** RESP as a Redis server writes it, for round trips. */
export function encodeResp(value: RespValue): string {
  switch (value.type) {
    case 'simple':
      return `+${value.value}\r\n`;
    case 'error':
      return `-${value.value}\r\n`;
    case 'integer':
      return `:${value.value}\r\n`;
    case 'double':
      return `,${value.value}\r\n`;
    case 'boolean':
      return `#${value.value ? 't' : 'f'}\r\n`;
    case 'null':
      return '_\r\n';
    case 'bulk':
      return `$${value.value.length}\r\n${text(value.value)}\r\n`;
    case 'aggregate':
      return `${{ array: '*', set: '~', push: '>' }[value.of]}${value.items.length}\r\n${value.items.map(encodeResp).join('')}`;
    case 'map':
      return `%${value.entries.length}\r\n${value.entries.map(([k, v]) => encodeResp(k) + encodeResp(v)).join('')}`;
    case 'inline':
      return `${value.words.join(' ')}\r\n`;
  }
}

const line = fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'K', '1', ':'), maxLength: 8 });
/** Any RESP value a server might send (RESP3 maps and sets included). */
export const { resp: respValue } = fc.letrec<{ resp: RespValue }>((tie) => ({
  resp: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    line.map((value): RespValue => ({ type: 'simple', value })),
    line.map((value): RespValue => ({ type: 'error', value })),
    fc.integer().map((n): RespValue => ({ type: 'integer', value: String(n) })),
    fc.boolean().map((value): RespValue => ({ type: 'boolean', value })),
    fc.constant<RespValue>({ type: 'null' }),
    fc.string({ maxLength: 12 }).map((s): RespValue => ({ type: 'bulk', value: bytes(s) })),
    fc
      .record({ of: fc.constantFrom('array' as const, 'set' as const, 'push' as const), items: fc.array(tie('resp'), { maxLength: 4 }) })
      .map((v): RespValue => ({ type: 'aggregate', ...v })),
    fc.array(fc.tuple(tie('resp'), tie('resp')), { maxLength: 3 }).map((entries): RespValue => ({ type: 'map', of: 'map', entries })),
  ),
}));
