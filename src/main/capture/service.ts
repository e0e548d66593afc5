/**
 * The recordings a front end started (`capture.*` commands), one set per engine: numbered, kept
 * after they stop so their size stays shown, all finished when the core is disposed.
 */
import type { RecordingInfo } from '../../shared/capture';
import type { Output, ParsedInput } from '../../shared/contract';
import type { Engine } from '../engine/engine';
import { EngineError } from '../engine/errors';
import { Recording } from './recorder';

interface Entry {
  id: string;
  ids?: string[];
  startedAt: number;
  recording: Recording;
}

class Recordings {
  private readonly entries = new Map<string, Entry>();
  private nextId = 1;

  constructor(private readonly engine: Engine) {}

  async start(input: ParsedInput<'capture.start'>): Promise<RecordingInfo> {
    const path = input.path;
    if (this.active().some((entry) => entry.recording.path === path)) {
      throw new EngineError('IN_USE', `${path} is being recorded to already; stop that recording or choose another file`);
    }
    const recording = await Recording.start(this.engine, { path, format: input.format, ids: input.ids });
    const entry: Entry = { id: `rec-${this.nextId++}`, startedAt: Date.now(), recording, ...(input.ids && { ids: input.ids }) };
    this.entries.set(entry.id, entry);
    return info(entry);
  }

  async stop(id: string): Promise<RecordingInfo> {
    const entry = this.entries.get(id);
    if (!entry) throw new EngineError('NOT_FOUND', `No recording with id ${id}`);
    await entry.recording.stop();
    return info(entry);
  }

  list(): Output<'capture.list'> {
    return { recordings: [...this.entries.values()].map(info), folder: process.cwd() };
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.active().map((entry) => entry.recording.stop()));
  }

  private active(): Entry[] {
    return [...this.entries.values()].filter((entry) => entry.recording.status().state === 'recording');
  }
}

function info({ id, ids, startedAt, recording }: Entry): RecordingInfo {
  const { path, format, state, bytesWritten, records, lostBytes, error } = recording.status();
  return { id, path, format, state, startedAt, bytesWritten, records, lostBytes, ...(ids && { ids }), ...(error !== undefined && { error }) };
}

const perEngine = new WeakMap<Engine, Recordings>();

function recordingsOf(engine: Engine): Recordings {
  let recordings = perEngine.get(engine);
  if (!recordings) {
    recordings = new Recordings(engine);
    perEngine.set(engine, recordings);
  }
  return recordings;
}

/** Finishes every recording of this engine (the core is going away). */
export function stopRecordings(engine: Engine): Promise<void> {
  return perEngine.get(engine)?.stopAll() ?? Promise.resolve();
}

/** The `capture.*` command handlers, spread into the dispatcher's. */
export const captureHandlers = {
  'capture.start': (engine: Engine, input: ParsedInput<'capture.start'>) => recordingsOf(engine).start(input),
  'capture.stop': (engine: Engine, { id }: ParsedInput<'capture.stop'>) => recordingsOf(engine).stop(id),
  'capture.list': (engine: Engine) => recordingsOf(engine).list(),
};

