import { useEffect } from 'react';
import { formatBytes } from '@shared/codec';
import { refreshRecordings, stopRecording, useRecordings } from './recordings';
import { StatusNote, useStatusNote } from '../../ui/StatusNote';

/** In the toolbar while something records: each file with its size as it grows, and Stop. */
export function RecordingsStatus() {
  const recordings = useRecordings((state) => state.recordings).filter((r) => r.state !== 'stopped');
  const { note, report, clear } = useStatusNote();
  useEffect(() => void refreshRecordings(), []);

  return (
    <div className="relative flex items-center gap-1">
      {recordings.map((recording) => (
        <div
          key={recording.id}
          className="inline-flex h-7 items-center gap-1.5 rounded border border-line-strong bg-canvas pr-1 pl-2 text-xs"
          title={recording.error ?? `Recording ${recording.ids ? recording.ids.join(', ') : 'all sockets'} to ${recording.path}`}
        >
          <span aria-hidden="true" className={`size-2 rounded-full ${recording.state === 'failed' ? 'bg-danger' : 'animate-pulse bg-danger'}`} />
          <span className="text-muted">{recording.state === 'failed' ? 'Recording failed' : 'Recording'}</span>
          {/* The file's name; the whole path is in the tooltip. */}
          <span className="max-w-[220px] truncate font-mono text-fg">{recording.path.split(/[\\/]/).pop()}</span>
          <span role="status" aria-label="File size" className="font-mono text-fg tabular-nums">
            {formatBytes(recording.bytesWritten)}
          </span>
          <button
            type="button"
            onClick={() => {
              clear();
              void stopRecording(recording.id).then((result) => report(result, 'Recording failed'));
            }}
            className="h-5 rounded px-1.5 text-xs text-fg hover:bg-hover"
          >
            Stop
          </button>
        </div>
      ))}
      <StatusNote note={note} />
    </div>
  );
}
