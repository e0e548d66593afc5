import { EventBatcher, type BatcherOptions } from './batcher';
import { setRecordingFolder, stopRecordings } from './capture/service';
import { createDispatcher, type Dispatcher } from './dispatch';
import { Engine, type EngineOptions } from './engine/engine';
import { FramingService } from './framing/service';
import { MessageLibrary } from './library';
import { SavedSequences } from './scenario/saved-sequences';
import { closeToxiproxyApi, toxiproxyApiOf } from './proxy/api-service';
import { sessionsOff, startSessions } from './session';

export interface Core {
  engine: Engine;
  batcher: EventBatcher;
  dispatcher: Dispatcher;
  /** Saved messages, shared by every window (getState/setState for persistence). */
  library: MessageLibrary;
  /** The sequences panel's saved sequences, shared by every window as the library is. */
  sequences: SavedSequences;
  dispose(): Promise<void>;
}

/** The engine, its event batcher and the dispatcher, wired the same way for every front end. */
export function createCore(options: { engine?: EngineOptions; batch?: BatcherOptions; sessionDir?: string; recordingFolder?: string } = {}): Core {
  const engine = new Engine(options.engine);
  if (options.recordingFolder !== undefined) setRecordingFolder(engine, options.recordingFolder);
  const batcher = new EventBatcher(options.batch);
  const unsubscribe = engine.announceTo(batcher);
  const library = new MessageLibrary();
  const unsubscribeLibrary = library.subscribe((revision) => batcher.push({ type: 'library.changed', revision }));
  const sequences = new SavedSequences();
  const unsubscribeSequences = sequences.subscribe((revision) => batcher.push({ type: 'sequences.changed', revision }));
  const unsubscribeApi = toxiproxyApiOf(engine).subscribe((status) => batcher.push({ type: 'toxiproxyApi.status', status }));
  const framing = new FramingService(engine);
  // Only a front end the user works in keeps a session (its folder: src/main/session/paths.ts).
  const sessions =
    options.sessionDir === undefined
      ? undefined
      : startSessions({
          engine,
          framing,
          library,
          sequences,
          dir: options.sessionDir,
          onSaveError: (message) => batcher.push({ type: 'engine.error', error: { code: 'SESSION_SAVE', message }, time: Date.now() }),
        });
  const dispatcher = createDispatcher(engine, () => batcher.rev, { library, sequences, framing, sessions: sessions ?? sessionsOff });
  return {
    engine,
    batcher,
    dispatcher,
    library,
    sequences,
    async dispose() {
      unsubscribe();
      unsubscribeLibrary();
      unsubscribeSequences();
      unsubscribeApi();
      // The last save happens here, before the engine closes every socket.
      const released = sessions?.dispose();
      framing.dispose();
      batcher.dispose();
      await closeToxiproxyApi(engine);
      await engine.dispose();
      // After the sockets: a recording's file ends with their closes.
      await stopRecordings(engine);
      await released;
    },
  };
}
