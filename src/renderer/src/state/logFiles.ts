import { formatBytes } from '../../../shared/codec';
import { MAX_IMPORT_BYTES, type Result } from '../../../shared/contract';
import { invoke } from './engine';
import { plural } from './format';
import { selectSocket } from './sockets';

export type ExportFormat = 'jsonl' | 'pcapng';

export const exportFormatLabel: Record<ExportFormat, string> = { jsonl: 'JSON Lines', pcapng: 'pcapng' };

const mimeTypes: Record<ExportFormat, string> = {
  jsonl: 'application/jsonl',
  pcapng: 'application/vnd.tcpdump.pcap',
};

/**
 * Exports these sockets' logs (all when `ids` is undefined) and saves the file through the
 * browser's download, which works the same in Electron and in the browser host.
 * Resolves with what was saved, in words, or the error to show.
 */
export async function exportLogs(ids: string[] | undefined, format: ExportFormat): Promise<Result<string>> {
  const result = await invoke('log.export', { ids, format });
  if (!result.ok) return result;
  const { fileName, data, records } = result.value;
  const url = URL.createObjectURL(new Blob([data], { type: mimeTypes[format] }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The download has taken its copy once the click has been handled; a minute is generous.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  const what = format === 'pcapng' ? plural(records, 'packet') : plural(records, 'log entry', 'log entries');
  return { ok: true, value: `Saved ${fileName} (${what}, ${formatBytes(data.byteLength)})` };
}

/** Reads a JSON Lines export and opens it as read-only sockets; selects the first. */
export async function importLog(file: File): Promise<Result<string>> {
  // Checked here too: a message over the host's limit would cost the window its connection.
  if (file.size > MAX_IMPORT_BYTES) {
    return { ok: false, error: { code: 'TOO_LARGE', message: `${file.name} is ${formatBytes(file.size)}; a log to import is limited to ${formatBytes(MAX_IMPORT_BYTES)}` } };
  }
  const data = new Uint8Array(await file.arrayBuffer());
  const result = await invoke('log.import', { fileName: file.name, data });
  if (!result.ok) return result;
  const { sockets } = result.value;
  if (sockets[0]) selectSocket(sockets[0].id);
  return { ok: true, value: `Imported ${plural(sockets.length, 'socket log')} from ${file.name}` };
}
