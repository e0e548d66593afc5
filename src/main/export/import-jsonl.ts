/**
 * `log.import`: a JSON Lines export read back for viewing. Each socket in the file becomes a
 * read-only socket of kind 'imported' whose log holds the file's entries with their original
 * times, so the log view, search and export work on it as on any other.
 */
import type { Output, ParsedInput, SocketInfo } from '../../shared/contract';
import type { Engine } from '../engine/engine';
import { EngineError } from '../engine/errors';
import { parseLogFile } from './jsonl';

const PCAPNG_MAGIC = [0x0a, 0x0d, 0x0d, 0x0a];

export function importLogFile(engine: Engine, input: ParsedInput<'log.import'>): Output<'log.import'> {
  const { fileName, data } = input;
  if (PCAPNG_MAGIC.every((byte, i) => data[i] === byte)) {
    throw new EngineError('INVALID_LOG_FILE', `${fileName} is a pcapng capture: open it in Wireshark; Sockscope imports its JSON Lines exports`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new EngineError('INVALID_LOG_FILE', `${fileName} is not text: Sockscope imports its JSON Lines exports (.jsonl)`);
  }
  let logs;
  try {
    logs = parseLogFile(text);
  } catch (error) {
    if (error instanceof EngineError) throw new EngineError(error.code, `${fileName}: ${error.message}`);
    throw error;
  }
  const sockets = logs.map(({ socket, dropped, entries }) =>
    engine.importLog(importedFields(socket, fileName), (log) => {
      if (dropped > 0) {
        log.appendEvent('info', `${dropped} older entries had dropped out of this log before it was exported`, undefined, entries[0]?.time ?? socket.createdAt);
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
