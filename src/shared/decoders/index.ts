/**
 * The Decoded view's entry point: a frame's bytes through the decoder the user chose, or, on
 * Auto, through the one whose protocol the bytes look like.
 */
import type { DecoderChoice } from '../framing';
import { decodeHttp, type HttpView, looksLikeHttp } from './http';
import { decodeJson, type JsonView, looksLikeJson } from './json';
import type { DecodeFailure } from './result';
import { decodeResp, looksLikeResp, type RespView } from './resp';

export type DecodedView = JsonView | HttpView | RespView;
export type { DecodeFailure } from './result';

type Decoder = { decode: (bytes: Uint8Array) => DecodedView | DecodeFailure; looksLike: (bytes: Uint8Array) => boolean };

const decoders: Record<Exclude<DecoderChoice, 'auto'>, Decoder> = {
  json: { decode: decodeJson, looksLike: looksLikeJson },
  http: { decode: decodeHttp, looksLike: looksLikeHttp },
  resp: { decode: decodeResp, looksLike: looksLikeResp },
};

/**
 * The decoded view, a failure saying why the bytes are not what was asked for, or undefined on
 * Auto when they look like none of the protocols (then they are simply shown as text).
 */
export function decodeFrame(bytes: Uint8Array, choice: DecoderChoice): DecodedView | DecodeFailure | undefined {
  if (choice !== 'auto') return decoders[choice].decode(bytes);
  const decoder = Object.values(decoders).find((candidate) => candidate.looksLike(bytes));
  return decoder?.decode(bytes);
}
