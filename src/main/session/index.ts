import type { Engine } from '../engine/engine';
import type { FramingService } from '../framing/service';
import type { MessageLibrary } from '../library';
import type { SavedSequences } from '../scenario/saved-sequences';
import { acquireSessionLock } from './lock';
import { savedMessagesPart, savedSequencesPart, toxiproxyApiPart } from './parts';
import { type Sessions, SessionService, sessionsElsewhere } from './service';
import { SessionStore } from './store';

export { configDir } from './paths';
export { type Sessions, sessionsOff } from './service';

/**
 * The session kept in `dir`: loads what is there (to offer it) and saves the workspace from then
 * on; or, while another Sockscope keeps it, neither (see lock.ts).
 */
export function startSessions(options: {
  engine: Engine;
  framing: FramingService;
  library: MessageLibrary;
  sequences: SavedSequences;
  dir: string;
  onSaveError: (message: string) => void;
}): Sessions & { dispose(): Promise<void> } {
  let release: (() => void) | undefined;
  try {
    const lock = acquireSessionLock(options.dir);
    if (!lock.held) return sessionsElsewhere(lock.pid);
    release = lock.release;
  } catch {
    // A folder that cannot be written (read-only, full): run unlocked; saving will say what is wrong.
  }
  const sessions = new SessionService(options.engine, options.framing, new SessionStore(options.dir), {
    onSaveError: options.onSaveError,
    onDispose: release,
  });
  sessions.register(savedMessagesPart(options.library));
  sessions.register(savedSequencesPart(options.sequences));
  sessions.register(toxiproxyApiPart(options.engine));
  return sessions;
}
