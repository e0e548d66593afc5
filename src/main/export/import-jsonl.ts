/**
 * `log.import`: a JSON Lines export read back for viewing. Each socket in the file becomes a
 * read-only socket of kind 'imported' whose log holds the file's entries with their original
 * times, so the log view, search and export work on it as on any other.
 */
import type { Readable } from 'node:stream';
import type { LogEntry, Output, ParsedInput, SocketInfo } from '@shared/contract';
import type { Engine } from '../engine/engine';
import { EngineError } from '../engine/errors';
import { DEFAULT_LOG_LIMITS, type SocketLog } from '../engine/log';
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
  return importLogs(
    engine,
    fileName,
    named(fileName, () => parseLogFile(text)),
  );
}

/**
 * A line longer than this is refused: more than the base64 of the largest entry a log holds, so
 * only a file that is not a Sockscope log (or a damaged one) has one.
 */
export const MAX_LINE_CHARS = Math.ceil((DEFAULT_LOG_LIMITS.maxBytes * 4) / 3) + 64 * 1024;

/**
 * The same import from a stream (the host's upload route), decoded and parsed a line at a time.
 * Entries go into the imported sockets' logs as they are read, so the logs' bounds and the
 * process-wide log budget hold however large the file and however many sockets it has.
 */
export async function importLogStream(engine: Engine, fileName: string, stream: Readable): Promise<Output<'log.import'>> {
  const imports = new Map<string, StreamedImport>();
  const parser = new LogFileParser(undefined, {
    socket: (file) => imports.set(file.socket.id, { file, target: engine.beginImport(importedFields(file.socket, fileName)), started: false }),
    entry: (file, entry) => {
      const into = imports.get(file.socket.id) as StreamedImport;
      start(into, entry.time);
      appendEntry(into.target.log, entry);
    },
  });
  try {
    await readLines(fileName, stream, (line) => named(fileName, () => parser.line(line)));
    named(fileName, () => parser.finish());
  } catch (error) {
    for (const into of imports.values()) into.target.discard();
    throw error;
  }
  return {
    sockets: [...imports.values()].map((into) => {
      start(into, into.file.socket.createdAt);
      return into.target.commit();
    }),
  };
}

interface StreamedImport {
  file: SocketLogFile;
  target: ReturnType<Engine['beginImport']>;
  /** Whether the note about entries the file lacked is in the log yet (it comes first). */
  started: boolean;
}

function start(into: StreamedImport, time: number): void {
  if (into.started) return;
  into.started = true;
  if (into.file.dropped > 0) notHeld(into.target.log, into.file.dropped, time);
}

/**
 * Calls `onLine` for each line of the stream's UTF-8 text. Each chunk is searched for line ends
 * once (a long line in many chunks costs its length, not its length times the chunks), and a
 * line past MAX_LINE_CHARS is refused.
 */
async function readLines(fileName: string, stream: Readable, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let partial: string[] = [];
  let partialChars = 0;
  let size = 0;
  let lineNumber = 1;
  const take = (text: string): void => {
    let from = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', from)) {
      const piece = text.slice(from, end);
      checkLength(partialChars + piece.length);
      onLine(partial.length === 0 ? piece : partial.join('') + piece);
      partial = [];
      partialChars = 0;
      lineNumber++;
      from = end + 1;
    }
    if (from < text.length) {
      const piece = from === 0 ? text : text.slice(from);
      partialChars += piece.length;
      checkLength(partialChars);
      partial.push(piece);
    }
  };
  const checkLength = (chars: number): void => {
    if (chars > MAX_LINE_CHARS) {
      throw new EngineError(
        'INVALID_LOG_FILE',
        `${fileName}: line ${lineNumber} is longer than any line of a Sockscope log (${MAX_LINE_CHARS.toLocaleString('en-US')} characters): the file is not a JSON Lines export, or is damaged`,
      );
    }
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (size === 0) checkNotPcapng(fileName, chunk);
    size += chunk.byteLength;
    if (size > MAX_UPLOAD_BYTES) throw new EngineError('TOO_LARGE', `${fileName} is larger than a log can be imported`);
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw notText(fileName);
    }
    take(text);
  }
  try {
    take(decoder.decode());
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw notText(fileName);
  }
  if (partial.length > 0) onLine(partial.join(''));
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
      if (dropped > 0) notHeld(log, dropped, entries[0]?.time ?? socket.createdAt);
      for (const entry of entries) appendEntry(log, entry);
    }),
  );
  return { sockets };
}

function notHeld(log: SocketLog, dropped: number, time: number): void {
  log.appendEvent(
    'info',
    `${dropped} older entries are not held: they had dropped out of the log before it was exported, or did not fit this one`,
    undefined,
    time,
  );
}

function appendEntry(log: SocketLog, entry: LogEntry): void {
  if (entry.dir === 'event' && entry.lost) log.appendLoss(entry.message, entry.lost, entry.time);
  else if (entry.dir === 'event') log.appendEvent(entry.event, entry.message, entry.code, entry.time);
  else log.appendData(entry.dir, entry.bytes, entry.peer, entry.time);
}

/** What the imported socket shows of the original: endpoints, counters, times; never its live parts. */
function importedFields(socket: SocketInfo, fileName: string): Partial<SocketInfo> {
  // Rules and a listener link belong to the original's running engine, not to a file.
  const { id, kind, state: _state, parentId: _parentId, autoReply: _autoReply, importedFrom, ...shown } = socket;
  const originalKind = importedFrom?.kind ?? (kind === 'imported' ? undefined : kind);
  if (originalKind === undefined) throw new EngineError('INVALID_LOG_FILE', `${fileName}: socket ${id} does not say what kind of socket it was`);
  return { ...shown, importedFrom: { fileName, kind: originalKind, id: importedFrom?.id ?? id } };
}
