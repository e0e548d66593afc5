import { useRef, useState } from 'react';
import { exportFormatLabel, exportLogs, type ExportFormat } from './logFiles';
import { refreshRecordings } from './recordings';
import { ChevronIcon, DownloadIcon } from '../../ui/Icons';
import { Popover, usePopover } from '../../ui/Popover';
import { RecordForm } from './RecordForm';
import { StatusNote, useStatusNote } from '../../ui/StatusNote';
import { TransferProgress } from './TransferProgress';

const formats: readonly { format: ExportFormat; detail: string }[] = [
  { format: 'jsonl', detail: 'Every entry with its exact bytes; can be imported again' },
  { format: 'pcapng', detail: 'A capture for Wireshark, TCP handshakes included' },
];

interface ExportMenuProps {
  /** The sockets whose logs to export (a listener brings its connections); all when undefined. */
  ids: string[] | undefined;
  label: string;
  /** What the menu says it exports, e.g. "Export this log as". */
  menuLabel: string;
  title: string;
  disabled?: boolean;
  compact?: boolean;
}

/**
 * A button with a menu of export formats (the file is saved as a download, the outcome shown
 * beneath) and "Record to file…", which writes traffic to a file as it arrives.
 */
export function ExportMenu({ ids, label, menuLabel, title, disabled, compact }: ExportMenuProps) {
  const popover = usePopover();
  const recordPanel = usePopover();
  const button = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const [transferId, setTransferId] = useState<string>();
  const { note, report, clear } = useStatusNote();

  const run = async (format: ExportFormat): Promise<void> => {
    popover.close();
    clear();
    setBusy(true);
    const result = await exportLogs(ids, format, setTransferId);
    // Nothing to say when the save dialog was cancelled.
    if (!result.ok || result.value) report(result, 'Export failed');
    setTransferId(undefined);
    setBusy(false);
  };

  return (
    <div className="relative">
      <button
        ref={button}
        type="button"
        disabled={disabled || busy}
        {...popover.anchorProps}
        aria-haspopup="menu"
        title={title}
        className={
          compact
            ? 'inline-flex h-6 items-center gap-1 rounded border border-line-strong bg-canvas px-1.5 text-xs text-fg hover:bg-hover disabled:opacity-50'
            : 'inline-flex h-7 items-center gap-1.5 rounded px-2 text-[13px] whitespace-nowrap text-fg hover:bg-hover active:bg-selected disabled:opacity-50'
        }
      >
        <DownloadIcon className={`${compact ? 'size-3.5' : 'size-4'} text-muted`} />
        {label}
        <ChevronIcon open className="size-3 text-muted" />
      </button>
      <Popover handle={popover} anchor={button} label={menuLabel} role="menu" align="end" className="w-64 py-1">
        {formats.map(({ format, detail }) => (
          <button
            key={format}
            type="button"
            role="menuitem"
            onClick={() => void run(format)}
            className="flex w-full flex-col items-start px-2.5 py-1.5 text-left hover:bg-hover focus-visible:bg-hover focus-visible:outline-none"
          >
            <span className="text-xs text-fg">{exportFormatLabel[format]}</span>
            <span className="text-[11px] text-muted">{detail}</span>
          </button>
        ))}
        <div role="separator" className="my-1 border-t border-line" />
        <button
          type="button"
          role="menuitem"
          onClick={() => {
            popover.close();
            // The folder a new recording goes to comes with the list; then the form opens under the same button.
            void refreshRecordings().then(() => document.getElementById(recordPanel.id)?.showPopover());
          }}
          className="flex w-full flex-col items-start px-2.5 py-1.5 text-left hover:bg-hover focus-visible:bg-hover focus-visible:outline-none"
        >
          <span className="text-xs text-fg">Record to file…</span>
          <span className="text-[11px] text-muted">What the log holds, then traffic as it arrives, however much</span>
        </button>
      </Popover>
      <Popover handle={recordPanel} anchor={button} label="Record to file" align="end">
        <RecordForm
          ids={ids}
          onDone={(result) => {
            recordPanel.close();
            if (result) report(result, 'Could not record');
          }}
        />
      </Popover>
      <TransferProgress transferId={transferId} />
      <StatusNote note={note} />
    </div>
  );
}
