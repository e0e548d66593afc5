/**
 * File › Import Log…: the native open dialog, then the file streamed in by main as the toolbar's
 * Import does in the desktop app (file-dialogs.ts), with no size limit but the log's own budget.
 */
import { basename } from 'node:path';
import type { OpenDialogOptions } from 'electron';
import type { UiCommand } from '@shared/ui-command';

export interface ImportDeps {
  /** The chosen file's path, or undefined when the user cancelled. */
  pickFile(): Promise<string | undefined>;
  /** Reads the file as it streams in and opens its sockets; throws what it refuses. */
  importFile(path: string): Promise<{ sockets: { id: string }[] }>;
  send(command: UiCommand): void;
  showError(message: string, detail: string): void;
}

/** The native open dialog's options (electron's OpenDialogOptions). */
export const IMPORT_DIALOG = {
  title: 'Import a Sockscope log',
  properties: ['openFile'],
  filters: [{ name: 'JSON Lines', extensions: ['jsonl', 'ndjson', 'json'] }],
} as const satisfies OpenDialogOptions;

export async function importLogFromMenu(deps: ImportDeps): Promise<void> {
  const path = await deps.pickFile();
  if (path === undefined) return;
  try {
    const first = (await deps.importFile(path)).sockets[0];
    if (first) deps.send({ action: 'select-socket', id: first.id });
  } catch (error) {
    deps.showError(`Could not import ${basename(path)}`, error instanceof Error ? error.message : String(error));
  }
}
