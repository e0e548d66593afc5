/**
 * Desktop Export and Import in progress (file.* commands, src/shared/file-dialogs.ts): main sends
 * `file.progress` events while it writes or reads the file; the control that started a transfer
 * shows its progress and a Cancel.
 */
import { create } from 'zustand';
import type { FileProgressEvent } from '@shared/file-dialogs';
import type { Transport } from '../../transport';
import { invoke } from '../../sync/engine';

export const useFileTransfers = create<{ running: Record<string, FileProgressEvent> }>(() => ({ running: {} }));

let counter = 0;

/** A new id for a transfer this window starts. */
export function newTransferId(): string {
  return `w${Date.now().toString(36)}-${++counter}`;
}

export function startFileTransferSync(transport: Transport): () => void {
  return transport.subscribe((batch) => {
    const progress = batch.events.filter((event): event is FileProgressEvent => event.type === 'file.progress');
    if (progress.length === 0) return;
    useFileTransfers.setState(({ running }) => {
      const next = { ...running };
      for (const event of progress) {
        if (event.done) delete next[event.transferId];
        else next[event.transferId] = event;
      }
      return { running: next };
    });
  });
}

export function cancelFileTransfer(transferId: string): void {
  void invoke('file.cancelTransfer', { transferId });
}
