import { formatBytes } from '@shared/codec';
import { cancelFileTransfer, useFileTransfers } from './fileTransfers';
import { ProgressRow } from '../../ui/ProgressRow';

/** Under the button that started a desktop export or import: how far it has got, and Cancel. */
export function TransferProgress({ transferId }: { transferId: string | undefined }) {
  const progress = useFileTransfers((state) => (transferId === undefined ? undefined : state.running[transferId]));
  if (!progress || transferId === undefined) return null;
  const verb = progress.direction === 'export' ? 'Saving' : 'Importing';
  const amount =
    progress.total === undefined ? `${formatBytes(progress.bytes)} written` : `${formatBytes(progress.bytes)} of ${formatBytes(progress.total)}`;
  return (
    <div
      role="status"
      className="absolute top-full right-0 z-20 mt-1 w-max max-w-[520px] rounded border border-line-strong bg-panel px-2 py-1 shadow-md"
    >
      <ProgressRow verb={verb} name={progress.fileName} amount={amount} action="Cancel" onAction={() => cancelFileTransfer(transferId)} />
    </div>
  );
}
