import type { Transport } from './transport';
import { setTransport } from './sync/engine';
import { startFileTransferSync } from './features/export/fileTransfers';
import { startFrameCache } from './features/log/framing/frameCache';
import { startLibrarySync } from './features/send/library';
import { startSequencesSync } from './features/sequences/sequences';
import { startLogCache } from './features/log/logCache';
import { startLogSearch } from './features/log/search/logSearch';
import { startMenuCommands } from './features/shell/menuCommands';
import { startSessionSync } from './features/session/session';
import { startSync } from './sync/sync';
import { startTheme } from './features/shell/theme';
import { startToxiproxyApiSync } from './features/proxy/toxiproxyApi';
import { startViewFollowsSelection } from './features/shell/view';

/**
 * Every store and cache that follows the engine or another store starts here, and nowhere else:
 * importing a module in state/ subscribes to nothing. Listeners live as long as the window, not as
 * long as a component. Returns the one function that stops them all (tests start a clean set).
 */
export function startStores(transport: Transport): () => void {
  setTransport(transport);
  const stops = [
    // Stores following the sockets store first, so they see the first snapshot too.
    startLogCache(),
    startFrameCache(),
    startLogSearch(),
    startViewFollowsSelection(),
    startSessionSync(),
    startTheme(),
    // Then what follows the engine: the snapshot and event batches, the library, the app menu.
    startSync(transport),
    startLibrarySync(transport),
    startSequencesSync(transport),
    startToxiproxyApiSync(transport),
    startFileTransferSync(transport),
    startMenuCommands(transport),
  ];
  return () => {
    for (const stop of [...stops].reverse()) stop();
    setTransport(undefined);
  };
}
