/** A file that cannot be written, in words: the path and why, as the user can act on it. */
import type { WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EngineError } from '../engine/errors';

const reasons: Record<string, (path: string) => string> = {
  EACCES: () => 'permission denied',
  EPERM: () => 'permission denied',
  ENOENT: (path) => `there is no folder ${dirname(path)}`,
  ENOTDIR: () => 'a part of the path is a file, not a folder',
  EISDIR: () => 'it is a folder; name a file',
  EROFS: () => 'the file system is read-only',
  ENOSPC: () => 'the disk is full',
  EDQUOT: () => 'the disk quota is used up',
  EEXIST: () => 'it already exists: choose another name',
};

export function fileError(path: string, error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code !== undefined && Object.hasOwn(reasons, code) ? reasons[code](path) : error instanceof Error ? error.message : String(error);
  return new EngineError(code === 'ENOSPC' ? 'DISK_FULL' : 'FILE_ERROR', `Cannot write ${path}: ${reason}`);
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
