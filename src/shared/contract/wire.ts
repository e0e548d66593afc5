/** Wire messages (Electron IPC and WebSocket); channel names are in ../channels.ts. */
import { z } from 'zod';
import { schemaOnUse } from '../built-on-use';
import { type ErrorInfo, type Result } from './basics';
import { type EventBatch } from './events';

/** Client → host over the WebSocket. */
export const ClientMessage = schemaOnUse(() =>
  z.object({
    type: z.literal('command'),
    /** Chosen by the client to match the reply. */
    callId: z.number().int().nonnegative(),
    command: z.string(),
    input: z.unknown(),
  }),
);

export type ClientMessage = z.infer<typeof ClientMessage>;

/** Host → client over the WebSocket. Events are validated where they are produced (the engine). */
export type ServerMessage =
  | { type: 'result'; callId: number; result: Result<unknown> }
  | { type: 'events'; batch: EventBatch }
  | { type: 'fatal'; error: ErrorInfo }
  /** The host dropped events this client was too far behind to read: it must take a fresh snapshot. */
  | { type: 'resync'; reason: string };
