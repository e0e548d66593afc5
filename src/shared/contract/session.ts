/** The workspace: saved sockets and layout, restored on the next start (src/main/session). */
import { z } from 'zod';
import { command } from '../built-on-use';
import { RestoreOutcome, SessionStatus, UiLayout } from '../session';
import { Ok } from './basics';

export const sessionCommands = {
  /** Whether a saved workspace waits to be restored, or why the saved one could not be read. */
  'session.status': command(() => ({ input: Ok, output: SessionStatus })),
  /** Opens the saved workspace's sockets again, with their settings; brings back the rest. */
  'session.restore': command(() => ({ input: Ok, output: RestoreOutcome })),
  /** Starts clean: the saved workspace (or the notice about an unreadable one) goes away. */
  'session.discard': command(() => ({ input: Ok, output: SessionStatus })),
  /** The renderer's layout, saved with the workspace. */
  'session.saveUi': command(() => ({ input: z.object({ ui: UiLayout }), output: Ok })),
} as const;
