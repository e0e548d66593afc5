import type { SocketInfo } from '@shared/contract';
import { recordsSequences, setSequencesPanelOpen, useSequences } from './sequences';

/** In the socket header of a connection (or an imported log or a proxied conversation, to record from): the sequences panel's switch. */
export function SequencesToggle({ socket }: { socket: SocketInfo }) {
  const open = useSequences((state) => state.open);
  const running = useSequences((state) => state.runs[socket.id]?.state === 'running');
  if (!recordsSequences(socket)) return null;
  return (
    <button
      type="button"
      aria-label="Sequences"
      aria-pressed={open}
      title="Run send / expect sequences on this socket, or make one from its log"
      onClick={() => setSequencesPanelOpen(!open)}
      className={`inline-flex h-6 items-center gap-1.5 rounded border px-1.5 text-xs text-fg hover:bg-hover ${
        open ? 'border-accent/60 bg-selected' : 'border-line-strong bg-canvas'
      }`}
    >
      <span aria-hidden="true" className={running ? 'text-accent' : 'text-muted'}>
        ▶
      </span>
      Sequences
      {running && <span className="rounded-sm bg-accent/15 px-1 text-[11px] leading-4 text-accent">running</span>}
    </button>
  );
}
