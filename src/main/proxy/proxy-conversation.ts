/**
 * What a proxy, its commands and its toxics need of one of its conversations: a TCP client with
 * its upstream connection (conversation.ts) or a UDP client address with its own upstream socket
 * (udp-session.ts).
 */
import type { FramingSpec } from '@shared/framing';
import type { HeldMessage, ToxicStream } from '@shared/proxy';
import type { ExternalSocket } from '../engine/external';
import { EngineError } from '../engine/errors';
import type { SocketRecord } from '../engine/socket-record';
import type { HeldChunk } from './pipe';
import type { Stage, StageContext } from './toxics';

export interface ProxyConversation extends ExternalSocket {
  readonly record: SocketRecord;
  readonly clientEndpoint: { address: string; port: number } | undefined;
  stageContext(onHit: () => void): StageContext;
  addStage(stream: ToxicStream, toxic: string, stage: Stage): void;
  /** `removed`: the toxic is gone (not replaced by an edit), so its stages' Cleanup runs (timeout closes). */
  removeStage(toxic: string, removed?: boolean): void;
  setHolding(stream: ToxicStream, holding: boolean): void;
  held(): HeldMessage[];
  release(stream: ToxicStream, heldId: number | undefined, action: 'forward' | 'drop', edited?: Uint8Array): number;
  cut(side: 'client' | 'upstream', how: 'fin' | 'rst'): Promise<void>;
  inject(stream: ToxicStream, data: Uint8Array): Promise<void>;
  /** Held messages become whole frames (TCP); a datagram is already one message, so UDP sessions have none. */
  setFraming?(framing: FramingSpec): void;
}

/** What holds a direction's messages: a TCP DirectionPipe or a UDP DatagramDirection. */
interface HoldingDirection {
  held(): HeldChunk[];
  release(heldId: number | undefined, action: 'forward' | 'drop', edited?: Uint8Array): number;
}

/** Both directions' held messages, the client's first, as proxy.held lists them. */
export function heldIn(directions: Record<ToxicStream, HoldingDirection>): HeldMessage[] {
  return (['upstream', 'downstream'] as const).flatMap((stream) =>
    directions[stream].held().map((chunk) => ({ ...chunk, stream, bytes: new Uint8Array(chunk.bytes) })),
  );
}

/**
 * proxy.release on one direction (`unit`: "message" or "datagram", for the error); a held id that
 * is not there is NOT_FOUND, naming the direction and the conversation.
 */
export function releaseHeld(
  directions: Record<ToxicStream, HoldingDirection>,
  where: { id: string; unit: string },
  stream: ToxicStream,
  heldId: number | undefined,
  action: 'forward' | 'drop',
  edited?: Uint8Array,
): number {
  const released = directions[stream].release(heldId, action, edited && new Uint8Array(edited));
  if (heldId !== undefined && released === 0)
    throw new EngineError(
      'NOT_FOUND',
      `No held ${where.unit} #${heldId} ${stream === 'upstream' ? 'to the server' : 'to the client'} in ${where.id}`,
    );
  return released;
}
