import { useEffect } from 'react';
import { formatBytes } from '@shared/codec';
import { refreshRecordings, stopRecording, useRecordings } from './recordings';
import { StatusNote, useStatusNote } from '../../ui/StatusNote';
import { ProgressRow } from '../../ui/ProgressRow';

/** In the toolbar while something records: each file with its size as it grows, and Stop. */
export function RecordingsStatus() {
  const recordings = useRecordings((state) => state.recordings).filter((r) => r.state !== 'stopped');
  const { note, report, clear } = useStatusNote();
  useEffect(() => void refreshRecordings(), []);

  return (
    <div className="relative flex items-center gap-1">
      {recordings.map((recording) => (
        <ProgressRow
          key={recording.id}
          className="h-7 rounded border border-line-strong bg-canvas pr-0.5 pl-2"
          verb={
            <span className="inline-flex items-center gap-1.5">
              <span aria-hidden="true" className={`size-2 rounded-full ${recording.state === 'failed' ? 'bg-danger' : 'animate-pulse bg-danger'}`} />
              {recording.state === 'failed' ? 'Recording failed' : 'Recording'}
            </span>
          }
          name={recording.path.split(/[\\/]/).pop() ?? recording.path}
          nameTitle={recording.error ?? `Recording ${recording.ids ? recording.ids.join(', ') : 'all sockets'} to ${recording.path}`}
          amount={formatBytes(recording.bytesWritten)}
          amountLabel="File size"
          action="Stop"
          onAction={() => {
            clear();
            void stopRecording(recording.id).then((result) => report(result, 'Recording failed'));
          }}
        />
      ))}
      <StatusNote note={note} />
    </div>
  );
}
