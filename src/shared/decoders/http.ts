/**
 * HTTP/1.x messages for the Decoded view: start line, headers and body, for each request or
 * response in the bytes (keep-alive and pipelining put several in one read). Chunked bodies are
 * de-chunked; a message cut short says what is missing. Never throws, whatever the bytes.
 */
import { concatBytes } from '../codec';
import { latin1Decode } from '../payload';
import { clip, type DecodeFailure, lineEnd, lineText } from './result';

export interface HttpHeader {
  name: string;
  value: string;
}

export interface HttpMessage {
  type: 'request' | 'response';
  startLine: string;
  headers: HttpHeader[];
  /** The body as its sender meant it: de-chunked when it was sent chunked. */
  body: Uint8Array;
  /** How the body was delimited, in words: "Content-Length 12", "chunked, 3 chunks", "until the connection closes". */
  bodyFraming: string;
  /** What is missing when the bytes stop before the message ends. */
  incomplete?: string;
}

export interface HttpView {
  kind: 'http';
  messages: HttpMessage[];
  /** Bytes after the last message that do not start another one. */
  trailing?: number;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'];
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) (HTTP\/\d\.\d)$/;
const STATUS_LINE = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A start line or header line longer than this is not HTTP a person typed or a server sent. */
const MAX_LINE = 16 * 1024;
const MAX_MESSAGES = 100;

/**
 * Whether the bytes start like an HTTP/1.x request or response: a whole start line when it has
 * arrived (so `GET greeting` typed to Redis is not taken for HTTP), else its first words.
 */
export function looksLikeHttp(bytes: Uint8Array): boolean {
  const start = latin1Decode(bytes.subarray(0, 12));
  if (!start.startsWith('HTTP/1.') && !METHODS.some((method) => start.startsWith(`${method} `))) return false;
  const line = readLine(bytes, 0);
  return line === undefined || ('text' in line && (REQUEST_LINE.test(line.text) || STATUS_LINE.test(line.text)));
}

export function decodeHttp(bytes: Uint8Array): HttpView | DecodeFailure {
  const messages: HttpMessage[] = [];
  let at = 0;
  while (at < bytes.length && messages.length < MAX_MESSAGES) {
    const parsed = parseMessage(bytes, at);
    if ('failure' in parsed) {
      if (messages.length === 0) return parsed;
      break;
    }
    messages.push(parsed.message);
    at = parsed.end;
    if (parsed.message.incomplete) break;
  }
  const trailing = bytes.length - at;
  return trailing > 0 ? { kind: 'http', messages, trailing } : { kind: 'http', messages };
}

type Parsed = { message: HttpMessage; end: number } | DecodeFailure;

function parseMessage(bytes: Uint8Array, start: number): Parsed {
  const first = readLine(bytes, start);
  if (!first) return { failure: 'The HTTP start line has not ended yet' };
  if ('failure' in first) return first;
  const startLine = first.text;
  const request = REQUEST_LINE.exec(startLine);
  const status = request ? null : STATUS_LINE.exec(startLine);
  if (!request && !status) {
    return { failure: `Not HTTP: "${clip(startLine)}" is neither a request line nor a status line` };
  }
  const type = request ? 'request' : 'response';
  const headers: HttpHeader[] = [];
  let at = first.next;
  for (;;) {
    const line = readLine(bytes, at);
    if (!line) {
      return {
        message: { type, startLine, headers, body: new Uint8Array(0), bodyFraming: 'none', incomplete: 'The headers have not ended yet' },
        end: bytes.length,
      };
    }
    if ('failure' in line) return line;
    at = line.next;
    if (line.text === '') break;
    const colon = line.text.indexOf(':');
    const name = colon > 0 ? line.text.slice(0, colon) : '';
    if (!HEADER_NAME.test(name)) return { failure: `Not HTTP: "${clip(line.text)}" is not a header line` };
    headers.push({ name, value: line.text.slice(colon + 1).trim() });
  }
  const body = readBody(bytes, at, type, status ? Number(status[2]) : undefined, headers);
  const message: HttpMessage = { type, startLine, headers, body: body.bytes, bodyFraming: body.framing };
  if (body.incomplete) message.incomplete = body.incomplete;
  return { message, end: body.end };
}

interface Body {
  bytes: Uint8Array;
  framing: string;
  end: number;
  incomplete?: string;
}

/** How a message's body is delimited, from its start line and headers (RFC 9112 §6.3). */
export type BodyRule =
  { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'until-close' } | { kind: 'invalid'; reason: string };

export function bodyRule(type: HttpMessage['type'], status: number | undefined, headers: HttpHeader[]): BodyRule {
  const header = (name: string): string | undefined => headers.find((h) => h.name.toLowerCase() === name)?.value;
  if (status !== undefined && (status < 200 || status === 204 || status === 304)) return { kind: 'none' };
  if (/(^|,)\s*chunked\s*$/i.test(header('transfer-encoding') ?? '')) return { kind: 'chunked' };
  const contentLength = header('content-length');
  if (contentLength !== undefined) {
    if (!/^\d{1,15}$/.test(contentLength)) return { kind: 'invalid', reason: `Content-Length "${clip(contentLength)}" is not a number` };
    return { kind: 'length', length: Number(contentLength) };
  }
  // A response without a length runs until the connection closes; a request has no body.
  return type === 'response' ? { kind: 'until-close' } : { kind: 'none' };
}

/** The start line and headers of a message head (up to its empty line), or why they are not HTTP. */
export function parseHead(bytes: Uint8Array): { type: HttpMessage['type']; status?: number; headers: HttpHeader[] } | DecodeFailure {
  const parsed = parseMessage(bytes, 0);
  if ('failure' in parsed) return parsed;
  const { type, startLine, headers } = parsed.message;
  const status = STATUS_LINE.exec(startLine);
  return status ? { type, status: Number(status[2]), headers } : { type, headers };
}

function readBody(bytes: Uint8Array, at: number, type: HttpMessage['type'], status: number | undefined, headers: HttpHeader[]): Body {
  const none = { bytes: new Uint8Array(0), end: at };
  const rule = bodyRule(type, status, headers);
  switch (rule.kind) {
    case 'none':
      return { ...none, framing: 'none' };
    case 'invalid':
      return { ...none, framing: rule.reason };
    case 'chunked':
      return readChunked(bytes, at);
    case 'until-close':
      return { bytes: bytes.subarray(at), framing: 'until the connection closes', end: bytes.length };
    case 'length': {
      const end = Math.min(bytes.length, at + rule.length);
      const body: Body = { bytes: bytes.subarray(at, end), framing: `Content-Length ${rule.length}`, end };
      if (end - at < rule.length) body.incomplete = `The body has ${end - at} of its ${rule.length} bytes so far`;
      return body;
    }
  }
}

/** The size a chunk-size line announces (its extensions ignored), or undefined when it is not one. */
export function chunkSize(line: string): number | undefined {
  const size = /^([0-9a-fA-F]{1,12})\s*(;.*)?$/.exec(line);
  return size ? parseInt(size[1], 16) : undefined;
}

function readChunked(bytes: Uint8Array, start: number): Body {
  const pieces: Uint8Array[] = [];
  let at = start;
  const result = (incomplete?: string): Body => {
    const body: Body = {
      bytes: pieces.length === 1 ? pieces[0] : concatBytes(...pieces),
      framing: `chunked, ${pieces.length} chunk${pieces.length === 1 ? '' : 's'}`,
      end: at,
    };
    if (incomplete) body.incomplete = incomplete;
    return body;
  };
  for (;;) {
    const sizeLine = readLine(bytes, at);
    if (!sizeLine || 'failure' in sizeLine) return result('The next chunk has not arrived yet');
    const length = chunkSize(sizeLine.text);
    if (length === undefined) return result(`"${clip(sizeLine.text)}" is not a chunk size`);
    at = sizeLine.next;
    if (length === 0) {
      // Trailer fields, then the empty line that ends the message.
      for (;;) {
        const trailer = readLine(bytes, at);
        if (!trailer || 'failure' in trailer) return result('The last chunk has arrived but not the end of the message');
        at = trailer.next;
        if (trailer.text === '') return result();
      }
    }
    const available = bytes.length - at;
    if (available < length) {
      pieces.push(bytes.subarray(at));
      at = bytes.length;
      return result(`Chunk ${pieces.length} has ${available} of its ${length} bytes so far`);
    }
    pieces.push(bytes.subarray(at, at + length));
    at += length;
    const crlf = readLine(bytes, at);
    if (!crlf || 'failure' in crlf) return result('The next chunk has not arrived yet');
    at = crlf.next;
  }
}

/** The line starting at `at` (without CR LF or LF), or undefined when it has not ended. */
function readLine(bytes: Uint8Array, at: number): { text: string; next: number } | DecodeFailure | undefined {
  const lf = lineEnd(bytes, at);
  if (lf < 0) return bytes.length - at > MAX_LINE ? { failure: 'Not HTTP: a line is longer than 16 KiB' } : undefined;
  if (lf - at > MAX_LINE) return { failure: 'Not HTTP: a line is longer than 16 KiB' };
  return { text: lineText(bytes.subarray(at, lf + 1)), next: lf + 1 };
}
