/**
 * File › Import Log…: the native open dialog, then the same `log.import` command the toolbar's
 * button sends (a file chooser opened by a menu click has no user gesture in the page).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { OpenDialogOptions } from 'electron';
import { z } from 'zod';
import { MAX_IMPORT_BYTES, type Result } from '../../shared/contract';
import { formatBytes } from '../../shared/codec';
import type { UiCommand } from '../../shared/ui-command';

export interface ImportDeps {
  /** The chosen file's path, or undefined when the user cancelled. */
  pickFile(): Promise<string | undefined>;
  dispatch(command: 'log.import', input: { fileName: string; data: Uint8Array }): Promise<Result<unknown>>;
  send(command: UiCommand): void;
  showError(message: string, detail: string): void;
}

/** The native open dialog's options (electron's OpenDialogOptions). */
export const IMPORT_DIALOG = {
  title: 'Import a Sockscope log',
  properties: ['openFile'],
  filters: [{ name: 'JSON Lines', extensions: ['jsonl', 'ndjson', 'json'] }],
} as const satisfies OpenDialogOptions;

/** The part of `log.import`'s output this needs. */
const Imported = z.object({ sockets: z.array(z.object({ id: z.string() })) });

export async function importLogFromMenu(deps: ImportDeps): Promise<void> {
  const path = await deps.pickFile();
  if (path === undefined) return;
  const fileName = basename(path);
  const failed = (detail: string): void => deps.showError(`Could not import ${fileName}`, detail);
  try {
    const { size } = await stat(path);
    if (size > MAX_IMPORT_BYTES) return failed(`It is ${formatBytes(size)}; a log to import is limited to ${formatBytes(MAX_IMPORT_BYTES)}.`);
    const result = await deps.dispatch('log.import', { fileName, data: new Uint8Array(await readFile(path)) });
    if (!result.ok) return failed(result.error.message);
    const first = Imported.safeParse(result.value).data?.sockets[0];
    if (first) deps.send({ action: 'select-socket', id: first.id });
  } catch (error) {
    failed(error instanceof Error ? error.message : String(error));
  }
}
