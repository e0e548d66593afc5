/**
 * The desktop app's Export and Import (src/shared/file-dialogs.ts): the native save or open dialog
 * first, then the file streamed by main — written page by page with `exportToFile` (saved only once
 * closed; a cancel or failure removes the partial file), or read with the same streaming parser as
 * the host's POST /import (no message-size limit). Progress goes out as `file.progress` events.
 * Only the Electron IPC binding runs these (ipc.ts); the dispatcher answers them with NOT_AVAILABLE.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { type CaptureFormat } from '@shared/capture';
import { commands, type ParsedInput, type Output, type Result } from '@shared/contract';
import { type FileDialogCommand, type FileProgressEvent } from '@shared/file-dialogs';
import { describeIssues } from '@shared/zod-issues';
import { toErrorInfo } from '../dispatch';
import type { Engine } from '../engine/engine';
import { EngineError } from '../engine/errors';
import { exportFileName, exportToFile, selectSockets } from '../export/export-logs';
import { importLogStream } from '../export/import-jsonl';
import { IMPORT_DIALOG } from './import-log';

export interface FileDialogDeps {
  engine: Engine;
  /** Electron's dialog.showSaveDialog, on the app's window. */
  showSaveDialog(options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
  /** Electron's dialog.showOpenDialog, on the app's window. */
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  /** Where the save dialog starts (the Downloads folder); the dialog's own choice when undefined. */
  defaultFolder?: string;
  progress(event: FileProgressEvent): void;
  /** At most one progress event per this many milliseconds while a transfer runs (the first and last always go). */
  progressIntervalMs?: number;
}

/** What the IPC binding calls for a file.* command: validated here, never throws. */
export type FileDialogHandlers = Record<FileDialogCommand, (rawInput: unknown) => Promise<Result<unknown>>>;

const saveFilters: Record<CaptureFormat, SaveDialogOptions['filters']> = {
  jsonl: [{ name: 'JSON Lines log', extensions: ['jsonl'] }],
  pcapng: [{ name: 'pcapng capture (Wireshark)', extensions: ['pcapng'] }],
};

type Imported = Extract<Output<'file.importWithDialog'>, { canceled: false }>;

export function createFileDialogs(deps: FileDialogDeps): {
  handlers: FileDialogHandlers;
  /** Streams in the file at `path` (File › Import Log… has picked it already). */
  importFile: (path: string, transferId?: string) => Promise<Imported>;
  /** Cancels what is running (the app quits). */
  dispose(): void;
} {
  const running = new Map<string, AbortController>();
  const interval = deps.progressIntervalMs ?? 100;

  /** Runs `work` as transfer `id`, cancellable with file.cancelTransfer until it settles. */
  async function transfer<T>(id: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (running.has(id)) throw new EngineError('BUSY', `Transfer ${id} is already running`);
    const abort = new AbortController();
    running.set(id, abort);
    try {
      return await work(abort.signal);
    } finally {
      running.delete(id);
    }
  }

  /** Reports progress at most every `interval` ms; `end` always reports. */
  function reporter(base: Omit<FileProgressEvent, 'type' | 'bytes' | 'done'>): { at(bytes: number): void; end(bytes: number): void } {
    let last = 0;
    return {
      at(bytes) {
        const now = Date.now();
        if (now - last < interval) return;
        last = now;
        deps.progress({ type: 'file.progress', ...base, bytes, done: false });
      },
      end(bytes) {
        deps.progress({ type: 'file.progress', ...base, bytes, done: true });
      },
    };
  }

  async function exportWithDialog({ transferId, ids, format }: ParsedInput<'file.exportWithDialog'>): Promise<Output<'file.exportWithDialog'>> {
    // Checked before the dialog: an unknown socket or an empty app is said at once, not after choosing a file.
    const sockets = selectSockets(deps.engine, ids);
    if (sockets.length === 0) throw new EngineError('NOTHING_TO_EXPORT', 'There are no sockets to export');
    const at = new Date();
    const suggested = exportFileName(ids, sockets, format, at);
    const chosen = await deps.showSaveDialog({
      title: format === 'pcapng' ? 'Export as a pcapng capture' : 'Export as a JSON Lines log',
      defaultPath: deps.defaultFolder === undefined ? suggested : join(deps.defaultFolder, suggested),
      filters: saveFilters[format],
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    });
    if (chosen.canceled || !chosen.filePath) return { canceled: true };
    const path = chosen.filePath;
    const fileName = basename(path);
    return transfer(transferId, async (signal) => {
      const progress = reporter({ transferId, direction: 'export', fileName });
      progress.at(0);
      let written = 0;
      try {
        const summary = await exportToFile(deps.engine, { ids, format }, path, {
          at,
          signal,
          onProgress: (bytes) => progress.at((written = bytes)),
        });
        written = summary.bytes;
        return {
          canceled: false,
          path,
          fileName,
          bytes: summary.bytes,
          sockets: summary.sockets,
          records: summary.records,
          missingBytes: summary.missing.in + summary.missing.out,
        };
      } finally {
        progress.end(written);
      }
    });
  }

  async function importFile(path: string, transferId = `menu-${Date.now()}`): Promise<Imported> {
    const fileName = basename(path);
    return transfer(transferId, async (signal) => {
      const { size } = await stat(path);
      const progress = reporter({ transferId, direction: 'import', fileName, total: size });
      progress.at(0);
      let read = 0;
      async function* counted(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
        for await (const chunk of source) {
          read += chunk.byteLength;
          progress.at(read);
          yield chunk;
        }
      }
      try {
        const { sockets } = await importLogStream(deps.engine, fileName, Readable.from(counted(createReadStream(path, { signal }))));
        return { canceled: false, fileName, sockets: sockets.map(({ id }) => ({ id })) };
      } catch (error) {
        if (signal.aborted) throw new EngineError('CANCELLED', `The import of ${fileName} was cancelled`);
        throw error;
      } finally {
        progress.end(read);
      }
    });
  }

  async function importWithDialog({ transferId }: ParsedInput<'file.importWithDialog'>): Promise<Output<'file.importWithDialog'>> {
    const chosen = await deps.showOpenDialog(IMPORT_DIALOG);
    const path = chosen.filePaths[0];
    if (chosen.canceled || path === undefined) return { canceled: true };
    return importFile(path, transferId);
  }

  function cancelTransfer({ transferId }: ParsedInput<'file.cancelTransfer'>): Output<'file.cancelTransfer'> {
    const abort = running.get(transferId);
    abort?.abort();
    return { stopped: abort !== undefined };
  }

  const handlers: FileDialogHandlers = {
    'file.exportWithDialog': (raw) => validated('file.exportWithDialog', raw, exportWithDialog),
    'file.importWithDialog': (raw) => validated('file.importWithDialog', raw, importWithDialog),
    'file.cancelTransfer': (raw) => validated('file.cancelTransfer', raw, cancelTransfer),
  };
  return {
    handlers,
    importFile,
    dispose: () => running.forEach((abort) => abort.abort()),
  };
}

/** Validates as the dispatcher does, then runs; errors come back as data. */
async function validated<C extends FileDialogCommand>(
  command: C,
  rawInput: unknown,
  run: (input: ParsedInput<C>) => Promise<Output<C>> | Output<C>,
): Promise<Result<Output<C>>> {
  const parsed = commands[command].input.safeParse(rawInput ?? {});
  if (!parsed.success) return { ok: false, error: { code: 'INVALID_INPUT', message: describeIssues(parsed.error, 5) } };
  try {
    return { ok: true, value: await run(parsed.data as ParsedInput<C>) };
  } catch (error) {
    return { ok: false, error: toErrorInfo(error) };
  }
}
