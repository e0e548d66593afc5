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

/** Replaces every `{ "$bytes": "<base64>" }` (and nothing else) in a parsed message, in place. */
function reviveBytes(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveBytes(value[i]);
    return value;
  }
  const record = value as Record<string, unknown>;
  const tagged = record[BYTES_TAG];
  if (typeof tagged === 'string' && Object.keys(record).length === 1) return base64ToBytes(tagged);
  for (const key of Object.keys(record)) {
    const child = record[key];
    const revived = reviveBytes(child);
    // Only a bytes object is replaced (objects are revived in place); never through `__proto__`.
    if (revived !== child && key !== '__proto__') record[key] = revived;
  }
  return record;
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
