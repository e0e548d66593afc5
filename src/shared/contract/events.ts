/** What a window lives on: a snapshot to start from (`app.snapshot`), then events from the engine, delivered in batches. */
import { z } from 'zod';
import { command, schemaOnUse } from '../built-on-use';
import { FileProgressEvent } from '../file-dialogs';
import { ToxiproxyApiStatusEvent } from '../toxiproxy-api';
import { UiCommandEvent } from '../ui-command';
import { ErrorInfo, Ok, SocketId } from './basics';
import { LogHead } from './log';
import { SocketInfo, SocketStats } from './sockets';

export const EngineEvent = schemaOnUse(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('socket.upsert'), socket: SocketInfo }),
    /** The socket's counters changed, nothing else: merge into the SocketInfo last sent. */
    z.object({ type: z.literal('socket.stats'), stats: SocketStats }),
    z.object({ type: z.literal('socket.removed'), id: SocketId }),
    z.object({ type: z.literal('log.head'), head: LogHead }),
    /** Something went wrong that no command was waiting for (a peer reset, a failed accept). */
    z.object({ type: z.literal('engine.error'), id: SocketId.optional(), error: ErrorInfo, time: z.number() }),
    /** The saved messages changed (in any window): list them again. */
    z.object({ type: z.literal('library.changed'), revision: z.number().int().nonnegative() }),
    /** The saved sequences changed (in any window): list them again. */
    z.object({ type: z.literal('sequences.changed'), revision: z.number().int().nonnegative() }),
    /** The desktop app's menu asks the window to do something (src/shared/ui-command.ts). */
    UiCommandEvent,
    /** How far a desktop export or import has got (src/shared/file-dialogs.ts). */
    FileProgressEvent,
    /** The Toxiproxy API's switch moved (src/shared/toxiproxy-api.ts). */
    ToxiproxyApiStatusEvent,
  ]),
);

export const EventBatch = schemaOnUse(() =>
  z.object({
    /** Increases with every batch; a snapshot carries the rev it is current to. */
    rev: z.number(),
    events: z.array(EngineEvent),
  }),
);

export type EngineEvent = z.infer<typeof EngineEvent>;

export type EventBatch = z.infer<typeof EventBatch>;

export const startCommands = {
  /** Everything a window needs to start: all sockets and where their logs stand. */
  'app.snapshot': command(() => ({
    input: Ok,
    output: z.object({ rev: z.number(), sockets: z.array(SocketInfo), logs: z.array(LogHead) }),
  })),
} as const;
