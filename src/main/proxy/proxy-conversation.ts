/**
 * What a proxy, its commands and its toxics need of one of its conversations: a TCP client with
 * its upstream connection (conversation.ts) or a UDP client address with its own upstream socket
 * (udp-session.ts).
 */
import type { FramingSpec } from '@shared/framing';
import type { HeldMessage, ToxicStream } from '@shared/proxy';
import type { ExternalSocket } from '../engine/external';
import type { SocketRecord } from '../engine/socket-record';
import type { Stage, StageContext } from './toxics';

export interface ProxyConversation extends ExternalSocket {
  readonly record: SocketRecord;
  readonly clientEndpoint: { address: string; port: number } | undefined;
  stageContext(onHit: () => void): StageContext;
  addStage(stream: ToxicStream, toxic: string, stage: Stage): void;
  removeStage(toxic: string): void;
  setHolding(stream: ToxicStream, holding: boolean): void;
  held(): HeldMessage[];
  release(stream: ToxicStream, heldId: number | undefined, action: 'forward' | 'drop', edited?: Uint8Array): number;
  cut(side: 'client' | 'upstream', how: 'fin' | 'rst'): Promise<void>;
  inject(stream: ToxicStream, data: Uint8Array): Promise<void>;
  /** Held messages become whole frames (TCP); a datagram is already one message, so UDP sessions have none. */
  setFraming?(framing: FramingSpec): void;
}
