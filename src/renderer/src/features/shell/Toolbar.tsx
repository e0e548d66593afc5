import type { ReactNode } from 'react';
import { altKeyName } from '../../ui/format';
import { openNewSocketDialog, openProxyDialog, type NewSocketKind } from './ui';
import { PROXY_SHORTCUT } from '../proxy/ProxyDialog';
import { DatagramIcon, ListenIcon, PlugIcon, ProxyIcon, SockscopeMark } from '../../ui/Icons';
import { LogFileMenu } from '../export/LogFileMenu';
import { newSocketShortcuts } from './shortcuts';
import { ThemeSwitch } from './ThemeSwitch';
import { ViewSwitch } from './ViewSwitch';

const icons: Record<NewSocketKind, ReactNode> = {
  'tcp-client': <PlugIcon />,
  'tcp-listener': <ListenIcon />,
  udp: <DatagramIcon />,
};

/** The window's top bar: the app's name and the three ways to open a socket. */
export function Toolbar() {
  return (
    <header className="flex h-10 shrink-0 items-center gap-3 border-b border-line bg-chrome px-3">
      <div className="flex items-center gap-1.5 pr-1 text-[12px] font-semibold tracking-tight text-fg">
        <SockscopeMark className="size-4 text-muted" />
        Sockscope
      </div>
      <div aria-hidden="true" className="h-4 w-px bg-line-strong" />
      <nav aria-label="New socket" className="flex items-center gap-1">
        {newSocketShortcuts.map((shortcut) => (
          <button
            key={shortcut.kind}
            type="button"
            onClick={() => openNewSocketDialog(shortcut.kind)}
            aria-keyshortcuts={`Alt+${shortcut.key}`}
            title={`${shortcut.label} (${altKeyName}${shortcut.key})`}
            className="inline-flex h-7 items-center gap-1.5 rounded px-2 text-[13px] text-fg hover:bg-hover active:bg-selected"
          >
            <span className="text-muted">{icons[shortcut.kind]}</span>
            {shortcut.label}
          </button>
        ))}
        <button
          type="button"
          onClick={openProxyDialog}
          aria-keyshortcuts={`Alt+${PROXY_SHORTCUT.key}`}
          title={`New proxy (${altKeyName}${PROXY_SHORTCUT.key})`}
          className="inline-flex h-7 items-center gap-1.5 rounded px-2 text-[13px] text-fg hover:bg-hover active:bg-selected"
        >
          <span className="text-muted">
            <ProxyIcon />
          </span>
          New proxy
        </button>
      </nav>
      <div className="ml-auto flex items-center gap-2">
        <ThemeSwitch />
        <ViewSwitch />
      </div>
      <LogFileMenu />
    </header>
  );
}
