import { useRef, useState } from 'react';
import { importLog, importLogWithDialog, importsWithDialog } from './logFiles';
import { useSockets } from '../sockets/sockets';
import { ExportMenu } from './ExportMenu';
import { ImportIcon } from '../../ui/Icons';
import { RecordingsStatus } from './RecordingsStatus';
import { StatusNote, useStatusNote } from '../../ui/StatusNote';
import { TransferProgress } from './TransferProgress';

/** In the toolbar: open a JSON Lines export for viewing, or export every socket's log at once. */
export function LogFileMenu() {
  const hasSockets = useSockets((state) => Object.keys(state.sockets).length > 0);
  const fileInput = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [transferId, setTransferId] = useState<string>();
  const { note, report, clear } = useStatusNote();

  // The desktop app: main opens the native dialog and streams the file in, whatever its size.
  const onDialog = async (): Promise<void> => {
    clear();
    setBusy(true);
    const result = await importLogWithDialog(setTransferId);
    if (!result.ok || result.value) report(result, 'Could not import');
    setTransferId(undefined);
    setBusy(false);
  };

  const onFile = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    clear();
    setBusy(true);
    report(await importLog(file), 'Could not import');
    setBusy(false);
    // The same file again (after fixing it, say) must fire a change too.
    if (fileInput.current) fileInput.current.value = '';
  };

  return (
    <div className="flex items-center gap-1">
      <RecordingsStatus />
      <div className="relative">
        <button
          type="button"
          disabled={busy}
          onClick={() => (importsWithDialog() ? void onDialog() : fileInput.current?.click())}
          title="Open a JSON Lines log exported from Sockscope, read-only"
          className="inline-flex h-7 items-center gap-1.5 rounded px-2 text-[13px] whitespace-nowrap text-fg hover:bg-hover active:bg-selected disabled:opacity-50"
        >
          <ImportIcon className="size-4 text-muted" />
          Import log…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".jsonl,.ndjson,.json,application/jsonl,application/x-ndjson"
          aria-label="Log file to import"
          className="hidden"
          onChange={(event) => void onFile(event.target.files?.[0])}
        />
        <TransferProgress transferId={transferId} />
        <StatusNote note={note} />
      </div>
      <ExportMenu
        ids={undefined}
        label="Export all"
        menuLabel="Export all logs as"
        title="Save every socket’s log in one file"
        disabled={!hasSockets}
      />
    </div>
  );
}
