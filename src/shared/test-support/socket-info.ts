import type { SocketInfo } from '../contract';

/** A SocketInfo for tests that need one without a socket behind it: an open TCP client unless patched. */
export function socketInfo(id: string, patch: Partial<SocketInfo> = {}): SocketInfo {
  return {
    id,
    kind: 'tcp-client',
    state: 'open',
    bytesIn: 0,
    bytesOut: 0,
    messagesIn: 0,
    messagesOut: 0,
    queuedBytes: 0,
    createdAt: 1,
    ...patch,
  };
}
