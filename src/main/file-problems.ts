/**
 * Why a file could not be read or written, in words a user can act on: one wording for the
 * command line (`send --file`) and the app's exports and recordings.
 */
import { dirname } from 'node:path';

const reasons: Record<string, (path: string, purpose: 'read' | 'write') => string> = {
  EACCES: () => 'permission denied',
  EPERM: () => 'permission denied',
  ENOENT: (path, purpose) => (purpose === 'read' ? 'no such file' : `there is no folder ${dirname(path)}`),
  ENOTDIR: () => 'a part of the path is a file, not a folder',
  EISDIR: (_path, purpose) => (purpose === 'read' ? 'it is a folder' : 'it is a folder; name a file'),
  EROFS: () => 'the file system is read-only',
  ENOSPC: () => 'the disk is full',
  EDQUOT: () => 'the disk quota is used up',
  EEXIST: () => 'it already exists: choose another name',
};

export function fileProblem(error: unknown, path: string, purpose: 'read' | 'write'): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && Object.hasOwn(reasons, code)) return reasons[code](path, purpose);
  return error instanceof Error ? error.message : String(error);
}
