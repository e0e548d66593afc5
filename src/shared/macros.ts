/**
 * Macros in text payloads: `{{counter}}`, `{{iso}}`, `{{crc16-modbus}}`, `{{len:u16be}}…{{end}}`, …
 * A payload is parsed into a template once (every mistake reported with its 1-based position, so
 * the field can point at it) and evaluated into bytes at each send, so a repeat or a sequence gets
 * a fresh counter, time and checksum every time. Pure: shared by main, the renderer and the CLI.
 *
 * Text between macros keeps the send bar's escapes (`\r\n`, `\xNN`); `\{` is a literal `{`, so
 * `\{{` sends two braces. Packet Sender's names (`{{DATE}}`, `{{COUNTER}}`, …) are accepted as they are.
 */
import { parseHex, utf8Encode } from './codec';
import { CHECKSUMS, type ChecksumAlgorithm, isChecksum } from './macros-checksums';
import { parseEscapedText } from './payload';
import type { RegexMatch } from './user-regex';

/** What evaluation keeps between sends: counters (per socket, or per sequence run) and variables. */
export interface MacroContext {
  /** Next value of each counter by name ('' is `{{counter}}`). */
  counters: Map<string, number>;
  /** `{{var:name}}`: captured by sequence steps or given on the command line. */
  vars: Map<string, string>;
  /** Clock and randomness, replaceable in tests. */
  now?: () => number;
  random?: () => number;
}

export function newMacroContext(vars: Record<string, string> = {}): MacroContext {
  return { counters: new Map(), vars: new Map(Object.entries(vars)) };
}

/** A copy that can be evaluated without moving the original's counters (a preview). */
export function cloneMacroContext(context: MacroContext): MacroContext {
  return { ...context, counters: new Map(context.counters), vars: new Map(context.vars) };
}

export type LengthEncoding = 'u8' | 'u16be' | 'u16le' | 'u32be' | 'u32le' | 'varint';
const LENGTH_WIDTH: Record<LengthEncoding, number> = { u8: 1, u16be: 2, u16le: 2, u32be: 4, u32le: 4, varint: 0 };
const LENGTH_MAX: Record<LengthEncoding, number> = {
  u8: 0xff,
  u16be: 0xffff,
  u16le: 0xffff,
  u32be: 0xffffffff,
  u32le: 0xffffffff,
  varint: Number.MAX_SAFE_INTEGER,
};

interface ClockFormat {
  kind: 'date' | 'time' | 'iso';
  pattern: string;
  utc: boolean;
  /** The last time formatted and its text: a repeat sends many times within one millisecond. */
  cache?: { ms: number; text: string };
}

type Part =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'counter'; name: string; start: number; step: number; width: number }
  | { kind: 'clock'; format: ClockFormat }
  | { kind: 'unixtime'; ms: boolean }
  | { kind: 'random'; min: number; max: number }
  | { kind: 'randhex'; count: number }
  | { kind: 'uuid' }
  | { kind: 'begin' }
  | { kind: 'end' }
  | { kind: 'checksum'; algorithm: ChecksumAlgorithm; littleEndian: boolean }
  | { kind: 'length'; encoding: LengthEncoding }
  | { kind: 'var'; name: string }
  | { kind: 'capture'; group: number | string };

/** A macro that cannot be evaluated now: a variable or capture that does not exist, a length too big. */
export class MacroError extends Error {}

export interface MacroTemplate {
  /** The text it was parsed from. */
  readonly source: string;
  /** False when every send gives the same bytes (no macro at all, or only `{{hex:…}}`). */
  readonly dynamic: boolean;
  /** Variables it reads (`{{var:name}}`), in order of first use. */
  readonly variables: readonly string[];
  /** Regex captures it uses (`$1` → 1, `$<name>` → 'name', `$&` → 0). */
  readonly captures: readonly (number | string)[];
  /** The bytes for one send; throws MacroError. The result is the caller's (never reused). */
  evaluate(context: MacroContext, match?: RegexMatch): Uint8Array;
}

export type CompiledMacros = { ok: true; template: MacroTemplate } | { ok: false; message: string; position: number };

export interface MacroOptions {
  /** Auto-reply replies: `$1`, `$<name>`, `$&` stand for the regex's captures (`$$` is a dollar sign). */
  captures?: boolean;
}

export const MACRO_NAMES = [
  'counter',
  'date',
  'time',
  'iso',
  'unixtime',
  'unixtime_ms',
  'random',
  'randhex',
  'uuid',
  'hex',
  'begin',
  'end',
  'sum8',
  'xor8',
  'crc8',
  'crc16-modbus',
  'crc16-ccitt',
  'crc32',
  'len',
  'var',
] as const;

/** Packet Sender's macro names, so its users' packets work unchanged. */
const ALIASES: Record<string, string> = {
  DATE: 'date',
  TIME: 'time',
  UNIXTIME: 'unixtime',
  COUNTER: 'counter',
  RANDOM: 'random',
  UNIQUE: 'uuid',
};

const MAX_RANDOM_BYTES = 65_536;
const MAX_COUNTER_WIDTH = 20;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INTEGER = /^-?\d{1,16}$/;

class Failure {
  constructor(
    readonly message: string,
    readonly position: number,
  ) {}
}

/** Parses a text payload with macros; nothing is evaluated yet. */
export function compileMacros(input: string, options: MacroOptions = {}): CompiledMacros {
  try {
    const parts = parseParts(input, options);
    return { ok: true, template: buildTemplate(input, parts) };
  } catch (error) {
    if (error instanceof Failure) return { ok: false, message: error.message, position: error.position };
    throw error;
  }
}

/** Parse and evaluate once: the payload's bytes now, or what is wrong and where. */
export function evaluateMacros(
  input: string,
  context: MacroContext,
  options: MacroOptions = {},
): { ok: true; bytes: Uint8Array } | { ok: false; message: string; position?: number } {
  const compiled = compileMacros(input, options);
  if (!compiled.ok) return compiled;
  try {
    return { ok: true, bytes: compiled.template.evaluate(context) };
  } catch (error) {
    if (error instanceof MacroError) return { ok: false, message: error.message };
    throw error;
  }
}

/** Whether text could hold a macro at all: old payloads without braces skip the parser's work. */
export function mayHoldMacros(input: string): boolean {
  return input.includes('{{') || input.includes('\\{');
}

function parseParts(input: string, options: MacroOptions): Part[] {
  const parts: Part[] = [];
  let runStart = 0;
  const flush = (end: number): void => {
    if (end <= runStart) return;
    const parsed = parseEscapedText(input.slice(runStart, end));
    if (!parsed.ok)
      throw new Failure(
        parsed.message.replace(/position (\d+)/g, (_m, p: string) => `position ${Number(p) + runStart}`),
        (parsed.position ?? 1) + runStart,
      );
    if (parsed.bytes.byteLength > 0) parts.push({ kind: 'bytes', bytes: parsed.bytes });
  };
  let openLengths = 0;
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch === '\\') {
      if (input[i + 1] === '{') {
        flush(i);
        parts.push({ kind: 'bytes', bytes: Uint8Array.of(0x7b) });
        i += 2;
        runStart = i;
      } else {
        // The escape (`\\`, `\n`, …) is the text parser's; skipping it keeps `\\{{` a macro.
        i += 2;
      }
      continue;
    }
    if (ch === '$' && options.captures) {
      const capture = /^\$(?:(\d{1,2})|(&)|<([A-Za-z_][A-Za-z0-9_]*)>|(\$))/.exec(input.slice(i, i + 40));
      if (capture) {
        flush(i);
        if (capture[4]) parts.push({ kind: 'bytes', bytes: Uint8Array.of(0x24) });
        else parts.push({ kind: 'capture', group: capture[3] ?? (capture[2] ? 0 : Number(capture[1])) });
        i += capture[0].length;
        runStart = i;
        continue;
      }
    }
    if (ch === '{' && input[i + 1] === '{') {
      flush(i);
      const close = input.indexOf('}}', i + 2);
      if (close < 0) {
        throw new Failure(`The macro opened at position ${i + 1} has no closing "}}" (write \\{ for a literal brace)`, i + 1);
      }
      const part = parseMacro(input.slice(i + 2, close), i + 3);
      if (part.kind === 'length') openLengths++;
      if (part.kind === 'end') {
        if (openLengths === 0) throw new Failure(`{{end}} at position ${i + 1} closes no {{len:…}}`, i + 1);
        openLengths--;
      }
      parts.push(part);
      i = close + 2;
      runStart = i;
      continue;
    }
    i++;
  }
  flush(input.length);
  return parts;
}

/** One macro's body (between the braces); `at` is the body's 1-based position, for errors. */
function parseMacro(body: string, at: number): Part {
  const colon = body.indexOf(':');
  const rawName = (colon < 0 ? body : body.slice(0, colon)).trim();
  const rest = colon < 0 ? undefined : body.slice(colon + 1);
  const args = rest === undefined ? [] : rest.split(':');
  const name = ALIASES[rawName] ?? rawName;
  const where = `{{${body}}} at position ${at - 2}`;
  const fail = (why: string): never => {
    throw new Failure(`${where}: ${why}`, at - 2);
  };
  const noArgs = (): void => {
    if (rest !== undefined) fail(`{{${name}}} takes no arguments`);
  };
  const integer = (text: string | undefined, label: string, fallback: number): number => {
    if (text === undefined || text.trim() === '') return fallback;
    if (!INTEGER.test(text.trim())) fail(`${label} must be a whole number, not "${text}"`);
    return Number(text.trim());
  };
  switch (name) {
    case 'counter': {
      if (args.length > 4) fail('write {{counter}} or {{counter:name:start:step:width}}');
      const [counterName = '', start, step, width] = args;
      if (counterName !== '' && !NAME.test(counterName)) fail(`a counter's name is letters, digits and _, not "${counterName}"`);
      const padded = integer(width, 'The width', 0);
      if (padded < 0 || padded > MAX_COUNTER_WIDTH) fail(`the width is 0 to ${MAX_COUNTER_WIDTH} digits`);
      return { kind: 'counter', name: counterName, start: integer(start, 'The start', 1), step: integer(step, 'The step', 1), width: padded };
    }
    case 'date':
    case 'time':
    case 'iso': {
      const defaults = { date: 'YYYY-MM-DD', time: 'HH:mm:ss', iso: '' };
      if (rest !== undefined && rest.trim() === '') fail('the format after ":" is empty (e.g. {{date:DD.MM.YYYY}})');
      return { kind: 'clock', format: { kind: name, pattern: rest ?? defaults[name], utc: name === 'iso' } };
    }
    case 'unixtime':
    case 'unixtime_ms':
      noArgs();
      return { kind: 'unixtime', ms: name === 'unixtime_ms' };
    case 'random': {
      if (rest === undefined) return { kind: 'random', min: 0, max: 32767 };
      if (args.length !== 2) fail('write {{random}} or {{random:min:max}}');
      const min = integer(args[0], 'The minimum', Number.NaN);
      const max = integer(args[1], 'The maximum', Number.NaN);
      if (Number.isNaN(min) || Number.isNaN(max)) fail('write {{random:min:max}} with both numbers');
      if (min > max) fail(`the minimum ${min} is above the maximum ${max}`);
      return { kind: 'random', min, max };
    }
    case 'randhex': {
      const count = integer(args[0], 'The byte count', Number.NaN);
      if (args.length !== 1 || Number.isNaN(count) || count < 1 || count > MAX_RANDOM_BYTES) {
        fail(`write {{randhex:N}} with N random bytes, 1 to ${MAX_RANDOM_BYTES}`);
      }
      return { kind: 'randhex', count };
    }
    case 'uuid':
    case 'unique':
      noArgs();
      return { kind: 'uuid' };
    case 'hex': {
      const parsed = parseHex(rest ?? '');
      if (!parsed.ok) fail(parsed.message);
      else if (parsed.bytes.byteLength === 0) fail('write the bytes, e.g. {{hex:de ad be ef}}');
      else return { kind: 'bytes', bytes: parsed.bytes };
      return fail('unreachable');
    }
    case 'begin':
    case 'end':
      noArgs();
      return { kind: name };
    case 'len': {
      const encoding = args[0] as LengthEncoding;
      if (args.length !== 1 || !Object.hasOwn(LENGTH_WIDTH, encoding)) fail('write {{len:u8}}, u16be, u16le, u32be, u32le or varint');
      return { kind: 'length', encoding };
    }
    case 'var': {
      if (args.length !== 1 || !NAME.test(args[0])) fail('write {{var:name}} with a name of letters, digits and _');
      return { kind: 'var', name: args[0] };
    }
    default: {
      if (isChecksum(name)) {
        const order = args[0];
        if (args.length > 1 || (order !== undefined && order !== 'le' && order !== 'be')) fail(`write {{${name}}}, {{${name}:le}} or {{${name}:be}}`);
        const spec = CHECKSUMS[name];
        return { kind: 'checksum', algorithm: name, littleEndian: order === undefined ? spec.littleEndianByDefault : order === 'le' };
      }
      if (rawName === '') return fail('the macro is empty (write \\{ for a literal brace)');
      return fail(`"${rawName}" is not a macro (known: ${MACRO_NAMES.join(', ')}); write \\{ for a literal brace`);
    }
  }
}

/** A template that always gives these bytes (a hex payload where a template is expected). */
export function staticTemplate(source: string, bytes: Uint8Array): MacroTemplate {
  return { source, dynamic: false, variables: [], captures: [], evaluate: () => bytes.slice() };
}

function buildTemplate(source: string, parts: Part[]): MacroTemplate {
  const variables = [...new Set(parts.flatMap((part) => (part.kind === 'var' ? [part.name] : [])))];
  const captures = [...new Set(parts.flatMap((part) => (part.kind === 'capture' ? [part.group] : [])))];
  if (parts.every((part) => part.kind === 'bytes')) {
    const total = parts.reduce((n, part) => n + (part.kind === 'bytes' ? part.bytes.byteLength : 0), 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      if (part.kind !== 'bytes') continue;
      bytes.set(part.bytes, at);
      at += part.bytes.byteLength;
    }
    return staticTemplate(source, bytes);
  }
  const out = new Output();
  return {
    source,
    dynamic: true,
    variables,
    captures,
    evaluate(context, match) {
      out.length = 0;
      evaluateParts(parts, out, context, match);
      return out.buffer.slice(0, out.length);
    },
  };
}

/** A growing byte buffer, kept by the template between sends so a repeat allocates once. */
class Output {
  buffer = new Uint8Array(256);
  length = 0;

  reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.byteLength);
    this.buffer.set(bytes, this.length);
    this.length += bytes.byteLength;
  }

  /** Text that is ASCII (numbers, dates from the default formats) without an encoder. */
  text(text: string): void {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) {
        this.bytes(utf8Encode(text.slice(i)));
        return;
      }
      this.buffer[this.length++] = code;
    }
  }

  number(value: number, bytes: number, littleEndian: boolean): void {
    this.reserve(bytes);
    for (let k = 0; k < bytes; k++) {
      const shift = 8 * (littleEndian ? k : bytes - 1 - k);
      this.buffer[this.length + k] = Math.floor(value / 2 ** shift) & 0xff;
    }
    this.length += bytes;
  }
}

function evaluateParts(parts: Part[], out: Output, context: MacroContext, match: RegexMatch | undefined): void {
  let regionStart = 0;
  const openLengths: { at: number; encoding: LengthEncoding }[] = [];
  for (const part of parts) {
    switch (part.kind) {
      case 'bytes':
        out.bytes(part.bytes);
        break;
      case 'counter': {
        const value = context.counters.get(part.name) ?? part.start;
        context.counters.set(part.name, value + part.step);
        const digits = String(Math.abs(value)).padStart(part.width, '0');
        out.text(value < 0 ? `-${digits}` : digits);
        break;
      }
      case 'clock': {
        const ms = (context.now ?? Date.now)();
        const { format } = part;
        if (format.cache?.ms !== ms) format.cache = { ms, text: formatClock(format, new Date(ms)) };
        out.text(format.cache.text);
        break;
      }
      case 'unixtime': {
        const ms = (context.now ?? Date.now)();
        out.text(String(part.ms ? ms : Math.floor(ms / 1000)));
        break;
      }
      case 'random':
        out.text(String(part.min + Math.floor((context.random ?? Math.random)() * (part.max - part.min + 1))));
        break;
      case 'randhex': {
        const bytes = new Uint8Array(part.count);
        crypto.getRandomValues(bytes);
        out.bytes(bytes);
        break;
      }
      case 'uuid':
        out.text(uuid());
        break;
      case 'begin':
        regionStart = out.length;
        break;
      case 'checksum': {
        const spec = CHECKSUMS[part.algorithm];
        out.number(spec.compute(out.buffer, regionStart, out.length), spec.bytes, part.littleEndian);
        break;
      }
      case 'length':
        openLengths.push({ at: out.length, encoding: part.encoding });
        out.reserve(LENGTH_WIDTH[part.encoding]);
        out.length += LENGTH_WIDTH[part.encoding];
        break;
      case 'end': {
        const open = openLengths.pop();
        if (open) closeLength(out, open);
        break;
      }
      case 'var': {
        const value = context.vars.get(part.name);
        if (value === undefined) {
          const known = [...context.vars.keys()];
          throw new MacroError(
            `{{var:${part.name}}}: no variable "${part.name}" (${known.length ? `known: ${known.join(', ')}` : 'none captured yet'})`,
          );
        }
        out.text(value);
        break;
      }
      case 'capture': {
        const shown = typeof part.group === 'number' ? (part.group === 0 ? '$&' : `$${part.group}`) : `$<${part.group}>`;
        if (!match) throw new MacroError(`${shown} needs a regex rule: only a regex has captures`);
        const value = typeof part.group === 'number' ? match.groups[part.group] : match.named[part.group];
        if (value === undefined && (typeof part.group === 'number' ? part.group >= match.groups.length : !(part.group in match.named))) {
          throw new MacroError(`${shown}: the pattern has no such group`);
        }
        // A group that exists but did not take part in the match is empty, as in JavaScript.
        out.text(value ?? '');
        break;
      }
    }
  }
  // A length without {{end}} measures to the end of the payload.
  while (openLengths.length > 0) {
    const open = openLengths.pop();
    if (open) closeLength(out, open);
  }
}

function closeLength(out: Output, open: { at: number; encoding: LengthEncoding }): void {
  const width = LENGTH_WIDTH[open.encoding];
  const length = out.length - open.at - width;
  if (length > LENGTH_MAX[open.encoding]) {
    throw new MacroError(`{{len:${open.encoding}}}: ${length} bytes do not fit (at most ${LENGTH_MAX[open.encoding]})`);
  }
  if (open.encoding !== 'varint') {
    const end = out.length;
    out.length = open.at;
    out.number(length, width, open.encoding.endsWith('le') || open.encoding === 'u8');
    out.length = end;
    return;
  }
  const varint: number[] = [];
  let rest = length;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    varint.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  out.reserve(varint.length);
  out.buffer.copyWithin(open.at + varint.length, open.at, out.length);
  out.buffer.set(varint, open.at);
  out.length += varint.length;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function formatClock(format: ClockFormat, date: Date): string {
  if (format.kind === 'iso' && format.pattern === '') return date.toISOString();
  const utc = format.utc;
  const fields: Record<string, string> = {
    YYYY: String(utc ? date.getUTCFullYear() : date.getFullYear()),
    MM: pad((utc ? date.getUTCMonth() : date.getMonth()) + 1),
    DD: pad(utc ? date.getUTCDate() : date.getDate()),
    HH: pad(utc ? date.getUTCHours() : date.getHours()),
    mm: pad(utc ? date.getUTCMinutes() : date.getMinutes()),
    ss: pad(utc ? date.getUTCSeconds() : date.getSeconds()),
    SSS: pad(utc ? date.getUTCMilliseconds() : date.getMilliseconds(), 3),
  };
  return format.pattern.replace(/YYYY|MM|DD|HH|mm|SSS|ss/g, (token) => fields[token] ?? token);
}

const HEX = Array.from({ length: 256 }, (_v, i) => i.toString(16).padStart(2, '0'));

/** A version 4 UUID; getRandomValues exists in Node and in every page (randomUUID needs HTTPS). */
function uuid(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (byte) => HEX[byte]);
  return `${h.slice(0, 4).join('')}-${h.slice(4, 6).join('')}-${h.slice(6, 8).join('')}-${h.slice(8, 10).join('')}-${h.slice(10).join('')}`;
}
