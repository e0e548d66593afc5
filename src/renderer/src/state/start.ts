import type { Transport } from '../transport';
import { setTransport } from './engine';
import { startFileTransferSync } from './fileTransfers';
import { startFrameCache } from './frameCache';
import { startLibrarySync } from './library';
import { startLogCache } from './logCache';
import { startLogSearch } from './logSearch';
import { startMenuCommands } from './menuCommands';
import { startSessionSync } from './session';
import { startSync } from './sync';
import { startTheme } from './theme';
import { startViewFollowsSelection } from './view';

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
    startFileTransferSync(transport),
    startMenuCommands(transport),
  ];
  return () => {
    for (const stop of [...stops].reverse()) stop();
    setTransport(undefined);
  };
}
