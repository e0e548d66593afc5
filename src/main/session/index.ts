import type { Engine } from '../engine/engine';
import type { FramingService } from '../framing/service';
import type { MessageLibrary } from '../library';
import { savedMessagesPart } from './parts';
import { SessionService } from './service';
import { SessionStore } from './store';

export { configDir } from './paths';
export { type Sessions, sessionsOff } from './service';

/** The session kept in `dir`: loads what is there (to offer it) and saves the workspace from then on. */
export function startSessions(options: {
  engine: Engine;
  framing: FramingService;
  library: MessageLibrary;
  dir: string;
  onSaveError: (message: string) => void;
}): SessionService {
  const sessions = new SessionService(options.engine, options.framing, new SessionStore(options.dir), { onSaveError: options.onSaveError });
  sessions.register(savedMessagesPart(options.library));
  return sessions;
}
