/**
 * JSON for the WebSocket: bytes travel as `{ "$bytes": "<base64>" }` so that the same contract
 * types (with `Uint8Array` payloads) arrive intact on the other side.
 */

const BYTES_TAG = '$bytes';

export function encodeWire(value: unknown): string {
  // A replacer makes V8 call back into JavaScript for every value and leave its fast serializer:
  // a batch announcing 2,000 new connections (no bytes in it) took four times as long.
  if (!mayHoldBytes(value, 0)) return JSON.stringify(value);
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return { [BYTES_TAG]: bytesToBase64(v) };
    return v;
  });
}

/** Past this depth the walk gives up and the replacer decides (contract messages are shallow). */
const MAX_WALK_DEPTH = 16;

/**
 * Engine events that by the contract hold no bytes (SocketInfo, SocketStats and LogHead have no
 * Bytes field): most of a batch, one or two per busy socket, so they are not walked.
 */
const BYTE_FREE_EVENTS: ReadonlySet<unknown> = new Set(['socket.upsert', 'socket.stats', 'log.head', 'socket.removed']);

/**
 * False only when `value` certainly holds no Uint8Array: a plain walk of it. What JSON.stringify
 * would transform first (a `toJSON`, as Buffer and Date have) counts as "may": the replacer path
 * then gives exactly what it always gave.
 */
function mayHoldBytes(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth > MAX_WALK_DEPTH || value instanceof Uint8Array || typeof (value as { toJSON?: unknown }).toJSON === 'function') return true;
  if (Array.isArray(value)) {
    for (const item of value) if (mayHoldBytes(item, depth + 1)) return true;
    return false;
  }
  if (BYTE_FREE_EVENTS.has((value as { type?: unknown }).type)) return false;
  for (const key in value) if (mayHoldBytes((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

/**
 * Throws SyntaxError on malformed JSON; callers at the boundary turn that into a typed error.
 * JSON.parse with a reviver calls back into script for every value of a message (a ports listing
 * of 40,000 rows, every event batch): only messages that carry bytes are walked, after parsing.
 */
export function decodeWire(text: string): unknown {
  const value: unknown = JSON.parse(text);
  return text.includes(TAGGED) ? reviveBytes(value) : value;
}

/** The tag as JSON writes a key (with or without spaces around it); a string equal to it only costs a walk. */
const TAGGED = `"${BYTES_TAG}"`;

/** Payloads up to this size share one buffer per message; a larger one gets its own (see reviveBytes). */
const SHARED_MAX_BYTES = 4096;

/**
 * Replaces every `{ "$bytes": "<base64>" }` (and nothing else) in a parsed message, in place.
 * A log read carries hundreds of small payloads: each as its own Uint8Array is an ArrayBuffer
 * apiece, which the garbage collector tracks one by one (a renderer following a flood read
 * thousands a second). So the small ones are decoded into one buffer for the whole message and
 * handed out as views of it; a large one keeps a buffer of its own, so that keeping it does not
 * keep its neighbours, nor they it.
 */
function reviveBytes(value: unknown): unknown {
  const root = { value };
  const found: Tagged[] = [];
  collectTagged(root, 'value', found);
  let shared = 0;
  for (const tagged of found) if (decodedLength(tagged.text) <= SHARED_MAX_BYTES) shared += decodedLength(tagged.text);
  const arena = new Uint8Array(shared);
  let offset = 0;
  for (const { holder, key, text } of found) {
    const bound = decodedLength(text);
    if (bound > SHARED_MAX_BYTES) {
      holder[key] = base64ToBytes(text);
      continue;
    }
    const written = decodeBase64Into(text, arena, offset);
    // Not plain base64 (whitespace in it, or not base64 at all): the general decoder decides.
    if (written === undefined) holder[key] = base64ToBytes(text);
    else {
      holder[key] = arena.subarray(offset, offset + written);
      offset += written;
    }
  }
  return root.value;
}

interface Tagged {
  holder: Record<string | number, unknown>;
  key: string | number;
  text: string;
}

/** Finds every bytes object under `holder[key]`; never one to be set through `__proto__`. */
function collectTagged(holder: Record<string | number, unknown>, key: string | number, found: Tagged[]): void {
  const value = holder[key];
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) collectTagged(value as unknown as Record<number, unknown>, i, found);
    return;
  }
  const record = value as Record<string, unknown>;
  const tagged = record[BYTES_TAG];
  if (typeof tagged === 'string' && Object.keys(record).length === 1) {
    if (key !== '__proto__') found.push({ holder, key, text: tagged });
    return;
  }
  for (const child of Object.keys(record)) collectTagged(record, child, found);
}

/** At most how many bytes `text` decodes to. */
function decodedLength(text: string): number {
  return Math.floor((text.length * 3) / 4);
}

/**
 * Decodes plain base64 (no whitespace, padding only at the end) into `out` at `offset`; returns the
 * bytes written, or undefined for anything else.
 */
function decodeBase64Into(text: string, out: Uint8Array, offset: number): number | undefined {
  if (text.length % 4 !== 0) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const end = text.length - padding;
  let o = offset;
  let i = 0;
  for (; i + 4 <= end; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  if (padding > 0) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = padding === 1 ? sextet(text, i + 2) : 0;
    if ((a | b | c) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6);
    out[o++] = n >> 16;
    if (padding === 1) out[o++] = (n >> 8) & 0xff;
  }
  return o - offset;
}

/** The 6-bit value of the character at `i`, or -1 when it is not base64. */
function sextet(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code < 128 ? B64_INDEX[code] : -1;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;
const B64_CODES = Uint8Array.from(B64, (ch) => ch.charCodeAt(0));
const PAD = 0x3d;
/** Every code written is ASCII, which this decodes as itself. */
const ascii = new TextDecoder('latin1');

// Hand-rolled because it must run the same in Node and in a sandboxed renderer (no Buffer there),
// and btoa/atob go through binary strings, which is slow for large payloads.
// The characters are written as ASCII codes into a byte array and decoded once: building the
// string by concatenation cost ~100 ms per MiB, which throttled file sends over the WebSocket.
export function bytesToBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = B64_CODES[n >> 18];
    out[o++] = B64_CODES[(n >> 12) & 63];
    out[o++] = B64_CODES[(n >> 6) & 63];
    out[o++] = B64_CODES[n & 63];
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    out[o++] = B64_CODES[n >> 18];
    out[o++] = B64_CODES[(n >> 12) & 63];
    out[o++] = rest === 2 ? B64_CODES[(n >> 6) & 63] : PAD;
    out[o] = PAD;
  }
  return ascii.decode(out);
}

/** Returns undefined for text that is not base64. */
export function base64ToBytes(text: string): Uint8Array | undefined {
  const clean = text.replace(/[\s]/g, '');
  if (clean.length % 4 === 1) return undefined;
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  const body = clean.slice(0, clean.length - padding);
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    const value = code < 128 ? B64_INDEX[code] : -1;
    if (value < 0) return undefined;
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}
