import { memo, Suspense, useEffect } from 'react';
import { LazyPortsView, LazySocketList } from './features/shell/lazyParts';
import { NewSocketDialog } from './features/new-socket/NewSocketDialog';
import { ProxyDialog, PROXY_SHORTCUT } from './features/proxy/ProxyDialog';
import { SessionBanner } from './features/session/SessionBanner';
import { newSocketShortcuts } from './features/shell/shortcuts';
import { SidebarResizer } from './features/shell/SidebarResizer';
import { SocketPane } from './features/sockets/SocketPane';
import { StatusBar } from './features/shell/StatusBar';
import { Toolbar } from './features/shell/Toolbar';
import { usePreferences } from './features/shell/preferences';
import { useSockets } from './features/sockets/sockets';
import { openNewSocketDialog, openProxyDialog, useUi } from './features/shell/ui';
import { useView } from './features/shell/view';

/** The window: toolbar, socket list beside the selected socket, status bar; the New… dialog above. */
export function App() {
  const dialog = useUi((state) => state.dialog);
  const proxyDialog = useUi((state) => state.proxyDialog);
  const modal = dialog !== null || proxyDialog;

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if (useUi.getState().dialog !== null || useUi.getState().proxyDialog) return;
      if (event.code === PROXY_SHORTCUT.code) {
        event.preventDefault();
        return openProxyDialog();
      }
      const shortcut = newSocketShortcuts.find((candidate) => candidate.code === event.code);
      if (!shortcut) return;
      event.preventDefault();
      openNewSocketDialog(shortcut.kind);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  return (
    <>
      <div className="flex h-full flex-col" inert={modal} aria-hidden={modal || undefined}>
        <Workspace />
      </div>
      {dialog !== null && <NewSocketDialog initialKind={dialog} />}
      {proxyDialog && <ProxyDialog />}
    </>
  );
}

/**
 * The window under any dialog. Memoized: opening or closing a dialog re-renders the dialog and
 * the wrapper's inert state only, not the whole window (the first click's render is the dialog's).
 */
const Workspace = memo(function Workspace() {
  const hasSockets = useSockets((state) => Object.keys(state.sockets).length > 0);
  // The reason only, not the transport's status: the window re-renders when the link is lost or
  // back, not when it first opens, which the status bar alone shows.
  const lostReason = useSockets((state) => ('reason' in state.transport ? state.transport.reason : undefined));
  const refused = useSockets((state) => state.transport.state === 'refused');
  const sidebarWidth = usePreferences((state) => state.sidebarWidth);
  const view = useView((state) => state.view);

  return (
    <>
      <Toolbar />
      {lostReason !== undefined && (
        <div role="alert" className="shrink-0 border-b border-danger/30 bg-danger/8 px-3 py-1.5 text-xs text-danger">
          {refused
            ? `The Sockscope engine turned this page away (${lostReason}).`
            : `Lost the connection to the Sockscope engine (${lostReason}). Reconnecting; sockets keep running there and the log will be complete when it is back.`}
        </div>
      )}
      <SessionBanner />
      {/* Hidden, not unmounted, under the Ports view: the log keeps its place and the send bar its text. */}
      <div className="flex min-h-0 flex-1" hidden={view !== 'sockets'}>
        <aside aria-label="Socket list" className="flex shrink-0 flex-col bg-panel" style={{ width: sidebarWidth }}>
          {hasSockets ? (
            <LazySocketList />
          ) : (
            <p className="px-3 py-4 text-xs leading-relaxed text-muted">
              {refused ? 'Not connected to the engine: no sockets to show.' : 'No sockets yet. Sockets you open appear here.'}
            </p>
          )}
        </aside>
        <SidebarResizer />
        <SocketPane />
      </div>
      {view === 'ports' && (
        <Suspense fallback={<div className="flex-1" />}>
          <LazyPortsView />
        </Suspense>
      )}
      <StatusBar />
    </>
  );
});
