import type { SocketInfo } from '@shared/contract';

/** Why the send bar cannot send right now, in words for the user; null when it can. */
export function sendBlockedReason(socket: SocketInfo, openConnections: number): string | null {
  if (socket.state === 'closed' || socket.state === 'error') {
    switch (socket.kind) {
      case 'tcp-listener':
        return 'Cannot send: this listener has stopped.';
      case 'udp':
        return 'Cannot send: this UDP socket is closed.';
      default:
        return 'Cannot send: this connection is closed.';
    }
  }
  if (socket.state === 'connecting') return 'Cannot send yet: still connecting.';
  if (socket.kind === 'tcp-listener' && openConnections === 0) return 'No open connections to send to yet.';
  return null;
}

/** Inputs up to this size are checked as you type; larger ones only when sent, so pasting stays fast. */
export const LIVE_CHECK_LIMIT = 64 * 1024;
