import { formatBytes } from '@shared/codec';
import { cancelFileTransfer, useFileTransfers } from './fileTransfers';

/** Under the button that started a desktop export or import: how far it has got, and Cancel. */
export function TransferProgress({ transferId }: { transferId: string | undefined }) {
  const progress = useFileTransfers((state) => (transferId === undefined ? undefined : state.running[transferId]));
  if (!progress || transferId === undefined) return null;
  const verb = progress.direction === 'export' ? 'Saving' : 'Importing';
  const amount =
    progress.total === undefined ? `${formatBytes(progress.bytes)} written` : `${formatBytes(progress.bytes)} of ${formatBytes(progress.total)}`;
  return (
    <p
      role="status"
      className="absolute top-full right-0 z-20 mt-1 flex w-max max-w-[520px] items-center gap-2 rounded border border-line-strong bg-panel px-2 py-1 text-[11px] leading-snug text-muted shadow-md"
    >
      <span>
        {verb} <span className="font-mono text-fg">{progress.fileName}</span> · <span className="font-mono">{amount}</span>
      </span>
      <button
        type="button"
        onClick={() => cancelFileTransfer(transferId)}
        className="rounded border border-line-strong px-1.5 text-fg hover:bg-hover"
      >
        Cancel
      </button>
    </p>
  );
}
