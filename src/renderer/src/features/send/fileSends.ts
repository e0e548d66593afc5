import { create } from 'zustand';
import type { ErrorInfo, Target } from '@shared/contract';
import type { ToxicStream } from '@shared/proxy';
import { invoke } from '../../sync/engine';

/** A TCP file goes in chunks of this size: one `socket.send` (and one log entry) each. */
export const TCP_CHUNK_BYTES = 1024 * 1024;
/** UDP: one datagram per chunk, small enough for a 1500-byte Ethernet MTU. */
export const UDP_CHUNK_BYTES = 1400;

export interface FileSend {
  fileName: string;
  size: number;
  sent: number;
  state: 'sending' | 'done' | 'cancelled' | 'failed';
  error?: ErrorInfo;
  startedAt: number;
  /** When `sent` last changed, for the rate. */
  updatedAt: number;
  endedAt?: number;
}

/** File sends by the socket whose send bar started them; they go on while another socket is shown. */
export const useFileSends = create<Record<string, FileSend>>()(() => ({}));

const cancelled = new Set<string>();

function update(key: string, patch: Partial<FileSend>): void {
  useFileSends.setState((state) => {
    const current = state[key];
    return current ? { [key]: { ...current, ...patch } } : state;
  });
}

/**
 * Streams a file: reads one chunk (File.slice), sends it, and waits for the engine to say the
 * kernel took it before reading the next. Backpressure thus holds end to end, memory stays at one
 * chunk, and a file may be far larger than a single send allows.
 */
export async function sendFile(
  key: string,
  file: File,
  destination: { id: string; target?: Target; stream?: ToxicStream },
  chunkBytes: number,
): Promise<void> {
  if (useFileSends.getState()[key]?.state === 'sending') return;
  cancelled.delete(key);
  useFileSends.setState({
    [key]: { fileName: file.name, size: file.size, sent: 0, state: 'sending', startedAt: performance.now(), updatedAt: performance.now() },
  });
  let sent = 0;
  // An empty file is still sent once (an empty datagram, or nothing on TCP), so it shows in the log.
  do {
    if (cancelled.has(key)) {
      update(key, { state: 'cancelled', endedAt: performance.now() });
      return;
    }
    let data: Uint8Array<ArrayBuffer>;
    try {
      data = new Uint8Array(await file.slice(sent, sent + chunkBytes).arrayBuffer());
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      update(key, { state: 'failed', error: { code: 'FILE_READ', message: `Could not read ${file.name}: ${message}` }, endedAt: performance.now() });
      return;
    }
    const { stream, ...to } = destination;
    // A proxied conversation takes the chunk into the chosen direction.
    const result = stream ? await invoke('proxy.inject', { id: to.id, stream, data }) : await invoke('socket.send', { ...to, data });
    if (!result.ok) {
      update(key, { state: 'failed', error: result.error, endedAt: performance.now() });
      return;
    }
    sent += data.byteLength;
    update(key, { sent, updatedAt: performance.now() });
  } while (sent < file.size);
  update(key, { state: 'done', endedAt: performance.now() });
}

/** Stops after the chunk on its way (a chunk handed to the kernel cannot be taken back). */
export function cancelFileSend(key: string): void {
  cancelled.add(key);
}

export function dismissFileSend(key: string): void {
  useFileSends.setState((state) => {
    if (!state[key] || state[key].state === 'sending') return state;
    const next = { ...state };
    delete next[key];
    return next;
  }, true);
}
