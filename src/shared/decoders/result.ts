/** Why bytes did not decode, in a sentence for the user ("Not JSON: …"). */
export interface DecodeFailure {
  failure: string;
}

export function isFailure<T extends object>(result: T | DecodeFailure): result is DecodeFailure {
  return 'failure' in result;
}

/** Bytes as Latin-1 characters: protocol lines (HTTP start lines, RESP headers) are ASCII. */
export function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return out;
}

/** Index of the next LF at or after `from`, or -1. */
export function lineEnd(bytes: Uint8Array, from: number): number {
  return bytes.indexOf(0x0a, from);
}

/** A quoted excerpt for a message: long lines are cut at 40 characters. */
export function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
