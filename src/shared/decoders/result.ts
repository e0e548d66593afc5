import { latin1Decode } from '../payload';

/** Why bytes did not decode, in a sentence for the user ("Not JSON: …"). */
export interface DecodeFailure {
  failure: string;
}

export function isFailure<T extends object>(result: T | DecodeFailure): result is DecodeFailure {
  return 'failure' in result;
}

/** Index of the next LF at or after `from`, or -1. */
export function lineEnd(bytes: Uint8Array, from: number): number {
  return bytes.indexOf(0x0a, from);
}

/**
 * A protocol line (ending with its LF) without its CR LF or LF, as Latin-1 text: protocol lines
 * (HTTP start lines and headers, chunk sizes, RESP headers) are ASCII.
 */
export function lineText(line: Uint8Array): string {
  const end = line.length >= 2 && line[line.length - 2] === 0x0d ? line.length - 2 : line.length - 1;
  return latin1Decode(line.subarray(0, Math.max(0, end)));
}

/** A quoted excerpt for a message: long lines are cut at 40 characters. */
export function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
