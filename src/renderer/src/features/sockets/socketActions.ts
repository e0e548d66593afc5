import type { Result, SocketInfo } from '@shared/contract';
import { invoke } from '../../sync/engine';
import type { NewSocketRequest } from '../new-socket/newSocketForm';

export type SocketAction = 'close' | 'halfClose' | 'reset' | 'stop' | 'stopAll' | 'clearLog' | 'remove';

/** Accessible names are stable: end-to-end tests find the buttons by them. */
export const actionLabel: Record<SocketAction, string> = {
  close: 'Close',
  halfClose: 'Half-close',
  reset: 'Reset',
  stop: 'Stop listening',
  stopAll: 'Stop and close connections',
  clearLog: 'Clear log',
  remove: 'Remove',
};

export const actionDescription: Record<SocketAction, string> = {
  close: 'Close gracefully (TCP sends FIN; UDP unbinds)',
  halfClose: 'Stop sending (FIN) and keep receiving',
  reset: 'Abort the connection with RST',
  stop: 'Stop accepting connections; accepted ones stay open',
  stopAll: 'Stop accepting and close every accepted connection',
  clearLog: 'Forget the log shown here; counters stay',
  remove: 'Remove from the list, with its log',
};

/** What can be done to a socket in its current state, in the order the buttons appear. */
export function availableActions(socket: SocketInfo, openConnections: number): SocketAction[] {
  const ended = socket.state === 'closed' || socket.state === 'error';
  if (ended) return ['clearLog', 'remove'];
  switch (socket.kind) {
    case 'tcp-listener':
      return openConnections > 0 ? ['stop', 'stopAll', 'clearLog'] : ['stop', 'clearLog'];
    case 'udp':
      return ['close', 'clearLog'];
    default:
      if (socket.state === 'open') return ['close', 'halfClose', 'reset', 'clearLog'];
      if (socket.state === 'half-closed') return ['close', 'reset', 'clearLog'];
      return ['close', 'clearLog'];
  }
}

/** The one action a sidebar row offers on hover: end it if it is live, remove it if not. */
export function primaryAction(socket: SocketInfo): SocketAction {
  if (socket.state === 'closed' || socket.state === 'error') return 'remove';
  return socket.kind === 'tcp-listener' ? 'stop' : 'close';
}

export async function runAction(action: SocketAction, id: string): Promise<Result<unknown>> {
  switch (action) {
    case 'close':
      return invoke('socket.close', { id });
    case 'halfClose':
      return invoke('socket.halfClose', { id });
    case 'reset':
      return invoke('socket.reset', { id });
    case 'stop':
      return invoke('listener.stop', { id, closeConnections: false });
    case 'stopAll':
      return invoke('listener.stop', { id, closeConnections: true });
    case 'clearLog':
      return invoke('log.clear', { id });
    case 'remove':
      return invoke('socket.remove', { id });
  }
}

/** Connects, listens or binds as the New… dialog asked; the new socket's info on success. */
export function openSocket(request: NewSocketRequest): Promise<Result<SocketInfo>> {
  switch (request.command) {
    case 'tcp.connect':
      return invoke('tcp.connect', request.input);
    case 'tcp.listen':
      return invoke('tcp.listen', request.input);
    case 'udp.bind':
      return invoke('udp.bind', request.input);
  }
}
