import type { Input, Output, Result, SocketInfo, SocketKind } from '@shared/contract';
import type { HeldMessage, ToxicStream } from '@shared/proxy';
import { invoke } from '../../sync/engine';

/** The kind a protocol badge shows: a UDP proxy and its sessions say UDP. */
export function badgeKind(socket: SocketInfo): SocketKind {
  if (socket.proxy?.protocol === 'udp' || socket.conversation?.protocol === 'udp') return 'udp';
  return socket.importedFrom?.kind ?? socket.kind;
}

/** What the proxy panels do: a proxy's switch, toxics and breakpoints; a conversation's held messages and cuts. */

export function createProxy(input: Input<'proxy.create'>): Promise<Result<Output<'proxy.create'>>> {
  return invoke('proxy.create', input);
}

export function setProxyEnabled(id: string, enabled: boolean): Promise<Result<unknown>> {
  return invoke('proxy.update', { id, enabled });
}

export function addToxic(id: string, toxic: Input<'proxy.addToxic'>['toxic']): Promise<Result<unknown>> {
  return invoke('proxy.addToxic', { id, toxic });
}

export function removeToxic(id: string, name: string): Promise<Result<unknown>> {
  return invoke('proxy.removeToxic', { id, name });
}

/** Holds one direction (of a proxy: of every conversation) until released. */
export function holdStream(id: string, stream: ToxicStream, hold: boolean): Promise<Result<unknown>> {
  return invoke('proxy.hold', { id, stream, hold });
}

/** The held messages with bytes: the panel shows a held FIN from the conversation's heldFin, which it follows live. */
export async function listHeld(id: string): Promise<Result<HeldMessage[]>> {
  const result = await invoke('proxy.held', { id });
  return result.ok ? { ok: true, value: result.value.messages.filter((message) => !message.fin) } : result;
}

/** Forwards one held message, as it is or with `data` in its place. */
export function forwardHeld(id: string, stream: ToxicStream, heldId: number, data?: Uint8Array<ArrayBuffer>): Promise<Result<unknown>> {
  return invoke('proxy.release', { id, stream, heldId, action: 'forward', data });
}

export function dropHeld(id: string, stream: ToxicStream, heldId: number): Promise<Result<unknown>> {
  return invoke('proxy.release', { id, stream, heldId, action: 'drop' });
}

export function forwardAllHeld(id: string, stream: ToxicStream): Promise<Result<unknown>> {
  return invoke('proxy.release', { id, stream, action: 'forward' });
}

/** Closes one side of a conversation with FIN or RST. */
export function cutSide(id: string, side: Input<'proxy.cut'>['side'], how: Input<'proxy.cut'>['how']): Promise<Result<unknown>> {
  return invoke('proxy.cut', { id, side, how });
}
