/** Reading an engine's logs and events the way assertions need them. */
import type { EngineEvent, EventLogEntry, LogEntry } from '@shared/contract';
import type { Engine } from '../engine';

export function allEntries(engine: Engine, id: string): LogEntry[] {
  const entries: LogEntry[] = [];
  let from = 0;
  for (;;) {
    const page = engine.readLog(id, from, 2000).entries;
    if (page.length === 0) return entries;
    entries.push(...page);
    from = page[page.length - 1].seq + 1;
  }
}

/** The payloads of one direction, concatenated in log order. */
export function loggedBytes(engine: Engine, id: string, dir: 'in' | 'out'): Buffer {
  return Buffer.concat(allEntries(engine, id).flatMap((entry) => (entry.dir === dir ? [Buffer.from(entry.bytes)] : [])));
}

export function logEvents(engine: Engine, id: string): EventLogEntry[] {
  return allEntries(engine, id).filter((entry): entry is EventLogEntry => entry.dir === 'event');
}

export function eventKinds(engine: Engine, id: string): string[] {
  return logEvents(engine, id).map((entry) => entry.event);
}

/** Collects every event the engine emits from now on. */
export function recordEvents(engine: Engine): EngineEvent[] {
  const events: EngineEvent[] = [];
  engine.subscribe((event) => events.push(event));
  return events;
}
