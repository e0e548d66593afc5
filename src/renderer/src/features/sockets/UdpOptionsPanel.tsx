import { useEffect, useState, type ReactNode } from 'react';
import type { ErrorInfo, Result, SocketInfo } from '@shared/contract';
import type { NetworkInterface, UdpOptions } from '@shared/network';
import { DEFAULT_UDP_SETTINGS } from '@shared/network-defaults';
import { joinGroup, leaveGroup, listInterfaces, setUdpOptions } from './udpOptions';
import { AlertIcon, CloseIcon } from '../../ui/Icons';

const inputClass =
  'h-6 rounded border border-line-strong bg-canvas px-1.5 font-mono text-xs text-fg placeholder:font-sans placeholder:text-faint focus:outline-2 focus:-outline-offset-1 focus:outline-accent disabled:opacity-60';

/** The interfaces a socket of `family` can use for multicast: an IPv4 socket needs an IPv4 address on it. */
function usableInterfaces(interfaces: readonly NetworkInterface[], family: 'IPv4' | 'IPv6'): NetworkInterface[] {
  return interfaces.filter((i) => family === 'IPv6' || i.addresses.some((a) => a.family === 'IPv4'));
}

function interfaceLabel(networkInterface: NetworkInterface, family: 'IPv4' | 'IPv6'): string {
  const address = networkInterface.addresses.find((a) => a.family === family)?.address;
  return address ? `${networkInterface.name} (${address})` : networkInterface.name;
}

/** A UDP socket's options under its header: broadcast and TTL, multicast groups, loopback and interface. */
export function UdpOptionsPanel({ socket }: { socket: SocketInfo }) {
  const settings = socket.udp ?? DEFAULT_UDP_SETTINGS;
  const family = socket.local?.family ?? 'IPv4';
  const open = socket.state === 'open';
  const [interfaces, setInterfaces] = useState<NetworkInterface[]>([]);
  const [group, setGroup] = useState(family === 'IPv6' ? 'ff15::1' : '239.255.0.1');
  const [joinOn, setJoinOn] = useState('');
  const [failure, setFailure] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);

  // Asked again whenever a list is opened: interfaces come and go (VPNs, docks, Wi-Fi).
  const loadInterfaces = (alive: () => boolean = () => true): Promise<void> =>
    listInterfaces().then((result) => {
      if (!alive()) return;
      if (result.ok) setInterfaces(result.value);
      else setFailure(result.error);
    });

  useEffect(() => {
    let mounted = true;
    void loadInterfaces(() => mounted);
    return () => {
      mounted = false;
    };
    // Once on mount; later refreshes come from opening the lists.
  }, []);

  const usable = usableInterfaces(interfaces, family);

  const run = async (action: () => Promise<Result<unknown>>): Promise<boolean> => {
    setBusy(true);
    const result = await action();
    setBusy(false);
    setFailure(result.ok ? null : result.error);
    return result.ok;
  };
  const setOptions = (options: UdpOptions): Promise<boolean> => run(() => setUdpOptions(socket.id, options));
  const join = async (): Promise<void> => {
    const networkInterface = joinOn === '' ? undefined : joinOn;
    await run(() => joinGroup(socket.id, group, networkInterface));
  };

  const interfaceOptions = (
    <>
      <option value="">System default</option>
      {usable.map((i) => (
        <option key={i.name} value={i.name}>
          {interfaceLabel(i, family)}
        </option>
      ))}
    </>
  );

  return (
    <section aria-label="UDP options" className="shrink-0 border-b border-line bg-panel px-3 py-1.5 text-xs text-muted">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1.5">
        <Group label="Socket">
          <Toggle label="Broadcast" checked={settings.broadcast} disabled={!open || busy} onChange={(broadcast) => void setOptions({ broadcast })} />
          <NumberSetting label="TTL" value={settings.ttl} placeholder="64" disabled={!open} onCommit={(ttl) => setOptions({ ttl })} />
        </Group>
        <Group label="Multicast">
          <form
            className="inline-flex items-center gap-1.5"
            onSubmit={(event) => {
              event.preventDefault();
              void join();
            }}
          >
            <input
              aria-label="Multicast group"
              value={group}
              onChange={(event) => setGroup(event.target.value)}
              disabled={!open}
              spellCheck={false}
              className={`${inputClass} w-32`}
            />
            <span>on</span>
            <select
              aria-label="Join on interface"
              value={joinOn}
              disabled={!open}
              onChange={(event) => setJoinOn(event.target.value)}
              onFocus={() => void loadInterfaces()}
              className={`${inputClass} max-w-48 font-sans`}
            >
              {interfaceOptions}
            </select>
            <button
              type="submit"
              disabled={!open || busy}
              className="h-6 rounded border border-line-strong bg-canvas px-2 text-fg hover:bg-hover disabled:opacity-60"
            >
              Join
            </button>
          </form>
          <Toggle
            label="Loopback"
            title="IP_MULTICAST_LOOP: whether this machine's own members get what this socket sends to a group"
            checked={settings.multicastLoopback}
            disabled={!open || busy}
            onChange={(multicastLoopback) => void setOptions({ multicastLoopback })}
          />
          <NumberSetting
            label="Multicast TTL"
            value={settings.multicastTtl}
            placeholder="1"
            disabled={!open}
            onCommit={(multicastTtl) => setOptions({ multicastTtl })}
          />
          <label className="inline-flex items-center gap-1.5">
            Send from
            <select
              aria-label="Send multicast from"
              value={settings.multicastInterface ?? ''}
              disabled={!open || busy}
              onFocus={() => void loadInterfaces()}
              onChange={(event) => event.target.value !== '' && void setOptions({ multicastInterface: event.target.value })}
              className={`${inputClass} max-w-48 font-sans`}
            >
              {interfaceOptions}
            </select>
          </label>
        </Group>
      </div>
      {settings.groups.length > 0 && (
        <ul aria-label="Joined groups" className="mt-1.5 flex flex-wrap items-center gap-1.5">
          <li className="text-muted">Joined</li>
          {settings.groups.map((membership) => {
            const name = `${membership.group}${membership.interface ? ` on ${membership.interface}` : ''}`;
            return (
              <li
                key={name}
                className="inline-flex h-5 items-center gap-1 rounded-full border border-line-strong bg-canvas pr-0.5 pl-2 font-mono text-[11px] text-fg"
              >
                {name}
                <button
                  type="button"
                  aria-label={`Leave ${name}`}
                  title={`Leave ${name}`}
                  disabled={!open || busy}
                  onClick={() => void run(() => leaveGroup(socket.id, membership.group, membership.interface))}
                  className="rounded-full p-0.5 text-muted hover:bg-hover hover:text-danger"
                >
                  <CloseIcon className="size-3" />
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {failure && (
        <p role="alert" className="mt-1 flex items-center gap-1.5 text-danger">
          <AlertIcon className="size-3.5 shrink-0" />
          <span className="select-text">{failure.message}</span>
        </p>
      )}
    </section>
  );
}

/** A socket option that takes effect as soon as it is ticked (the box follows what the engine reports). */
function Toggle({
  label,
  title,
  checked,
  disabled,
  onChange,
}: {
  label: string;
  title?: string;
  checked: boolean;
  disabled: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label className="inline-flex items-center gap-1.5 text-fg" title={title}>
      <input
        type="checkbox"
        className="size-3.5 accent-accent"
        checked={checked}
        disabled={disabled}
        onChange={(event) => onChange(event.target.checked)}
      />
      {label}
    </label>
  );
}

function Group({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="group" aria-label={label} className="flex flex-wrap items-center gap-x-3 gap-y-1">
      <span className="text-[11px] font-medium tracking-wide text-faint uppercase">{label}</span>
      {children}
    </div>
  );
}

/** A small number field applied on Enter or when left; shows the system default as its placeholder. */
function NumberSetting({
  label,
  value,
  placeholder,
  disabled,
  onCommit,
}: {
  label: string;
  value: number | undefined;
  placeholder: string;
  disabled: boolean;
  onCommit: (value: number) => Promise<boolean>;
}) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const commit = (): void => {
    const trimmed = text.trim();
    if (trimmed === '' || trimmed === String(value ?? '')) return;
    // Not a whole number: NaN, so the contract's message says what is wrong.
    void onCommit(/^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN);
  };
  return (
    <label className="inline-flex items-center gap-1.5">
      {label}
      <input
        aria-label={label}
        value={text}
        placeholder={placeholder}
        inputMode="numeric"
        disabled={disabled}
        onChange={(event) => setText(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit();
        }}
        className={`${inputClass} w-12 text-right`}
      />
    </label>
  );
}
