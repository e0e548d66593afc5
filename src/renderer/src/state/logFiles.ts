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

/** In the browser host, files go over HTTP (streamed both ways) with the page's token; in Electron, through the bridge. */
function hostToken(): string | undefined {
  if (typeof window === 'undefined' || window.sockscope) return undefined;
  return new URLSearchParams(window.location.search).get('token') ?? '';
}

/**
 * Exports these sockets' logs (all when `ids` is undefined). In the browser host the export is
 * streamed as a download (the host writes it as it reads the logs, any size); in Electron it is
 * built in main and saved through a download. Resolves with what happened, in words, or the error.
 */
export async function exportLogs(ids: string[] | undefined, format: ExportFormat): Promise<Result<string>> {
  const token = hostToken();
  if (token !== undefined) {
    const query = new URLSearchParams({ token, format, ...(ids && { ids: ids.join(',') }) });
    const link = document.createElement('a');
    link.href = `/export?${query.toString()}`;
    link.download = '';
    link.click();
    return { ok: true, value: `Downloading the ${exportFormatLabel[format]} export: your browser saves it as it arrives (see its downloads)` };
  }
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
  const missing = result.value.missingBytes ? `; ${formatBytes(result.value.missingBytes)} were no longer held in the log (the file marks where)` : '';
  return { ok: true, value: `Saved ${fileName} (${what}, ${formatBytes(data.byteLength)})${missing}` };
}

/** Reads a JSON Lines export and opens it as read-only sockets; selects the first. */
export async function importLog(file: File): Promise<Result<string>> {
  const token = hostToken();
  if (token !== undefined) return uploadLog(file, token);
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
