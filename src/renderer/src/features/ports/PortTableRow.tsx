import { memo, useEffect, useState } from 'react';
import type { Endpoint, PortRow, PortState, Target } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import { copyText } from '../log/clipboard';
import { connectToRow, showOwnSocket } from './ports';
import { processLabel } from './processName';
import { CopyIcon, PlugIcon } from '../../ui/Icons';
import { ProtocolBadge } from '../../ui/ProtocolBadge';

/** The table's columns: protocol, local, remote, state, pid, process, service, actions. Shared with the header. */
export const portsGridColumns = 'grid-cols-[44px_minmax(130px,1.25fr)_minmax(130px,1.25fr)_104px_60px_minmax(100px,1fr)_96px_144px]';
export const PORT_ROW_HEIGHT = 26;

const stateDot: Record<PortState, string> = {
  LISTEN: 'bg-emerald-500',
  BOUND: 'bg-emerald-500',
  ESTABLISHED: 'bg-accent',
  CONNECTED: 'bg-accent',
  SYN_SENT: 'bg-amber-500',
  SYN_RECEIVED: 'bg-amber-500',
  CLOSE_WAIT: 'border border-zinc-400',
  FIN_WAIT_1: 'border border-zinc-400',
  FIN_WAIT_2: 'border border-zinc-400',
  CLOSING: 'border border-zinc-400',
  LAST_ACK: 'border border-zinc-400',
  TIME_WAIT: 'border border-zinc-400',
  CLOSED: 'border border-zinc-400',
  UNKNOWN: 'bg-zinc-400',
};

const stateMeaning: Partial<Record<PortState, string>> = {
  LISTEN: 'Accepting TCP connections',
  BOUND: 'Receiving UDP datagrams from anyone',
  CONNECTED: 'A UDP socket connected to one peer',
  TIME_WAIT: 'Closed; the system keeps it a while to catch late packets. No process holds it.',
  CLOSE_WAIT: 'The peer has closed; this side has not yet',
};

/** `0.0.0.0:8000` with the address quieter than the port, which is what the eye looks for. */
function EndpointText({ endpoint }: { endpoint: Endpoint | undefined }) {
  if (!endpoint) return <span className="text-faint">—</span>;
  const text = formatEndpoint(endpoint);
  const colon = text.lastIndexOf(':');
  return (
    <span className="truncate font-mono text-xs" title={text}>
      <span className="text-muted">{text.slice(0, colon)}</span>
      <span className="text-faint">:</span>
      <span className="text-fg">{text.slice(colon + 1)}</span>
    </span>
  );
}

function ProcessCell({ row }: { row: PortRow }) {
  const ownBadge = row.own ? (
    row.socketId !== undefined ? (
      <button
        type="button"
        onClick={() => row.socketId !== undefined && showOwnSocket(row.socketId)}
        title="Sockscope's own socket: show it in the socket list"
        className="shrink-0 rounded-[3px] border border-accent/40 px-1 text-[10px] leading-[14px] font-medium text-accent hover:bg-selected"
      >
        Sockscope ›
      </button>
    ) : (
      <span
        title="A socket of Sockscope itself (such as the browser host's server)"
        className="shrink-0 rounded-[3px] border border-line-strong px-1 text-[10px] leading-[14px] font-medium text-muted"
      >
        Sockscope
      </span>
    )
  ) : null;
  if (row.process !== undefined) {
    return (
      <span className="flex min-w-0 items-center gap-1.5">
        <span className="truncate text-xs text-fg" title={row.command ?? row.process}>
          {processLabel(row.process, row.command)}
        </span>
        {ownBadge}
      </span>
    );
  }
  if (row.processHidden) {
    return (
      <span className="truncate text-xs text-faint italic" title="Another user's process: only an administrator (root) may see which one">
        hidden (permission)
      </span>
    );
  }
  return ownBadge ?? <span className="text-xs text-faint">—</span>;
}

interface PortTableRowProps {
  row: PortRow;
  rowKey: string;
  /** Where Connect and Copy go; undefined when nowhere (port 0). */
  target: Target | undefined;
  index: number;
  failed: boolean;
}

/** One socket of the machine: where it is, its state and owner, and what can be done from here. */
export const PortTableRow = memo(function PortTableRow({ row, rowKey, target, index, failed }: PortTableRowProps) {
  const [copied, setCopied] = useState(false);
  const [connecting, setConnecting] = useState(false);
  const targetText = target ? formatEndpoint(target) : undefined;

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);

  const connect = async (): Promise<void> => {
    setConnecting(true);
    await connectToRow(row, rowKey);
    setConnecting(false);
  };

  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={`group grid ${portsGridColumns} h-full items-center gap-x-3 border-b border-line/60 border-l-2 pr-3 pl-2.5 hover:bg-hover ${
        failed ? 'border-l-danger bg-danger/5' : 'border-l-transparent'
      }`}
    >
      <span role="cell">
        <ProtocolBadge kind={row.protocol === 'udp' ? 'udp' : 'tcp-client'} />
      </span>
      <span role="cell" className="flex min-w-0">
        <EndpointText endpoint={row.local} />
      </span>
      <span role="cell" className="flex min-w-0">
        <EndpointText endpoint={row.remote} />
      </span>
      <span role="cell" className="flex min-w-0 items-center gap-1.5" title={stateMeaning[row.state]}>
        <span aria-hidden="true" className={`size-[7px] shrink-0 rounded-full ${stateDot[row.state]}`} />
        <span
          className={`truncate font-mono text-[11px] ${row.state === 'LISTEN' || row.state === 'ESTABLISHED' || row.state === 'BOUND' ? 'text-fg' : 'text-muted'}`}
        >
          {row.state}
        </span>
      </span>
      <span role="cell" className="text-right font-mono text-xs text-muted tabular-nums">
        {row.pid ?? <span className="text-faint">—</span>}
      </span>
      <span role="cell" className="flex min-w-0">
        <ProcessCell row={row} />
      </span>
      <span role="cell" className="truncate text-xs text-muted">
        {row.service}
      </span>
      <span role="cell" className="flex items-center justify-end gap-1">
        <button
          type="button"
          disabled={!target || connecting}
          onClick={() => void connect()}
          aria-label={targetText ? `Connect to ${targetText}` : 'Connect'}
          title={
            targetText
              ? row.protocol === 'tcp'
                ? `Open a TCP connection to ${targetText}`
                : `Open a UDP socket that sends to ${targetText}`
              : 'Nothing to connect to: the port is 0'
          }
          className="inline-flex h-5 items-center gap-1 rounded border border-line-strong bg-canvas px-1.5 text-[11px] text-fg hover:bg-hover disabled:text-faint"
        >
          <PlugIcon className="size-3 shrink-0 text-muted" />
          {connecting ? 'Connecting…' : 'Connect'}
        </button>
        <button
          type="button"
          disabled={!targetText}
          onClick={() => targetText && void copyText(targetText).then(setCopied)}
          aria-label={targetText ? `Copy ${targetText}` : 'Copy'}
          title={targetText ? `Copy ${targetText}` : undefined}
          className="inline-flex h-5 items-center gap-1 rounded px-1.5 text-[11px] text-muted hover:bg-hover hover:text-fg"
        >
          <CopyIcon className="size-3 shrink-0" />
          {copied ? 'Copied' : 'Copy'}
        </button>
      </span>
    </div>
  );
});
