import type { UiCommand } from '@shared/ui-command';
import type { Transport } from '../../transport';
import { exportLogs } from '../export/logFiles';
import { setPreference } from './preferences';
import { reportError, selectSocket, useSockets } from '../sockets/sockets';
import { openNewSocketDialog } from './ui';
import { showView } from './view';

/**
 * The desktop app's menu (src/main/shell/menu.ts) arrives as `ui.command` events; each maps onto
 * an action the toolbar already has. Returns the function that stops listening.
 */
export function startMenuCommands(transport: Transport): () => void {
  let stopped = false;
  // Commands are checked with their schema, which loads with the first command (only the desktop
  // app has a menu): a page that never gets one never builds it. One chain keeps them in order.
  let handled: Promise<void> = Promise.resolve();
  const unsubscribe = transport.subscribe((batch) => {
    for (const event of batch.events) {
      if (event.type !== 'ui.command') continue;
      // Each link catches its own failure (the schema's chunk not loading, a command throwing):
      // a rejected link would make every later command in the chain skip, silently.
      handled = handled
        .then(async () => {
          const { UiCommand } = await import('@shared/ui-command');
          const parsed = UiCommand.safeParse(event.command);
          if (parsed.success && !stopped) runMenuCommand(parsed.data);
        })
        .catch((err: unknown) => {
          console.error('Sockscope: a menu command failed', err);
          if (!stopped)
            reportError(undefined, { code: 'ERROR', message: `The menu command failed: ${err instanceof Error ? err.message : String(err)}` });
        });
    }
  });
  return () => {
    stopped = true;
    unsubscribe();
  };
}

export function runMenuCommand(command: UiCommand): void {
  switch (command.action) {
    case 'new-socket':
      openNewSocketDialog(command.kind);
      break;
    case 'export-all':
      void exportLogs(undefined, command.format).then((result) => {
        if (!result.ok) useSockets.setState({ lastError: { error: result.error, time: Date.now() } });
      });
      break;
    case 'show-view':
      showView(command.view);
      break;
    case 'set-theme':
      setPreference('theme', command.theme);
      break;
    case 'select-socket':
      selectSocket(command.id);
      break;
  }
}
