/**
 * Export and import through the desktop app's native dialogs. The renderer asks, main shows the
 * save or open dialog and streams the file itself (src/main/shell/file-dialogs.ts): the path never
 * comes from the page, and no file passes through a message, so there is no size limit.
 *
 * Why contract commands rather than a preload function: the preload keeps exposing only `invoke`
 * and `onEvents`, so these go through the same sender check and zod validation as every command,
 * and progress rides the event batches. Only the Electron IPC binding carries them out; the
 * dispatcher (browser host, CLI) answers them with NOT_AVAILABLE, as the host has its own HTTP
 * download and upload.
 */
import { z } from 'zod';
import { command, schemaOnUse } from './built-on-use';
import { CaptureFormat } from './capture';

const SocketId = schemaOnUse(() => z.string().min(1).max(64));
/** Chosen by the renderer so it can show progress and cancel before the command returns. */
export const TransferId = schemaOnUse(() => z.string().regex(/^[\w-]{1,64}$/, 'A transfer id is 1 to 64 letters, digits, - or _'));

const Canceled = schemaOnUse(() => z.object({ canceled: z.literal(true) }));

export const fileDialogCommands = {
  /** Shows the save dialog, then writes these sockets' logs (all when `ids` is left out) to the chosen file; resolves once it is closed. */
  'file.exportWithDialog': command(() => ({
    input: z.object({ transferId: TransferId, ids: z.array(SocketId).min(1).max(1000).optional(), format: CaptureFormat }),
    output: z.discriminatedUnion('canceled', [
      Canceled,
      z.object({
        canceled: z.literal(false),
        path: z.string(),
        fileName: z.string(),
        /** The file's size. */
        bytes: z.number().int().nonnegative(),
        sockets: z.number().int().nonnegative(),
        /** Log entries (JSON Lines) or packets (pcapng). */
        records: z.number().int().nonnegative(),
        /** Bytes the logs no longer held (the file marks where). */
        missingBytes: z.number().int().nonnegative(),
      }),
    ]),
  })),
  /** Shows the open dialog, then reads the chosen JSON Lines export as it streams in, opening its sockets read-only. */
  'file.importWithDialog': command(() => ({
    input: z.object({ transferId: TransferId }),
    output: z.discriminatedUnion('canceled', [
      Canceled,
      z.object({ canceled: z.literal(false), fileName: z.string(), sockets: z.array(z.object({ id: SocketId })) }),
    ]),
  })),
  /** Stops a running export (its partial file is removed) or import (nothing is opened). */
  'file.cancelTransfer': command(() => ({ input: z.object({ transferId: TransferId }), output: z.object({ stopped: z.boolean() }) })),
} as const;

export type FileDialogCommand = keyof typeof fileDialogCommands;

/** How far an export or import has got: sent after the dialog, then a few times a second, then once when it ends. */
export const FileProgressEvent = schemaOnUse(() =>
  z.object({
    type: z.literal('file.progress'),
    transferId: TransferId,
    direction: z.enum(['export', 'import']),
    fileName: z.string(),
    /** Bytes written (export) or read (import) so far. */
    bytes: z.number().int().nonnegative(),
    /** The file's size, for an import. */
    total: z.number().int().nonnegative().optional(),
    done: z.boolean(),
  }),
);
export type FileProgressEvent = z.infer<typeof FileProgressEvent>;
