/**
 * Recordings: sockets' traffic written to a capture file as it arrives (main/capture/recorder.ts),
 * bounded by the disk rather than by the in-memory log. The file's path is typed by the user
 * (the browser host has no save dialog); its size is read back with `capture.list`.
 */
import { z } from 'zod';
import { command, schemaOnUse } from './built-on-use';

const SocketId = schemaOnUse(() => z.string().min(1).max(64));
export const CaptureFormat = schemaOnUse(() => z.enum(['jsonl', 'pcapng']));
export type CaptureFormat = z.infer<typeof CaptureFormat>;

export const RecordingInfo = schemaOnUse(() =>
  z.object({
    id: z.string(),
    path: z.string(),
    format: CaptureFormat,
    /** The sockets recorded (a listener brings its connections); every socket when absent. */
    ids: z.array(SocketId).optional(),
    state: z.enum(['recording', 'stopped', 'failed']),
    startedAt: z.number(),
    /** Bytes written to the file so far. */
    bytesWritten: z.number().int().nonnegative(),
    /** Log entries (JSON Lines) or packets (pcapng) written. */
    records: z.number().int().nonnegative(),
    /** Payload bytes left out because the disk fell behind (the file marks where). */
    lostBytes: z.number().int().nonnegative(),
    error: z.string().optional(),
  }),
);
export type RecordingInfo = z.infer<typeof RecordingInfo>;

export const captureCommands = {
  /** Starts writing these sockets' traffic (all sockets, new ones too, when `ids` is left out) to `path`: what the logs hold, then everything as it arrives. */
  'capture.start': command(() => ({
    input: z.object({
      ids: z.array(SocketId).min(1).max(1000).optional(),
      format: CaptureFormat,
      path: z.string().trim().min(1, 'Type the path of the file to record to').max(4096),
      /** Replace the file if it exists; without it an existing file is refused. */
      overwrite: z.boolean().optional(),
    }),
    output: RecordingInfo,
  })),
  /** Stops a recording; resolves once its file is complete. */
  'capture.stop': command(() => ({ input: z.object({ id: z.string().min(1).max(64) }), output: RecordingInfo })),
  /** Recordings of this run (stopped ones too), and the folder a new one goes to unless told otherwise. */
  'capture.list': command(() => ({
    input: z.object({}),
    output: z.object({ recordings: z.array(RecordingInfo), folder: z.string() }),
  })),
} as const;
