/** A file that cannot be written, in words: the path and why, as the user can act on it. */
import type { WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { EngineError } from '../engine/errors';
import { fileProblem } from '../file-problems';

export function fileError(path: string, error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return new EngineError(code === 'ENOSPC' ? 'DISK_FULL' : 'FILE_ERROR', `Cannot write ${path}: ${fileProblem(error, path, 'write')}`);
}

/**
 * Opens `path` for writing (a path that cannot be written fails here, in words); with
 * `overwrite: false` an existing file is refused rather than replaced, atomically.
 */
export async function openForWriting(path: string, overwrite = true): Promise<WriteStream> {
  const handle = await open(path, overwrite ? 'w' : 'wx').catch((error: unknown) => {
    throw fileError(path, error);
  });
  return handle.createWriteStream();
}
