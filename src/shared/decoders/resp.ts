/**
 * RESP, the Redis protocol (RESP2 and the RESP3 types), for the Decoded view: every value in the
 * bytes (pipelined replies arrive together), plus inline commands as `redis-cli` and `nc` users
 * type them. A value cut short is reported, with what came before it. Never throws.
 */
import { latin1Decode } from '../payload';
import { clip, type DecodeFailure, lineEnd } from './result';

export type RespValue =
  | { type: 'simple'; value: string }
  | { type: 'error'; value: string }
  | { type: 'integer'; value: string }
  | { type: 'double'; value: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  | { type: 'bulk'; value: Uint8Array; format?: string }
  | { type: 'aggregate'; of: 'array' | 'set' | 'push'; items: RespValue[]; partial?: true }
  | { type: 'map'; of: 'map' | 'attribute'; entries: [RespValue, RespValue][]; partial?: true }
  | { type: 'inline'; words: string[] };

export interface RespView {
  kind: 'resp';
  values: RespValue[];
  /** Why decoding stopped before the end of the bytes: a value cut short, or bytes that are not RESP. */
  stopped?: string;
}

const TYPE_BYTES = '+-:$*_#,(!=%~>|';
/** Aggregates nested deeper than this are refused rather than risking the stack (or a framer's memory). */
export const MAX_RESP_DEPTH = 64;
/** Values decoded from one frame at most; a reply of a million elements is summarised by its start. */
const MAX_VALUES = 10_000;

/** Whether the bytes start like a RESP value: a type byte, then a header line ended by CR LF. */
export function looksLikeResp(bytes: Uint8Array): boolean {
  if (bytes.length < 3 || !TYPE_BYTES.includes(String.fromCharCode(bytes[0]))) return false;
  const lf = lineEnd(bytes, 0);
  if (lf < 2 || bytes[lf - 1] !== 0x0d) return false;
  const header = latin1Decode(bytes.subarray(1, lf - 1));
  return '$*%~>|='.includes(String.fromCharCode(bytes[0])) ? /^-?\d+$/.test(header) : true;
}

/** The length or element count in a blob's or an aggregate's header line (after its type byte); -1 is null. */
export function respLength(header: string): number | undefined {
  return /^-?\d{1,10}$/.test(header) ? Number(header) : undefined;
}

class Invalid extends Error {}

export function decodeResp(bytes: Uint8Array): RespView | DecodeFailure {
  const reader = new RespReader(bytes);
  const values: RespValue[] = [];
  try {
    while (!reader.atEnd() && reader.stopped === undefined) {
      const value = reader.value(0);
      if (value) values.push(value);
    }
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    if (values.length === 0) return { failure: `Not RESP: ${error.message}` };
    return { kind: 'resp', values, stopped: `Then bytes that are not RESP: ${error.message}` };
  }
  return reader.stopped === undefined ? { kind: 'resp', values } : { kind: 'resp', values, stopped: reader.stopped };
}

/**
 * Reads values one after another. Bytes that break the protocol throw Invalid; bytes that stop
 * too early set `stopped` and yield what was read (an aggregate so far is kept, marked partial).
 */
class RespReader {
  position = 0;
  stopped: string | undefined;
  private count = 0;

  constructor(private readonly bytes: Uint8Array) {}

  atEnd(): boolean {
    return this.position >= this.bytes.length;
  }

  /** The next value, or undefined when the bytes stop before it could be read. */
  value(depth: number): RespValue | undefined {
    if (depth > MAX_RESP_DEPTH) throw new Invalid(`values are nested deeper than ${MAX_RESP_DEPTH} levels`);
    if (++this.count > MAX_VALUES) return this.stop(`Only the first ${MAX_VALUES} values are shown`);
    const type = String.fromCharCode(this.bytes[this.position]);
    if (!TYPE_BYTES.includes(type)) return this.inline();
    const start = this.position;
    this.position++;
    const line = this.line();
    if (line === undefined) {
      this.position = start;
      return undefined;
    }
    switch (type) {
      case '+':
        return { type: 'simple', value: line };
      case '-':
        return { type: 'error', value: line };
      case ':':
      case '(':
        if (!/^[+-]?\d+$/.test(line)) throw new Invalid(`"${clip(line)}" is not an integer`);
        return { type: 'integer', value: line };
      case ',':
        return { type: 'double', value: line };
      case '#':
        if (line !== 't' && line !== 'f') throw new Invalid(`"${clip(line)}" is not a boolean (t or f)`);
        return { type: 'boolean', value: line === 't' };
      case '_':
        return { type: 'null' };
      case '$':
      case '!':
      case '=':
        return this.blob(type, this.length(line));
      case '*':
      case '~':
      case '>': {
        const length = this.length(line);
        if (length < 0) return { type: 'null' };
        const items: RespValue[] = [];
        const partial = this.members(length, depth, (item) => items.push(item));
        return { type: 'aggregate', of: type === '*' ? 'array' : type === '~' ? 'set' : 'push', items, ...partial };
      }
      default: {
        const length = this.length(line);
        const entries: [RespValue, RespValue][] = [];
        let key: RespValue | undefined;
        const partial = this.members(length * 2, depth, (item) => {
          if (key === undefined) key = item;
          else {
            entries.push([key, item]);
            key = undefined;
          }
        });
        return { type: 'map', of: type === '%' ? 'map' : 'attribute', entries, ...partial };
      }
    }
  }

  /** Reads `length` elements of an aggregate; `{ partial: true }` when the bytes stop first. */
  private members(length: number, depth: number, add: (item: RespValue) => void): { partial?: true } {
    for (let i = 0; i < length; i++) {
      if (this.atEnd()) this.stop(`The reply ends after ${i} of ${length} elements`);
      const item = this.stopped === undefined ? this.value(depth + 1) : undefined;
      if (item) add(item);
      if (this.stopped !== undefined) return { partial: true };
    }
    return {};
  }

  private stop(reason: string): undefined {
    this.stopped ??= reason;
    return undefined;
  }

  private blob(type: string, length: number): RespValue | undefined {
    if (length < 0) return { type: 'null' };
    const available = this.bytes.length - this.position;
    if (available < length + 2) {
      return this.stop(`The reply ends inside a ${length}-byte bulk string (${Math.min(available, length)} bytes so far)`);
    }
    const body = this.bytes.subarray(this.position, this.position + length);
    if (this.bytes[this.position + length] !== 0x0d || this.bytes[this.position + length + 1] !== 0x0a) {
      throw new Invalid(`a ${length}-byte bulk string is not followed by CR LF`);
    }
    this.position += length + 2;
    if (type === '!') return { type: 'error', value: latin1Decode(body) };
    if (type === '=' && body.length >= 4 && body[3] === 0x3a) {
      return { type: 'bulk', value: body.subarray(4), format: latin1Decode(body.subarray(0, 3)) };
    }
    return { type: 'bulk', value: body };
  }

  private length(line: string): number {
    const length = respLength(line);
    if (length === undefined) throw new Invalid(`"${clip(line)}" is not a length`);
    return length;
  }

  /** A header line after its type byte, up to CR LF; undefined when it has not ended. */
  private line(): string | undefined {
    const lf = lineEnd(this.bytes, this.position);
    if (lf < 0) return this.stop('The reply ends inside a line (no CR LF yet)');
    if (lf === this.position || this.bytes[lf - 1] !== 0x0d) throw new Invalid('a line ends with LF alone, not CR LF');
    const text = latin1Decode(this.bytes.subarray(this.position, lf - 1));
    this.position = lf + 1;
    return text;
  }

  /** An inline command: words separated by spaces, ended by LF (CR LF from most clients). */
  private inline(): RespValue | undefined {
    const lf = lineEnd(this.bytes, this.position);
    if (lf < 0) return this.stop('The inline command has no line end yet');
    const end = lf > this.position && this.bytes[lf - 1] === 0x0d ? lf - 1 : lf;
    const line = this.bytes.subarray(this.position, end);
    if (line.some((byte) => (byte < 0x20 && byte !== 0x09) || byte === 0x7f)) {
      throw new Invalid('a line holds control bytes, so it is neither a RESP value nor an inline command');
    }
    const text = latin1Decode(line);
    this.position = lf + 1;
    return { type: 'inline', words: text.split(' ').filter((word) => word.length > 0) };
  }
}
