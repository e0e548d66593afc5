/**
 * The recordings a front end started (`capture.*` commands), one set per engine: numbered, kept
 * after they stop so their size stays shown, all finished when the core is disposed.
 */
import { resolve } from 'node:path';
import type { RecordingInfo } from '@shared/capture';
import type { Output, ParsedInput } from '@shared/contract';
import type { Engine } from '../engine/engine';
import { EngineError } from '../engine/errors';
import type { Recording } from './recorder';

interface Entry {
  id: string;
  ids?: string[];
  startedAt: number;
  recording: Recording;
}

class Recordings {
  private readonly entries = new Map<string, Entry>();
  /** Paths of recordings being started: claimed before the file is opened, so two starts cannot share one. */
  private readonly starting = new Set<string>();
  private nextId = 1;

  constructor(
    private readonly engine: Engine,
    /** Where a path that is not absolute goes (the front end's choice: cwd, or the user's documents). */
    readonly folder: string,
  ) {}

  async start(input: ParsedInput<'capture.start'>): Promise<RecordingInfo> {
    const path = resolve(this.folder, input.path);
    if (this.starting.has(path) || this.active().some((entry) => entry.recording.path === path)) {
      throw new EngineError('IN_USE', `${path} is being recorded to already; stop that recording or choose another file`);
    }
    this.starting.add(path);
    try {
      // The recorder and its file formats load with the first recording, not with the engine.
      const { Recording } = await import('./recorder');
      const recording = await Recording.start(this.engine, { path, format: input.format, ids: input.ids, overwrite: input.overwrite === true });
      const entry: Entry = { id: `rec-${this.nextId++}`, startedAt: Date.now(), recording, ...(input.ids && { ids: input.ids }) };
      this.entries.set(entry.id, entry);
      return info(entry);
    } finally {
      this.starting.delete(path);
    }
  }

  async stop(id: string): Promise<RecordingInfo> {
    const entry = this.entries.get(id);
    if (!entry) throw new EngineError('NOT_FOUND', `No recording with id ${id}`);
    await entry.recording.stop();
    return info(entry);
  }

  list(): Output<'capture.list'> {
    return { recordings: [...this.entries.values()].map(info), folder: this.folder };
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
    recordings = new Recordings(engine, process.cwd());
    perEngine.set(engine, recordings);
  }
  return recordings;
}

/**
 * Where this engine's recordings go unless their path says otherwise. The command line and the
 * host keep the folder they run in; the app passes the user's documents folder (a packaged
 * app's working folder is `/`).
 */
export function setRecordingFolder(engine: Engine, folder: string): void {
  if (perEngine.get(engine)?.folder === folder) return;
  perEngine.set(engine, new Recordings(engine, folder));
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
