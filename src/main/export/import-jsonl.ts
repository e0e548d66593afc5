/**
 * `log.import`: a JSON Lines export read back for viewing. Each socket in the file becomes a
 * read-only socket of kind 'imported' whose log holds the file's entries with their original
 * times, so the log view, search and export work on it as on any other.
 */
import type { Readable } from 'node:stream';
import type { Output, ParsedInput, SocketInfo } from '../../shared/contract';
import type { Engine } from '../engine/engine';
import { EngineError } from '../engine/errors';
import { DEFAULT_LOG_LIMITS } from '../engine/log';
import { LogFileParser, parseLogFile, type SocketLogFile } from './jsonl';

const PCAPNG_MAGIC = [0x0a, 0x0d, 0x0d, 0x0a];
/** An upload to the host (POST /import) is read as it arrives; a file past this is refused. */
export const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

export function importLogFile(engine: Engine, input: ParsedInput<'log.import'>): Output<'log.import'> {
  const { fileName, data } = input;
  checkNotPcapng(fileName, data);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw notText(fileName);
  }
  return importLogs(engine, fileName, named(fileName, () => parseLogFile(text)));
}

/** The same import from a stream (the host's upload route), decoded and parsed a line at a time. */
export async function importLogStream(engine: Engine, fileName: string, stream: Readable): Promise<Output<'log.import'>> {
  // Kept as a log would keep them: a file larger than the log reads in bounded memory.
  const parser = new LogFileParser(DEFAULT_LOG_LIMITS);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (size === 0) checkNotPcapng(fileName, chunk);
    size += chunk.byteLength;
    if (size > MAX_UPLOAD_BYTES) throw new EngineError('TOO_LARGE', `${fileName} is larger than a log can be imported`);
    let text: string;
    try {
      text = rest + decoder.decode(chunk, { stream: true });
    } catch {
      throw notText(fileName);
    }
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    named(fileName, () => lines.forEach((line) => parser.line(line)));
  }
  named(fileName, () => parser.line(rest));
  return importLogs(engine, fileName, named(fileName, () => parser.finish()));
}

function checkNotPcapng(fileName: string, data: Uint8Array): void {
  if (PCAPNG_MAGIC.every((byte, i) => data[i] === byte)) {
    throw new EngineError('INVALID_LOG_FILE', `${fileName} is a pcapng capture: open it in Wireshark; Sockscope imports its JSON Lines exports`);
  }
}

function notText(fileName: string): EngineError {
  return new EngineError('INVALID_LOG_FILE', `${fileName} is not text: Sockscope imports its JSON Lines exports (.jsonl)`);
}

/** Runs `parse`, naming the file in what it refuses. */
function named<T>(fileName: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof EngineError) throw new EngineError(error.code, `${fileName}: ${error.message}`);
    throw error;
  }
}

function importLogs(engine: Engine, fileName: string, logs: SocketLogFile[]): Output<'log.import'> {
  const sockets = logs.map(({ socket, dropped, entries }) =>
    engine.importLog(importedFields(socket, fileName), (log) => {
      if (dropped > 0) {
        log.appendEvent('info', `${dropped} older entries are not held: they had dropped out of the log before it was exported, or did not fit this one`, undefined, entries[0]?.time ?? socket.createdAt);
      }
      for (const entry of entries) {
        if (entry.dir === 'event') log.appendEvent(entry.event, entry.message, entry.code, entry.time);
        else log.appendData(entry.dir, entry.bytes, entry.peer, entry.time);
      }
    }),
  );
  return { sockets };
}

/** What the imported socket shows of the original: endpoints, counters, times; never its live parts. */
function importedFields(socket: SocketInfo, fileName: string): Partial<SocketInfo> {
  // Rules and a listener link belong to the original's running engine, not to a file.
  const { id, kind, state: _state, parentId: _parentId, autoReply: _autoReply, importedFrom, ...shown } = socket;
  const originalKind = importedFrom?.kind ?? (kind === 'imported' ? undefined : kind);
  if (originalKind === undefined) throw new EngineError('INVALID_LOG_FILE', `${fileName}: socket ${id} does not say what kind of socket it was`);
  return { ...shown, importedFrom: { fileName, kind: originalKind, id: importedFrom?.id ?? id } };
}
