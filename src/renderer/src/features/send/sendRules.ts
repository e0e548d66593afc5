import { formatBytes } from '@shared/codec';
import type { PayloadFormat, SocketInfo } from '@shared/contract';
import { MAX_SEND_BYTES } from '@shared/contract/send-data';

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

/**
 * Characters the message box may hold in each mode, at most: the longest text one send
 * (MAX_SEND_BYTES) can be written as. Text is at least a byte a character; hex takes three
 * characters a byte with a separator ("de ad "); base64 four for every three bytes, with its line
 * breaks. A paste past this could never be sent (ui/pasteGuard.ts refuses it).
 */
export const MESSAGE_BOX_CHARS: Record<PayloadFormat, number> = {
  text: MAX_SEND_BYTES,
  hex: 3 * MAX_SEND_BYTES,
  base64: 2 * MAX_SEND_BYTES,
};

/** Why the message box refuses a paste it cannot hold. */
export const MESSAGE_BOX_FULL = `more than one send can carry (${formatBytes(MAX_SEND_BYTES)}). To send a large payload, choose File and pick it from disk.`;
