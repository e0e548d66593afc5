/** A file that cannot be written, in words: the path and why, as the user can act on it. */
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
};

export function fileError(path: string, error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code !== undefined && Object.hasOwn(reasons, code) ? reasons[code](path) : error instanceof Error ? error.message : String(error);
  return new EngineError(code === 'ENOSPC' ? 'DISK_FULL' : 'FILE_ERROR', `Cannot write ${path}: ${reason}`);
}
