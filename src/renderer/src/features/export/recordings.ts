/**
 * Recordings to a file (capture.* commands): started from a socket's or the toolbar's Export
 * menu, listed with their file's size, read again every second while one is running.
 */
import { create } from 'zustand';
import type { CaptureFormat, RecordingInfo } from '@shared/capture';
import type { Result } from '@shared/contract';
import { formatBytes } from '@shared/codec';
import { fileStamp } from '@shared/file-stamp';
import { invoke } from '../../sync/engine';

interface RecordingsState {
  recordings: RecordingInfo[];
  /** Where a new recording goes unless the user types another path: the folder Sockscope runs in. */
  folder: string;
}

export const useRecordings = create<RecordingsState>(() => ({ recordings: [], folder: '' }));

const POLL_MS = 1000;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Reads the list now, and again every second while something is recording. */
export async function refreshRecordings(): Promise<void> {
  clearTimeout(timer);
  const result = await invoke('capture.list', {});
  if (!result.ok) return;
  useRecordings.setState(result.value);
  if (result.value.recordings.some((r) => r.state === 'recording')) timer = setTimeout(() => void refreshRecordings(), POLL_MS);
}

export async function startRecording(ids: string[] | undefined, format: CaptureFormat, path: string): Promise<Result<string>> {
  const result = await invoke('capture.start', { ids, format, path });
  void refreshRecordings();
  return result.ok ? { ok: true, value: `Recording to ${result.value.path}` } : result;
}

export async function stopRecording(id: string): Promise<Result<string>> {
  const result = await invoke('capture.stop', { id });
  void refreshRecordings();
  if (!result.ok) return result;
  const { path, bytesWritten, lostBytes, error } = result.value;
  if (error !== undefined) return { ok: false, error: { code: 'RECORDING_FAILED', message: error } };
  const lost = lostBytes > 0 ? `; ${formatBytes(lostBytes)} were left out when the disk fell behind (the file marks where)` : '';
  return { ok: true, value: `Saved ${path} (${formatBytes(bytesWritten)})${lost}` };
}

/** `folder/sockscope-<subject>-<time>.<format>`, with the folder's own separator. */
export function suggestedPath(folder: string, subject: string, format: CaptureFormat, at = new Date()): string {
  const separator = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  const name = `sockscope-${subject}-${fileStamp(at)}.${format}`;
  return folder === '' ? name : `${folder.replace(/[\\/]+$/, '')}${separator}${name}`;
}
