import { useRef, useState } from 'react';
import { formatBytes } from '@shared/codec';
import type { Target } from '@shared/contract';
import type { ToxicStream } from '@shared/proxy';
import { cancelFileSend, dismissFileSend, sendFile, TCP_CHUNK_BYTES, UDP_CHUNK_BYTES, useFileSends } from './fileSends';
import { FileIcon, SendIcon } from '../../ui/Icons';
import { ProgressRow } from '../../ui/ProgressRow';

interface FileSenderProps {
  /** The socket whose send bar this is (file sends are kept per send bar). */
  socketId: string;
  udp: boolean;
  /** Why nothing can be sent now, if so. */
  blocked: string | null;
  /** Where the file goes (recipient and UDP target, or a conversation's direction), or null after showing why it cannot. */
  destination: () => { id: string; target?: Target; stream?: ToxicStream } | null;
}

/** The send bar in File mode: pick a file, stream it with progress, cancel midway. */
export function FileSender({ socketId, udp, blocked, destination }: FileSenderProps) {
  const [file, setFile] = useState<File | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const transfer = useFileSends((state) => state[socketId]);
  const sending = transfer?.state === 'sending';

  const start = (): void => {
    if (!file || blocked || sending) return;
    const to = destination();
    if (!to) return;
    void sendFile(socketId, file, to, udp ? UDP_CHUNK_BYTES : TCP_CHUNK_BYTES);
  };

  const percent = transfer && transfer.size > 0 ? Math.floor((transfer.sent / transfer.size) * 100) : transfer?.state === 'done' ? 100 : 0;
  const seconds = transfer ? ((transfer.endedAt ?? transfer.updatedAt) - transfer.startedAt) / 1000 : 0;
  const rate = transfer && seconds > 0.2 ? ` · ${formatBytes(Math.round(transfer.sent / seconds))}/s` : '';

  return (
    <div className="flex min-h-[30px] flex-1 items-center gap-2">
      <input
        ref={inputRef}
        type="file"
        aria-label="File to send"
        className="sr-only"
        tabIndex={-1}
        onChange={(event) => {
          setFile(event.target.files?.[0] ?? null);
          dismissFileSend(socketId);
        }}
      />
      {sending ? (
        <ProgressRow
          className="flex-1"
          name={transfer.fileName}
          bar={{ percent, label: `Sending ${transfer.fileName}` }}
          amount={`${formatBytes(transfer.sent)} of ${formatBytes(transfer.size)} · ${percent}%${rate}`}
          action="Cancel"
          onAction={() => cancelFileSend(socketId)}
        />
      ) : (
        <>
          <button
            type="button"
            onClick={() => inputRef.current?.click()}
            className="inline-flex h-[30px] shrink-0 items-center gap-1.5 rounded border border-line-strong bg-canvas px-3 text-xs text-fg hover:bg-chrome"
          >
            <FileIcon className="size-3.5 text-muted" />
            Choose file…
          </button>
          <span className="min-w-0 flex-1 truncate text-xs" aria-live="polite">
            {file ? (
              <>
                <span className="font-medium text-fg">{file.name}</span>
                <span className="text-muted"> · {formatBytes(file.size)}</span>
              </>
            ) : (
              <span className="text-faint">No file chosen</span>
            )}
            {transfer && (
              <FileOutcome
                fileName={transfer.fileName}
                state={transfer.state}
                sent={transfer.sent}
                size={transfer.size}
                seconds={seconds}
                error={transfer.error?.message}
              />
            )}
          </span>
          <button
            type="button"
            onClick={start}
            disabled={!file || blocked !== null}
            className="inline-flex h-[30px] shrink-0 items-center gap-1.5 rounded bg-zinc-800 px-3 text-xs font-medium text-white hover:bg-zinc-700 disabled:cursor-not-allowed disabled:opacity-40 dark:bg-zinc-200 dark:text-zinc-900 dark:hover:bg-white"
          >
            <SendIcon className="size-3.5" />
            Send file
          </button>
        </>
      )}
    </div>
  );
}

function FileOutcome({
  fileName,
  state,
  sent,
  size,
  seconds,
  error,
}: {
  fileName: string;
  state: string;
  sent: number;
  size: number;
  seconds: number;
  error?: string;
}) {
  if (state === 'done') {
    return (
      <span role="status" className="ml-3 text-ok">
        Sent {fileName} ({formatBytes(size)}) in {seconds.toFixed(1)} s
      </span>
    );
  }
  if (state === 'cancelled') {
    return (
      <span role="status" className="ml-3 text-muted">
        Cancelled after {formatBytes(sent)} of {formatBytes(size)}
      </span>
    );
  }
  return (
    <span role="alert" className="ml-3 text-danger">
      Stopped after {formatBytes(sent)} of {formatBytes(size)}: {error}
    </span>
  );
}
