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
          <NewButton
            key={shortcut.kind}
            label={shortcut.label}
            shortcutKey={shortcut.key}
            icon={icons[shortcut.kind]}
            onClick={() => openNewSocketDialog(shortcut.kind)}
          />
        ))}
        <NewButton label="New proxy" shortcutKey={PROXY_SHORTCUT.key} icon={<ProxyIcon />} onClick={openProxyDialog} />
      </nav>
      <div className="ml-auto flex items-center gap-2">
        <ThemeSwitch />
        <ViewSwitch />
      </div>
      <LogFileMenu />
    </header>
  );
}

interface NewButtonProps {
  label: string;
  shortcutKey: string;
  icon: ReactNode;
  onClick: () => void;
}

/**
 * A way to open a socket: "New listener" on a wide window, "Listener" on a narrower one and the
 * icon alone below that (the window may be 820 px wide), never a label wrapped over two lines.
 * Its name stays the whole label, and the tooltip says it with its shortcut.
 */
function NewButton({ label, shortcutKey, icon, onClick }: NewButtonProps) {
  const noun = label.replace(/^New /, '');
  return (
    <button
      type="button"
      onClick={onClick}
      aria-label={label}
      aria-keyshortcuts={`Alt+${shortcutKey}`}
      title={`${label} (${altKeyName}${shortcutKey})`}
      className="inline-flex h-7 items-center gap-1.5 rounded px-2 text-[13px] whitespace-nowrap text-fg hover:bg-hover active:bg-selected"
    >
      <span className="text-muted">{icon}</span>
      <span className="max-xl:hidden">{label}</span>
      <span className="hidden lg:max-xl:inline">{noun.charAt(0).toUpperCase() + noun.slice(1)}</span>
    </button>
  );
}
