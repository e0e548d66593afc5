import type { Result, SocketInfo } from '@shared/contract';
import type { DecoderChoice, FramingSpec } from '@shared/framing';
import { invoke } from '../../../sync/engine';

/** Cuts the socket's log into frames this way from now on (and re-cuts what it holds). */
export function applyFraming(id: string, framing: FramingSpec): Promise<Result<SocketInfo>> {
  return invoke('framing.set', { id, framing });
}

/** Which decoder the Decoded view uses for this socket. */
export function chooseDecoder(id: string, decoder: DecoderChoice): Promise<Result<SocketInfo>> {
  return invoke('framing.set', { id, decoder });
}
