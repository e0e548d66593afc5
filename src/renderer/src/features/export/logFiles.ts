import { formatBytes } from '@shared/codec';
import type { Result } from '@shared/contract';
import { MAX_IMPORT_BYTES } from '@shared/contract/log-limits';
import { invoke } from '../../sync/engine';
import { newTransferId } from './fileTransfers';
import { plural } from '../../ui/format';
import { selectSocket } from '../sockets/sockets';

export type ExportFormat = 'jsonl' | 'pcapng';

export const exportFormatLabel: Record<ExportFormat, string> = { jsonl: 'JSON Lines', pcapng: 'pcapng' };

/** In the browser host, files go over HTTP (streamed both ways) with the page's token; in Electron, through the bridge. */
function hostToken(): string | undefined {
  if (typeof window === 'undefined' || window.sockscope) return undefined;
  return new URLSearchParams(window.location.search).get('token') ?? '';
}

/**
 * Exports these sockets' logs (all when `ids` is undefined). In the browser host the export is
 * streamed as a download (the host writes it as it reads the logs, any size); in the desktop app
 * main shows the save dialog and streams the file, resolving once it is written and closed.
 * `onStart` gets the desktop transfer's id, for its progress and Cancel. Resolves with what
 * happened, in words ('' when the dialog was cancelled), or the error.
 */
export async function exportLogs(ids: string[] | undefined, format: ExportFormat, onStart?: (transferId: string) => void): Promise<Result<string>> {
  const token = hostToken();
  if (token !== undefined) {
    const query = new URLSearchParams({ token, format, ...(ids && { ids: ids.join(',') }) });
    const link = document.createElement('a');
    link.href = `/export?${query.toString()}`;
    link.download = '';
    link.click();
    return { ok: true, value: `Downloading the ${exportFormatLabel[format]} export: your browser saves it as it arrives (see its downloads)` };
  }
  const transferId = newTransferId();
  onStart?.(transferId);
  const result = await invoke('file.exportWithDialog', { transferId, ids, format });
  if (!result.ok) return result.error.code === 'CANCELLED' ? { ok: true, value: 'Export cancelled: nothing was saved' } : result;
  if (result.value.canceled) return { ok: true, value: '' };
  const { path, bytes, records, missingBytes } = result.value;
  const what = format === 'pcapng' ? plural(records, 'packet') : plural(records, 'log entry', 'log entries');
  const missing = missingBytes ? `; ${formatBytes(missingBytes)} were no longer held in the log (the file marks where)` : '';
  return { ok: true, value: `Saved ${path} (${what}, ${formatBytes(bytes)})${missing}` };
}

/** In the desktop app Import opens the native dialog and main streams the file in (no size limit); the browser host uploads. */
export const importsWithDialog = (): boolean => hostToken() === undefined;

/** The desktop app's Import: the open dialog, then the file read by main as it streams in. '' when the dialog was cancelled. */
export async function importLogWithDialog(onStart?: (transferId: string) => void): Promise<Result<string>> {
  const transferId = newTransferId();
  onStart?.(transferId);
  const result = await invoke('file.importWithDialog', { transferId });
  if (!result.ok) return result.error.code === 'CANCELLED' ? { ok: true, value: 'Import cancelled: nothing was opened' } : result;
  if (result.value.canceled) return { ok: true, value: '' };
  const { sockets, fileName } = result.value;
  if (sockets[0]) selectSocket(sockets[0].id);
  return { ok: true, value: `Imported ${plural(sockets.length, 'socket log')} from ${fileName}` };
}

/** Reads a JSON Lines export and opens it as read-only sockets; selects the first. */
export async function importLog(file: File): Promise<Result<string>> {
  const token = hostToken();
  if (token !== undefined) return uploadLog(file, token);
  // Checked here too: a message over the host's limit would cost the window its connection.
  if (file.size > MAX_IMPORT_BYTES) {
    return {
      ok: false,
      error: {
        code: 'TOO_LARGE',
        message: `${file.name} is ${formatBytes(file.size)}; a log to import is limited to ${formatBytes(MAX_IMPORT_BYTES)}`,
      },
    };
  }
  const data = new Uint8Array(await file.arrayBuffer());
  const result = await invoke('log.import', { fileName: file.name, data });
  if (!result.ok) return result;
  const { sockets } = result.value;
  if (sockets[0]) selectSocket(sockets[0].id);
  return { ok: true, value: `Imported ${plural(sockets.length, 'socket log')} from ${file.name}` };
}

/** The browser host: the file goes up as the browser reads it (POST /import), whatever its size. */
async function uploadLog(file: File, token: string): Promise<Result<string>> {
  let response: Response;
  try {
    response = await fetch(`/import?${new URLSearchParams({ token, name: file.name }).toString()}`, { method: 'POST', body: file });
  } catch (error) {
    return { ok: false, error: { code: 'TRANSPORT', message: error instanceof Error ? error.message : String(error) } };
  }
  if (!response.ok) return { ok: false, error: { code: 'IMPORT_FAILED', message: await response.text() } };
  const { sockets } = (await response.json()) as { sockets: { id: string }[] };
  if (sockets[0]) selectSocket(sockets[0].id);
  return { ok: true, value: `Imported ${plural(sockets.length, 'socket log')} from ${file.name}` };
}
