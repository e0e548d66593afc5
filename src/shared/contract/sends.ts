/** Payloads, repeated sends and saved messages (src/shared/payload.ts, src/main/library.ts). */
import { z } from 'zod';
import { command, schemaOnUse } from '../built-on-use';
import { formatInteger } from '../codec';
import { MacroPayload } from '../macro-payload';
import { ToxicStream } from '../proxy';
import { Ok, SocketId, Target } from './basics';
import { SendData } from './send-data';

export * from './send-data';

/** How a typed payload becomes bytes: text with escapes (\n \xNN \u{…}), hex or base64. */
export const PayloadFormat = schemaOnUse(() => z.enum(['text', 'hex', 'base64']));

export const MAX_REPEAT_COUNT = 1_000_000;

export const MAX_REPEAT_INTERVAL_MS = 86_400_000;

export const RepeatRequest = schemaOnUse(() =>
  z
    .object({
      id: SocketId,
      data: SendData,
      target: Target.optional(),
      /** Text with macros, evaluated by main for each send (`data` is then the first send's bytes, for show). */
      macros: MacroPayload.optional(),
      /** How many sends; without an interval they go back to back, each once the previous was taken. */
      count: z
        .number({ error: 'Count must be a number' })
        .int('Count must be a whole number')
        .min(1, 'Count must be at least 1')
        .max(MAX_REPEAT_COUNT, `Count is at most ${formatInteger(MAX_REPEAT_COUNT)}`)
        .optional(),
      /** Time from one send's start to the next; without a count, until cancelled. */
      intervalMs: z
        .number({ error: 'Interval must be a number' })
        .int('Interval must be a whole number of milliseconds')
        .min(1, 'Interval must be at least 1 ms')
        .max(MAX_REPEAT_INTERVAL_MS, 'Interval is at most a day')
        .optional(),
      /** A proxy conversation: which way each send is injected, as proxy.inject (without it: to the server). */
      stream: ToxicStream.optional(),
    })
    .refine((r) => r.count !== undefined || r.intervalMs !== undefined, 'Give a count, an interval, or both'),
);

export const SavedMessageId = schemaOnUse(() => z.string().min(1).max(64));

export const MAX_SAVED_PAYLOAD_CHARS = 1024 * 1024;

export const MAX_SAVED_MESSAGES = 1000;

/** An exported library of MAX_SAVED_MESSAGES large payloads would be bigger; this is plenty in practice. */
export const MAX_LIBRARY_FILE_CHARS = 16 * 1024 * 1024;

export const SavedMessage = schemaOnUse(() =>
  z.object({
    id: SavedMessageId,
    name: z.string().trim().min(1, 'Give the message a name').max(80, 'A name is at most 80 characters'),
    format: PayloadFormat,
    /** As the user typed it, in `format`; parsed when sent. */
    payload: z.string().max(MAX_SAVED_PAYLOAD_CHARS, 'A saved payload is at most 1 MiB of text'),
    /** UDP: where it goes (otherwise the send bar's target); ignored by TCP sockets. */
    target: Target.optional(),
  }),
);

export type PayloadFormat = z.infer<typeof PayloadFormat>;

export type SavedMessage = z.infer<typeof SavedMessage>;

export const sendCommands = {
  /** The same payload `count` times and/or every `intervalMs`; progress shows as SocketInfo.repeat. */
  'send.repeat': command(() => ({ input: RepeatRequest, output: z.object({ jobId: z.string() }) })),
  /** Stops a repeated send; stopping one that has ended is not an error. */
  'send.cancel': command(() => ({ input: z.object({ jobId: z.string().min(1).max(64) }), output: Ok })),
  /** Saved messages, shared by every window and tab (kept in main). */
  'library.list': command(() => ({ input: Ok, output: z.object({ messages: z.array(SavedMessage) }) })),
  /** Without an id: a new message; with one: replaces that message. */
  'library.save': command(() => ({ input: SavedMessage.extend({ id: SavedMessageId.optional() }), output: SavedMessage })),
  'library.remove': command(() => ({ input: z.object({ id: SavedMessageId }), output: Ok })),
  /** A file written by library.export; `merge` replaces messages with the same id and adds the rest. */
  'library.import': command(() => ({
    input: z.object({
      text: z.string().max(MAX_LIBRARY_FILE_CHARS, 'That file is too large for a saved-messages file'),
      mode: z.enum(['merge', 'replace']).default('merge'),
    }),
    output: z.object({ imported: z.number().int().nonnegative(), messages: z.array(SavedMessage) }),
  })),
  'library.export': command(() => ({ input: Ok, output: z.object({ text: z.string(), count: z.number().int().nonnegative() }) })),
} as const;
