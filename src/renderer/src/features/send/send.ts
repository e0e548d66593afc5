import type { Input, Output, Result } from '@shared/contract';
import { invoke } from '../../sync/engine';

/** Sends the send bar's message once (a listener's: to one connection or all). */
export function sendMessage(request: Input<'socket.send'>): Promise<Result<Output<'socket.send'>>> {
  return invoke('socket.send', request);
}

/** Repeats a message in the engine; its progress comes back on the socket (SocketInfo.repeat). */
export function startRepeat(request: Input<'send.repeat'>): Promise<Result<Output<'send.repeat'>>> {
  return invoke('send.repeat', request);
}

export function stopRepeat(jobId: string): Promise<Result<unknown>> {
  return invoke('send.cancel', { jobId });
}
