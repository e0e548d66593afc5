/**
 * JSON for the Decoded view: one document, or several in a row (NDJSON, or JSON values back to
 * back). A parser of its own rather than JSON.parse: numbers keep the digits that were sent
 * (2^64 does not become 18446744073709552000), key order and duplicate keys stay as they were, and
 * the error says where. Never throws, whatever the bytes.
 */
import type { DecodeFailure } from './result';

export type JsonNode =
  | { type: 'object'; entries: [string, JsonNode][] }
  | { type: 'array'; items: JsonNode[] }
  | { type: 'string'; value: string }
  | { type: 'number'; text: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' };

export interface JsonView {
  kind: 'json';
  documents: JsonNode[];
}

/** Deeper nesting than this is refused rather than risking the stack. */
export const MAX_JSON_DEPTH = 256;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeJson(bytes: Uint8Array): JsonView | DecodeFailure {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return { failure: 'Not JSON: the bytes are not valid UTF-8' };
  }
  const parser = new JsonParser(text);
  const documents: JsonNode[] = [];
  try {
    parser.skipSpace();
    if (parser.atEnd()) return { failure: 'Not JSON: there is nothing but white space' };
    while (!parser.atEnd()) {
      documents.push(parser.value(0));
      parser.skipSpace();
    }
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { failure: `Not JSON: ${error.message}` };
    throw error;
  }
  return { kind: 'json', documents };
}

/** Whether the bytes look like JSON at all: an object or array, after optional white space. */
export function looksLikeJson(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte === 0x7b || byte === 0x5b;
  }
  return false;
}

class JsonSyntaxError extends Error {}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class JsonParser {
  private at = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.at >= this.text.length;
  }

  skipSpace(): void {
    while (this.at < this.text.length) {
      const ch = this.text[this.at];
      if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') return;
      this.at++;
    }
  }

  value(depth: number): JsonNode {
    if (depth > MAX_JSON_DEPTH) this.fail(`it is nested deeper than ${MAX_JSON_DEPTH} levels`);
    this.skipSpace();
    const ch = this.text[this.at];
    switch (ch) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return { type: 'string', value: this.string() };
      case 't':
        return this.word('true', { type: 'boolean', value: true });
      case 'f':
        return this.word('false', { type: 'boolean', value: false });
      case 'n':
        return this.word('null', { type: 'null' });
      default:
        return this.number();
    }
  }

  private object(depth: number): JsonNode {
    this.at++;
    const entries: [string, JsonNode][] = [];
    this.skipSpace();
    if (this.text[this.at] === '}') {
      this.at++;
      return { type: 'object', entries };
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] !== '"') this.unexpected('a key in double quotes');
      const key = this.string();
      this.skipSpace();
      this.expect(':');
      entries.push([key, this.value(depth + 1)]);
      this.skipSpace();
      if (this.text[this.at] === ',') {
        this.at++;
        continue;
      }
      this.expect('}');
      return { type: 'object', entries };
    }
  }

  private array(depth: number): JsonNode {
    this.at++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text[this.at] === ']') {
      this.at++;
      return { type: 'array', items };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.at] === ',') {
        this.at++;
        continue;
      }
      this.expect(']');
      return { type: 'array', items };
    }
  }

  private string(): string {
    this.at++;
    let out = '';
    for (;;) {
      if (this.atEnd()) this.fail('it ends inside a string');
      const ch = this.text[this.at];
      if (ch === '"') {
        this.at++;
        return out;
      }
      if (ch < ' ') this.unexpected('a control character escaped inside a string');
      if (ch !== '\\') {
        out += ch;
        this.at++;
        continue;
      }
      const escape = this.text[this.at + 1];
      if (escape === 'u') {
        const hex = this.text.slice(this.at + 2, this.at + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`"\\u${hex}" is not a \\u escape with four hex digits (${this.where()})`);
        out += String.fromCharCode(parseInt(hex, 16));
        this.at += 6;
      } else if (escape !== undefined && ESCAPES[escape] !== undefined) {
        out += ESCAPES[escape];
        this.at += 2;
      } else {
        this.fail(`"\\${escape ?? ''}" is not a JSON escape (${this.where()})`);
      }
    }
  }

  private number(): JsonNode {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (!match) this.unexpected('a value');
    this.at += match[0].length;
    return { type: 'number', text: match[0] };
  }

  private word(word: string, node: JsonNode): JsonNode {
    if (!this.text.startsWith(word, this.at)) this.unexpected('a value');
    this.at += word.length;
    return node;
  }

  private expect(ch: string): void {
    if (this.text[this.at] !== ch) this.unexpected(`"${ch}"`);
    this.at++;
  }

  private unexpected(wanted: string): never {
    if (this.atEnd()) this.fail(`it ends where ${wanted} should follow`);
    const found = JSON.stringify(this.text[this.at]);
    this.fail(`expected ${wanted} but found ${found} (${this.where()})`);
  }

  /** "line 2, column 7", counted in characters. */
  private where(): string {
    const before = this.text.slice(0, this.at);
    const line = before.split('\n').length;
    return `line ${line}, column ${this.at - before.lastIndexOf('\n')}`;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message);
  }
}
