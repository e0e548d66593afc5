/**
 * What one send carries, and socket.send's input (sockets.ts), apart from the rest of sends.ts: the
 * send bar checks a send with these, and importing them builds no other schema of the contract.
 */
import { z } from 'zod';
import { schemaOnUse } from '../built-on-use';
import { Bytes, SocketId, Target } from './basics';

/** Payloads larger than this are refused at the boundary with a clear message. */
export const MAX_SEND_BYTES = 16 * 1024 * 1024;

export const SendData = schemaOnUse(() =>
  Bytes.refine((b) => b.byteLength <= MAX_SEND_BYTES, {
    message: `A single send is limited to ${MAX_SEND_BYTES / (1024 * 1024)} MiB`,
  }),
);

/** The send bar checks a send with it before invoking `socket.send`. */
export const SocketSendInput = schemaOnUse(() => z.object({ id: SocketId, data: SendData, target: Target.optional() }));
