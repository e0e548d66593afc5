import type { SocketState } from '@shared/contract';

const dotClass: Record<SocketState, string> = {
  connecting: 'bg-zinc-400 animate-pulse',
  open: 'bg-emerald-500',
  listening: 'bg-emerald-500',
  'half-closed': 'bg-violet-500',
  closed: 'border border-zinc-400 bg-transparent',
  error: 'bg-red-500',
};

const textClass: Record<SocketState, string> = {
  connecting: 'text-muted',
  open: 'text-fg',
  listening: 'text-fg',
  'half-closed': 'text-violet-600 dark:text-violet-400',
  closed: 'text-muted',
  error: 'text-danger',
};

/** A coloured dot and the state's name: green while data can flow, hollow when closed, red on error. */
export function StateIndicator({ state }: { state: SocketState }) {
  return (
    <span className={`inline-flex items-center gap-1.5 whitespace-nowrap ${textClass[state]}`}>
      <span aria-hidden="true" className={`size-[7px] shrink-0 rounded-full ${dotClass[state]}`} />
      {state}
    </span>
  );
}
