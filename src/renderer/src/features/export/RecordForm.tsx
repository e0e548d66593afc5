import { useState } from 'react';
import type { CaptureFormat } from '@shared/capture';
import type { Result } from '@shared/contract';
import { startRecording, suggestedPath, useRecordings } from './recordings';
import { FormField } from '../../ui/FormField';

interface RecordFormProps {
  /** The sockets to record (a listener brings its connections); every socket, new ones too, when undefined. */
  ids: string[] | undefined;
  onDone: (result: Result<string> | undefined) => void;
}

const formats: readonly { format: CaptureFormat; label: string }[] = [
  { format: 'pcapng', label: 'pcapng (Wireshark)' },
  { format: 'jsonl', label: 'JSON Lines' },
];

/**
 * Where to record to, typed: the browser host has no save dialog, and the file is written by the
 * machine Sockscope runs on, so the path is that machine's (the folder it runs in unless changed).
 */
export function RecordForm({ ids, onDone }: RecordFormProps) {
  const folder = useRecordings((state) => state.folder);
  const subject = ids === undefined ? 'all' : ids[0];
  const [format, setFormat] = useState<CaptureFormat>('pcapng');
  const [path, setPath] = useState(() => suggestedPath(folder, subject, 'pcapng'));
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const choose = (next: CaptureFormat): void => {
    setFormat(next);
    // The suggested name follows the format; a path the user typed keeps its own ending.
    setPath((current) => current.replace(/\.(pcapng|jsonl)$/, `.${next}`));
  };

  const start = async (): Promise<void> => {
    setBusy(true);
    const result = await startRecording(ids, format, path);
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    onDone(result);
  };

  return (
    <form
      className="flex w-[420px] flex-col gap-2 p-3"
      onSubmit={(event) => {
        event.preventDefault();
        void start();
      }}
    >
      <p className="text-xs font-medium text-fg">{ids === undefined ? 'Record all sockets to a file' : 'Record this socket to a file'}</p>
      <fieldset className="flex gap-3 text-xs">
        <legend className="sr-only">Format</legend>
        {formats.map((option) => (
          <label key={option.format} className="inline-flex items-center gap-1.5">
            <input type="radio" name="record-format" checked={format === option.format} onChange={() => choose(option.format)} />
            {option.label}
          </label>
        ))}
      </fieldset>
      <FormField
        label="File on this machine"
        value={path}
        onChange={(value) => {
          setPath(value);
          setError(undefined);
        }}
        error={error}
        hint="Starts with what the log holds, then writes traffic as it arrives, however much: the file grows until you stop it."
      />
      <div className="flex justify-end gap-2">
        <button type="button" onClick={() => onDone(undefined)} className="h-7 rounded px-2.5 text-xs text-fg hover:bg-hover">
          Cancel
        </button>
        <button
          type="submit"
          disabled={busy || path.trim() === ''}
          className="h-7 rounded bg-accent px-2.5 text-xs font-medium text-white hover:opacity-90 disabled:opacity-50"
        >
          Start recording
        </button>
      </div>
    </form>
  );
}
