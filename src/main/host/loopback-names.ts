/**
 * The DNS-rebinding defence: a page from another site can make a browser send requests to
 * 127.0.0.1, but they then carry that site's name in Host (and Origin). What matters is that the
 * name is a loopback one, not the port: behind `ssh -L 7000:127.0.0.1:7001` the browser names the
 * forwarded port, and on port 80 it names none at all.
 */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `name`, `name:port`, `[v6]` or `[v6]:port`; a port, when there is one, is 1 to 5 digits. */
const HOST_AND_PORT = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/;

/** A Host header naming this machine's loopback, with any port or none. */
export function isLoopbackHost(host: string | undefined): boolean {
  const match = HOST_AND_PORT.exec(host ?? '');
  if (!match) return false;
  if (match[2] !== undefined && Number(match[2]) > 65535) return false;
  return LOOPBACK_NAMES.has(match[1].toLowerCase());
}

/** An Origin header of a page served from a loopback name (http, or https behind a TLS forward). */
export function isLoopbackOrigin(origin: string): boolean {
  const match = /^https?:\/\/(.*)$/i.exec(origin);
  return match !== null && isLoopbackHost(match[1]);
}
