/**
 * The host's HTTP routes for files too large for a WebSocket message: `GET /export` streams a
 * JSON Lines or pcapng export as a download while it is read from the logs (cancelled when the
 * browser stops it), and `POST /import` reads a JSON Lines log from the request body as it arrives.
 * Both need the run's token; the server has checked the Host header, and an Origin, when a
 * browser sends one, must be ours (as for the WebSocket).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CaptureFormat } from '@shared/capture';
import type { Core } from '../core';
import { EngineError } from '../engine/errors';
import { exportFileName, exportToStream, selectSockets } from '../export/export-logs';
import { importLogStream, MAX_UPLOAD_BYTES } from '../export/import-jsonl';
import { isLoopbackOrigin } from './loopback-names';

export interface TransferContext {
  core: Core;
  tokenMatches(given: string): boolean;
}

const contentTypes: Record<CaptureFormat, string> = { jsonl: 'application/jsonl', pcapng: 'application/vnd.tcpdump.pcap' };

/** Handles `/export` and `/import`; false for any other path (the caller serves it). */
export function handleTransfer(req: IncomingMessage, res: ServerResponse, url: URL, context: TransferContext): boolean {
  const route = url.pathname === '/export' ? exportRoute : url.pathname === '/import' ? importRoute : undefined;
  if (!route) return false;
  const origin = req.headers.origin;
  if (origin !== undefined && !isLoopbackOrigin(origin)) return refuse(res, 403, 'Forbidden origin');
  if (!context.tokenMatches(url.searchParams.get('token') ?? '')) return refuse(res, 401, 'Missing or wrong token');
  route(req, res, url, context.core).catch((error: unknown) => {
    if (!res.headersSent) refuse(res, error instanceof EngineError && error.code === 'NOT_FOUND' ? 404 : 400, messageOf(error));
    else res.destroy();
  });
  return true;
}

async function exportRoute(req: IncomingMessage, res: ServerResponse, url: URL, core: Core): Promise<void> {
  if (req.method !== 'GET') return void refuse(res, 405, 'Use GET');
  const format = CaptureFormat.safeParse(url.searchParams.get('format'));
  if (!format.success) return void refuse(res, 400, 'format must be jsonl or pcapng');
  const idList = url.searchParams.get('ids');
  const ids = idList === null || idList === '' ? undefined : idList.split(',');
  const at = new Date();
  // Checked before the headers go out: an unknown socket is a 404, not a broken download.
  const sockets = selectSockets(core.engine, ids);
  if (sockets.length === 0) return void refuse(res, 400, 'There are no sockets to export');
  const fileName = exportFileName(ids, sockets, format.data, at);
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  res.writeHead(200, {
    'content-type': contentTypes[format.data],
    'content-disposition': `attachment; filename="${fileName}"`,
    'cache-control': 'no-store',
  });
  await exportToStream(core.engine, { ids, format: format.data }, res, { at, signal: abort.signal });
  res.end();
}

async function importRoute(req: IncomingMessage, res: ServerResponse, url: URL, core: Core): Promise<void> {
  if (req.method !== 'POST') return void refuse(res, 405, 'Use POST');
  const fileName = (url.searchParams.get('name') ?? '').trim() || 'upload.jsonl';
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_UPLOAD_BYTES)
    return void refuse(res, 413, `${fileName} is larger than a log can be imported (${MAX_UPLOAD_BYTES / 1024 ** 3} GiB)`);
  const { sockets } = await importLogStream(core.engine, fileName, req);
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sockets }));
}

function refuse(res: ServerResponse, status: number, message: string): true {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(message);
  return true;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
