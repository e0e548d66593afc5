import { useEffect, useRef, useState } from 'react';
import type { Result } from '@shared/contract';

interface Note {
  error: boolean;
  text: string;
}

/**
 * A short note under the button that caused it: what was done, or why it failed. A success note
 * goes by itself after a few seconds; an error stays longer and is announced.
 */
export function useStatusNote(): { note: Note | null; report: (result: Result<string>, failed: string) => void; clear: () => void } {
  const [note, setNote] = useState<Note | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return {
    note,
    report: (result, failed) => {
      setNote(result.ok ? { error: false, text: result.value } : { error: true, text: `${failed}: ${result.error.message}` });
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setNote(null), result.ok ? 5000 : 15_000);
    },
    clear: () => {
      clearTimeout(timer.current);
      setNote(null);
    },
  };
}

export function StatusNote({ note }: { note: Note | null }) {
  if (!note) return null;
  return (
    <p
      role={note.error ? 'alert' : 'status'}
      className={`absolute top-full right-0 z-20 mt-1 w-max max-w-[520px] rounded border px-2 py-1 text-[11px] leading-snug shadow-md ${
        note.error ? 'border-danger/40 bg-panel text-danger' : 'border-line-strong bg-panel text-muted'
      }`}
    >
      {note.text}
    </p>
  );
}
