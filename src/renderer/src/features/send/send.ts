import type { Input, Output, Result } from '@shared/contract';
import { invoke } from '../../sync/engine';

/** Sends the send bar's message once (a listener's: to one connection or all). */
export function sendMessage(request: Input<'socket.send'>): Promise<Result<Output<'socket.send'>>> {
  return invoke('socket.send', request);
}

/** A proxied conversation: bytes into one direction, as if from the client (`upstream`) or the server. */
export function injectMessage(request: Input<'proxy.inject'>): Promise<Result<Output<'proxy.inject'>>> {
  return invoke('proxy.inject', request);
}

/** Repeats a message in the engine; its progress comes back on the socket (SocketInfo.repeat). */
export function startRepeat(request: Input<'send.repeat'>): Promise<Result<Output<'send.repeat'>>> {
  return invoke('send.repeat', request);
}

export function stopRepeat(jobId: string): Promise<Result<unknown>> {
  return invoke('send.cancel', { jobId });
}
