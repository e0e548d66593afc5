/**
 * Which address field of a dialog an engine error is about, so that it is said under that field:
 * a port taken or refused, a host not found or not this machine's. Other failures (a refused
 * connection, a timeout) are about the peer, not a field, and stay at the dialog's foot.
 */
const fieldOfCode: Record<string, 'host' | 'port'> = {
  EADDRINUSE: 'port',
  EACCES: 'port',
  EADDRNOTAVAIL: 'host',
  ENOTFOUND: 'host',
  EAI_NONAME: 'host',
  EAI_FAIL: 'host',
  EAI_AGAIN: 'host',
};

/** `binds`: the dialog binds a local address (a listener, a UDP socket, a proxy); a client's port is the peer's, never taken or refused here. */
export function addressFieldOf(code: string, binds: boolean): 'host' | 'port' | undefined {
  const field = Object.hasOwn(fieldOfCode, code) ? fieldOfCode[code] : undefined;
  return field === 'port' && !binds ? undefined : field;
}
