import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex, utf8Decode } from './codec';
import { CHECKSUM_NAMES, CHECKSUMS } from './macros-checksums';
import { cloneMacroContext, compileMacros, evaluateMacros, type MacroContext, newMacroContext } from './macros';
import { compileUserRegex, loadUserRegex } from './user-regex';

beforeAll(() => loadUserRegex());

function bytesOf(input: string, context: MacroContext = newMacroContext()): Uint8Array {
  const result = evaluateMacros(input, context);
  if (!result.ok) throw new Error(result.message);
  return result.bytes;
}
const hexOf = (input: string, context?: MacroContext): string => toHex(bytesOf(input, context));
const textOf = (input: string, context?: MacroContext): string => utf8Decode(bytesOf(input, context));

function errorOf(input: string): { message: string; position?: number } {
  const compiled = compileMacros(input);
  if (compiled.ok) throw new Error(`"${input}" was accepted`);
  return compiled;
}

describe('checksums', () => {
  it.each(CHECKSUM_NAMES)('%s gives the catalogue check value for "123456789"', (name) => {
    const data = new TextEncoder().encode('123456789');
    expect(CHECKSUMS[name].compute(data, 0, data.length)).toBe(CHECKSUMS[name].check);
  });

  it('appends CRC-16/MODBUS low byte first, as Modbus RTU sends it', () => {
    expect(hexOf('{{hex:01 03 00 00 00 0a}}{{crc16-modbus}}')).toBe('01 03 00 00 00 0a c5 cd');
    expect(hexOf('{{hex:01 03 00 00 00 0a}}{{crc16-modbus:be}}')).toBe('01 03 00 00 00 0a cd c5');
  });

  it('writes CRC-32 big-endian unless :le, and covers only the bytes since {{begin}}', () => {
    expect(hexOf('123456789{{crc32}}')).toBe(toHex(new TextEncoder().encode('123456789')) + ' cb f4 39 26');
    expect(hexOf('xx{{begin}}123456789{{crc32:le}}').endsWith('26 39 f4 cb')).toBe(true);
    // Each checksum covers every byte before it since {{begin}}, earlier checksums included.
    expect(hexOf('ab{{begin}}123456789{{sum8}}').slice(-2)).toBe('dd');
    expect(
      hexOf('{{begin}}123456789{{xor8}}{{begin}}123456789{{crc8}}')
        .split(' ')
        .filter((_b, i) => i === 9 || i === 19),
    ).toEqual(['31', 'f4']);
    expect(hexOf('123456789{{crc16-ccitt}}').slice(-5)).toBe('29 b1');
  });

  it('agree with Python zlib.crc32 and binascii.crc_hqx on random data', () => {
    const samples = fc.sample(fc.uint8Array({ minLength: 0, maxLength: 300 }), { numRuns: 200, seed: 15 });
    const script = [
      'import sys, zlib, binascii, json',
      'for line in sys.stdin:',
      '    d = bytes.fromhex(line.strip())',
      '    print(json.dumps([zlib.crc32(d), binascii.crc_hqx(d, 0xffff)]))',
    ].join('\n');
    const input = samples.map((s) => Buffer.from(s).toString('hex')).join('\n') + '\n';
    const lines = execFileSync('python3', ['-c', script], { input, encoding: 'utf8' }).trim().split('\n');
    expect(lines).toHaveLength(samples.length);
    samples.forEach((data, i) => {
      const [crc32, ccitt] = JSON.parse(lines[i]) as [number, number];
      expect(CHECKSUMS.crc32.compute(data, 0, data.length)).toBe(crc32);
      expect(CHECKSUMS['crc16-ccitt'].compute(data, 0, data.length)).toBe(ccitt);
    });
  });
});

describe('length fields', () => {
  it('measure the bytes up to {{end}} in each encoding', () => {
    expect(hexOf('{{len:u8}}abc{{end}}z')).toBe('03 61 62 63 7a');
    expect(hexOf('{{len:u16be}}abc{{end}}')).toBe('00 03 61 62 63');
    expect(hexOf('{{len:u16le}}abc{{end}}')).toBe('03 00 61 62 63');
    expect(hexOf('{{len:u32be}}ab')).toBe('00 00 00 02 61 62');
    expect(hexOf('{{len:u32le}}ab')).toBe('02 00 00 00 61 62');
  });

  it('writes a varint that grows with the length, nested inside another length', () => {
    const long = 'x'.repeat(300);
    const bytes = bytesOf(`{{len:u16be}}{{len:varint}}${long}{{end}}!{{end}}`);
    expect(toHex(bytes.subarray(0, 4))).toBe('01 2f ac 02'); // 303 = 2 + 300 + 1; 300 = ac 02
    expect(bytes.length).toBe(2 + 2 + 300 + 1);
  });

  it('refuses a length that does not fit', () => {
    const result = evaluateMacros(`{{len:u8}}${'x'.repeat(256)}`, newMacroContext());
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/256 bytes do not fit/);
  });
});

describe('counters, clock and randomness', () => {
  it('counts per context, named counters with start, step and zero padding', () => {
    const context = newMacroContext();
    const compiled = compileMacros('{{counter}}/{{counter:seq:10:5:4}}/{{COUNTER}}');
    if (!compiled.ok) throw new Error(compiled.message);
    const run = (): string => utf8Decode(compiled.template.evaluate(context));
    expect(run()).toBe('1/0010/2');
    expect(run()).toBe('3/0015/4');
    expect(textOf('{{counter}}', newMacroContext())).toBe('1');
  });

  it('a preview does not move the counters', () => {
    const context = newMacroContext();
    textOf('{{counter}}', cloneMacroContext(context));
    expect(textOf('{{counter}}', context)).toBe('1');
  });

  it('formats the clock, with Packet Sender names as aliases', () => {
    const context = { ...newMacroContext(), now: () => Date.UTC(2026, 0, 2, 3, 4, 5, 6) };
    expect(textOf('{{iso}}', context)).toBe('2026-01-02T03:04:05.006Z');
    expect(textOf('{{iso:YYYYMMDD-HHmmss.SSS}}', context)).toBe('20260102-030405.006');
    expect(textOf('{{unixtime}} {{UNIXTIME}} {{unixtime_ms}}', context)).toBe('1767323045 1767323045 1767323045006');
    expect(textOf('{{date}}', context)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(textOf('{{time}} {{TIME}}', context)).toMatch(/^\d{2}:\d{2}:\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(textOf('{{DATE}}', context)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('draws random numbers in range, random bytes and UUIDs', () => {
    for (let i = 0; i < 50; i++) {
      const n = Number(textOf('{{random:5:7}}'));
      expect(n).toBeGreaterThanOrEqual(5);
      expect(n).toBeLessThanOrEqual(7);
      expect(Number(textOf('{{RANDOM}}'))).toBeLessThanOrEqual(32767);
    }
    expect(bytesOf('{{randhex:16}}')).toHaveLength(16);
    expect(textOf('{{uuid}}')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(textOf('{{UNIQUE}}')).not.toBe(textOf('{{UNIQUE}}'));
  });
});

describe('text, escapes and variables', () => {
  it('keeps the send bar escapes between macros; \\{ is a literal brace', () => {
    expect(hexOf('a\\r\\n{{hex:00}}\\x41')).toBe('61 0d 0a 00 41');
    expect(textOf('\\{{not a macro}}')).toBe('{{not a macro}}');
    expect(textOf('\\\\{{counter}}')).toBe('\\1');
    expect(textOf('{ } }} single braces')).toBe('{ } }} single braces');
  });

  it('reads variables, and says which exist when one does not', () => {
    expect(textOf('v={{var:v}}', newMacroContext({ v: 'abc' }))).toBe('v=abc');
    const missing = evaluateMacros('{{var:nope}}', newMacroContext({ v: '1' }));
    expect(!missing.ok && missing.message).toMatch(/no variable "nope" \(known: v\)/);
  });

  it('fills auto-reply captures $1, $<name>, $& and $$', () => {
    const regex = compileUserRegex('GET (?<path>\\S+) (HTTP/1\\.[01])');
    if (!regex.ok) throw new Error(regex.message);
    const match = regex.regex.exec('GET /x HTTP/1.1\r\n');
    if (!match) throw new Error('no match');
    const compiled = compileMacros('$2 200 $<path> [$&] $$5 $9x', { captures: true });
    if (!compiled.ok) throw new Error(compiled.message);
    expect(() => compiled.template.evaluate(newMacroContext(), match)).toThrow(/\$9: the pattern has no such group/);
    const ok = compileMacros('$2 200 $<path> [$&] $$5', { captures: true });
    if (!ok.ok) throw new Error(ok.message);
    expect(utf8Decode(ok.template.evaluate(newMacroContext(), match))).toBe('HTTP/1.1 200 /x [GET /x HTTP/1.1] $5');
    expect(textOf('$1 stays text without captures')).toBe('$1 stays text without captures');
  });

  it('a payload without macros is static', () => {
    const compiled = compileMacros('plain\\n');
    expect(compiled.ok && compiled.template.dynamic).toBe(false);
    expect(
      compiled.ok && compileMacros('{{counter}}').ok && (compileMacros('{{counter}}') as { template: { dynamic: boolean } }).template.dynamic,
    ).toBe(true);
  });
});

describe('mistakes are refused with their position', () => {
  it.each([
    ['ab{{nope}}', 3, /"nope" is not a macro/],
    ['ab{{counter', 3, /no closing "}}"/],
    ['{{}}', 1, /empty/],
    ['x{{random:9:1}}', 2, /minimum 9 is above the maximum 1/],
    ['{{random:1}}', 1, /random:min:max/],
    ['{{randhex:0}}', 1, /randhex:N/],
    ['{{hex:zz}}', 1, /hex/i],
    ['{{len:u24}}', 1, /len:u8/],
    ['abc{{end}}', 4, /closes no/],
    ['{{crc32:mid}}', 1, /crc32:le/],
    ['{{uuid:4}}', 1, /takes no arguments/],
    ['{{counter:a:b}}', 1, /start must be a whole number/],
    ['{{var:}}', 1, /var:name/],
    ['ok\\q{{counter}}', 3, /Unknown escape/],
  ])('%s', (input, position, message) => {
    const error = errorOf(input);
    expect(error.message).toMatch(message);
    expect(error.position).toBe(position);
  });
});
