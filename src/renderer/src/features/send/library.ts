import { create } from 'zustand';
import type { ErrorInfo, Input, Result, SavedMessage } from '@shared/contract';
import type { Transport } from '../../transport';
import { invoke } from '../../sync/engine';
import { followMain } from '../../sync/follow-main';

interface LibraryState {
  /** As main holds them, in their order (the first nine have Ctrl/⌘+1…9). */
  messages: SavedMessage[];
  loaded: boolean;
  error: ErrorInfo | null;
}

/** The saved messages, mirrored from main; every window and tab sees the same list. */
export const useLibrary = create<LibraryState>()(() => ({ messages: [], loaded: false, error: null }));

let listing = 0;

async function refresh(): Promise<void> {
  const call = ++listing;
  const result = await invoke('library.list', {});
  // An older reply that lands after a newer one would show a stale list.
  if (call !== listing) return;
  useLibrary.setState(result.ok ? { messages: result.value.messages, loaded: true, error: null } : { error: result.error });
}

/** Lists the library whenever the transport (re)opens, batches were lost (a change among them), or any window changes it. */
export function startLibrarySync(transport: Transport): () => void {
  return followMain(
    transport,
    () => void refresh(),
    (batch) => {
      if (batch.events.some((event) => event.type === 'library.changed')) void refresh();
    },
  );
}

/** Runs a library command and lists again at once (the change event follows, for the other windows). */
async function change<T>(run: Promise<Result<T>>): Promise<Result<T>> {
  const result = await run;
  if (result.ok) await refresh();
  return result;
}

export function saveMessage(message: Input<'library.save'>): Promise<Result<SavedMessage>> {
  return change(invoke('library.save', message));
}

export function removeMessage(id: string): Promise<Result<unknown>> {
  return change(invoke('library.remove', { id }));
}

export function importLibrary(text: string): Promise<Result<{ imported: number }>> {
  return change(invoke('library.import', { text, mode: 'merge' }));
}

export const EXPORT_FILE_NAME = 'sockscope-saved-messages.json';

/** Downloads the library as a JSON file that Import reads back. */
export async function exportLibrary(): Promise<Result<{ count: number }>> {
  const result = await invoke('library.export', {});
  if (!result.ok) return result;
  const url = URL.createObjectURL(new Blob([result.value.text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = EXPORT_FILE_NAME;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its copy once click() returns; a moment later the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return { ok: true, value: { count: result.value.count } };
}
