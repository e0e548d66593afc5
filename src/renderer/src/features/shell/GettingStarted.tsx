import type { ReactNode } from 'react';
import { altKeyName } from '../../ui/format';
import { PROXY_SHORTCUT } from '../proxy/ProxyDialog';
import { openNewSocketDialog, openProxyDialog } from './ui';
import { DatagramIcon, ListenIcon, PlugIcon, ProxyIcon } from '../../ui/Icons';
import { Kbd } from '../../ui/Kbd';

const starts: readonly { label: string; detail: string; key: string; icon: ReactNode; open: () => void }[] = [
  {
    label: 'Open a connection',
    detail: 'Connect to a TCP server and talk to it',
    key: 'N',
    icon: <PlugIcon />,
    open: () => openNewSocketDialog('tcp-client'),
  },
  {
    label: 'Start a listener',
    detail: 'Accept TCP clients on a local port',
    key: 'L',
    icon: <ListenIcon />,
    open: () => openNewSocketDialog('tcp-listener'),
  },
  { label: 'Bind a UDP port', detail: 'Send and receive datagrams', key: 'U', icon: <DatagramIcon />, open: () => openNewSocketDialog('udp') },
  {
    label: 'Start a proxy',
    detail: 'Sit between a client and its server, and break the traffic on purpose',
    key: PROXY_SHORTCUT.key,
    icon: <ProxyIcon />,
    open: openProxyDialog,
  },
];

/** What the main pane shows before there is any socket: what to do next, and the shortcuts for it. */
export function GettingStarted() {
  return (
    <main className="flex flex-1 items-center justify-center bg-canvas p-8">
      <div className="w-full max-w-[440px]">
        <h1 className="text-[14px] font-semibold text-fg">No sockets yet.</h1>
        <p className="mt-1 text-[13px] text-muted">
          Open a connection to a server, start a listener, bind a UDP port, or proxy a client to its server.
        </p>
        <div className="mt-4 flex flex-col overflow-hidden rounded-md border border-line">
          {starts.map((start) => (
            <button
              key={start.label}
              type="button"
              onClick={start.open}
              aria-keyshortcuts={`Alt+${start.key}`}
              className="flex items-center gap-3 border-b border-line px-3 py-2.5 text-left last:border-b-0 hover:bg-hover"
            >
              <span className="text-muted">{start.icon}</span>
              <span className="flex flex-1 flex-col">
                <span className="text-[13px] font-medium text-fg">{start.label}</span>
                <span className="text-xs text-muted">{start.detail}</span>
              </span>
              <Kbd>
                {altKeyName}
                {start.key}
              </Kbd>
            </button>
          ))}
        </div>
        <p className="mt-4 text-xs text-faint">Every byte each way is logged with its time; switch between text and hex at any moment.</p>
      </div>
    </main>
  );
}
